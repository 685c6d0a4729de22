"""Slots: a first-in, first-out semaphore that event loops (any number of them) and threads
can wait on alike. The heavy pool's workers are slots, and so is each network's lock.

asyncio's own Lock and Semaphore belong to the loop that first waits on them, and polling a
threading.Lock is unfair: a call that just arrived can take it before one that has waited,
over and over (with 256 connections on one worker, a step waited up to 6 s). Here the first
to wait is the first served, each waiter on its own loop or thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque


class Slots:
    """At most `count` holders at once; the others wait in order."""

    def __init__(self, count: int = 1) -> None:
        self._mutex = threading.Lock()
        self._free = count
        # A waiter: (its loop, its future) for a coroutine, (None, an Event) for a thread.
        self._waiters: deque[tuple[asyncio.AbstractEventLoop | None, object]] = deque()

    @property
    def waiting(self) -> int:
        """How many wait now."""
        return len(self._waiters)

    def try_take(self) -> bool:
        """Takes a slot if one is free and nobody waits for it."""
        with self._mutex:
            if self._free and not self._waiters:
                self._free -= 1
                return True
            return False

    async def take(self, timeout: float | None = None) -> bool:
        """Waits (in order) for a slot; False if `timeout` seconds passed first (or the
        caller was cancelled: then the CancelledError goes on, holding nothing)."""
        loop = asyncio.get_running_loop()
        with self._mutex:
            if self._free and not self._waiters:
                self._free -= 1
                return True
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.append((loop, waiter))
        try:
            await asyncio.wait_for(asyncio.shield(waiter), timeout)
            return True
        except TimeoutError:
            self._abandon(loop, waiter)
            return False
        except asyncio.CancelledError:
            self._abandon(loop, waiter)
            raise

    def take_blocking(self, timeout: float | None = None) -> bool:
        """Waits (in order) for a slot on this thread; False after `timeout` seconds."""
        with self._mutex:
            if self._free and not self._waiters:
                self._free -= 1
                return True
            event = threading.Event()
            self._waiters.append((None, event))
        if event.wait(timeout):
            return True
        self._abandon(None, event)
        return False

    def _abandon(self, loop: asyncio.AbstractEventLoop | None, waiter: object) -> None:
        """A waiter gives up: out of the queue, or, if it was handed a slot meanwhile, the
        slot goes to the next."""
        with self._mutex:
            try:
                self._waiters.remove((loop, waiter))
                return
            except ValueError:
                pass
        self.give()

    def give(self) -> None:
        """A slot is free: to the first waiter, or back."""
        with self._mutex:
            while self._waiters:
                loop, waiter = self._waiters.popleft()
                if loop is None:
                    waiter.set()  # type: ignore[attr-defined]
                    return
                if not loop.is_closed():
                    loop.call_soon_threadsafe(_wake, waiter)
                    return
            self._free += 1


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class Gates:
    """One Slots(1) per key (a network's id), kept only while some call holds it or waits
    for it: calls on one key go one at a time, in order of arrival."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._gates: dict[str, tuple[Slots, int]] = {}

    def enter(self, key: str) -> Slots:
        """The key's gate, counted as used until `leave`."""
        with self._mutex:
            gate, users = self._gates.get(key) or (Slots(1), 0)
            self._gates[key] = gate, users + 1
            return gate

    def leave(self, key: str, gate: Slots, held: bool) -> None:
        """Done with the key's gate (which it held, if `held`)."""
        if held:
            gate.give()
        with self._mutex:
            _, users = self._gates[key]
            if users == 1:
                del self._gates[key]
            else:
                self._gates[key] = gate, users - 1
