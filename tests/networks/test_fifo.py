"""Slots: first come, first served, for coroutines on any event loop and for threads."""

import asyncio
import threading

from server.networks.fifo import Gates, Slots


def test_fifo_waiters_are_served_in_order_of_arrival() -> None:
    slots = Slots(1)
    served: list[int] = []

    async def call(n: int) -> None:
        assert await slots.take()
        served.append(n)
        await asyncio.sleep(0)  # others try meanwhile
        slots.give()

    async def many() -> None:
        assert slots.try_take()  # held, so that every call below waits
        tasks = [asyncio.create_task(call(n)) for n in range(20)]
        await asyncio.sleep(0.01)
        slots.give()
        await asyncio.gather(*tasks)

    asyncio.run(many())
    assert served == list(range(20))


def test_fifo_a_newcomer_does_not_overtake_a_waiter() -> None:
    slots = Slots(1)

    async def scene() -> list[str]:
        order: list[str] = []
        assert slots.try_take()
        waiter = asyncio.create_task(slots.take())
        await asyncio.sleep(0.01)
        slots.give()  # handed to the waiter, not left free
        assert not slots.try_take()  # a newcomer finds it taken
        assert await waiter
        order.append("waiter")
        slots.give()
        assert slots.try_take()
        order.append("newcomer")
        return order

    assert asyncio.run(scene()) == ["waiter", "newcomer"]


def test_fifo_a_waiter_that_gives_up_holds_nothing_and_hands_on() -> None:
    slots = Slots(1)

    async def scene() -> None:
        assert slots.try_take()
        assert not await slots.take(timeout=0.01)  # timed out: holds nothing
        cancelled = asyncio.create_task(slots.take())
        await asyncio.sleep(0.01)
        cancelled.cancel()
        await asyncio.gather(cancelled, return_exceptions=True)
        after = asyncio.create_task(slots.take())
        await asyncio.sleep(0.01)
        slots.give()
        assert await after  # the slot went past the two who gave up
        slots.give()
        assert slots.try_take() and slots.waiting == 0

    asyncio.run(scene())


def test_fifo_loops_and_threads_share_one_queue() -> None:
    slots = Slots(2)
    held = threading.Event()
    inside, most = [0], [0]
    lock = threading.Lock()

    def enter() -> None:
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])

    def leave() -> None:
        with lock:
            inside[0] -= 1

    async def on_a_loop() -> None:
        for _ in range(50):
            assert await slots.take()
            enter()
            await asyncio.sleep(0.0005)
            leave()
            slots.give()

    def on_a_thread() -> None:
        held.set()
        for _ in range(50):
            assert slots.take_blocking(5)
            enter()
            threading.Event().wait(0.0005)
            leave()
            slots.give()

    threads = [threading.Thread(target=lambda: asyncio.run(on_a_loop())) for _ in range(3)]
    threads += [threading.Thread(target=on_a_thread) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert most[0] == 2 and inside[0] == 0
    assert slots.try_take() and slots.try_take() and not slots.try_take()


def test_fifo_gates_are_kept_only_while_used() -> None:
    gates = Gates()
    a = gates.enter("a")
    assert a.try_take()
    assert gates.enter("a") is a  # a second call on "a" waits at the same gate
    gates.leave("a", a, held=True)
    gates.leave("a", a, held=False)
    assert gates._gates == {}
