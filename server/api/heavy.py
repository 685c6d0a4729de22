"""The heavy calls (training, plots, the gradient check, the loss landscape, the data) run in
a small pool of threads of their own, so that the cheap routes (health, the phases, reads)
never wait behind them: those keep the event loop and the default pool of threads, which a
crowd of heavy calls can no longer fill. A heavy call waits for a free worker without
holding a thread, and takes its network's lock only once it has one."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import TypeVar

T = TypeVar("T")


class HeavyPool:
    """At most `workers` heavy calls at once; the others queue, in order. Its threads start
    with the first calls and stay for the app's life (an app may outlive its lifespan).

    Its bookkeeping is thread-safe and tied to no event loop, so that an app driven by
    several loops in turn (as tests do) shares one pool."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        # Not at a lower OS priority: a worker descheduled while it holds the GIL (between
        # two NumPy calls) would stall the event loop behind it.
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="heavy")
        self._lock = threading.Lock()
        self._free = workers
        self._queue: deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = deque()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[Callable[[Callable[[], T]], asyncio.Future[T]]]:
        """Waits (in order) for one of the pool's workers; yields how to run a function on
        it, awaitable."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] | None = None
        with self._lock:
            if self._free and not self._queue:
                self._free -= 1
            else:
                waiter = loop.create_future()
                self._queue.append((loop, waiter))
        if waiter is not None:
            try:
                await waiter
            except asyncio.CancelledError:
                self._leave(loop, waiter)
                raise
        try:
            yield lambda call: loop.run_in_executor(self._executor, call)
        finally:
            self._hand_on()

    def _leave(self, loop: asyncio.AbstractEventLoop, waiter: asyncio.Future[None]) -> None:
        """A waiter that gave up: out of the queue, or, if it was just given the worker,
        the worker goes to the next."""
        with self._lock:
            try:
                self._queue.remove((loop, waiter))
                return
            except ValueError:
                pass
        self._hand_on()

    def _hand_on(self) -> None:
        """A worker is free: to the first in the queue, or back to the pool."""
        with self._lock:
            while self._queue:
                loop, waiter = self._queue.popleft()
                if not loop.is_closed():
                    loop.call_soon_threadsafe(_wake, waiter)
                    return
            self._free += 1

    async def run(self, call: Callable[[], T]) -> T:
        """`call()` on one of the pool's threads, once one is free."""
        async with self.slot() as run:
            return await run(call)


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
    else:  # cancelled meanwhile: its _leave found it out of the queue and hands on
        pass
