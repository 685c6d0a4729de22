"""The heavy calls (training, plots, the gradient check, the loss landscape, the data) run in
a small pool of threads of their own, so that the cheap routes (health, the phases, reads)
never wait behind them: those keep the event loop and the default pool of threads, which a
crowd of heavy calls can no longer fill. A heavy call waits for a free worker without
holding a thread, and takes its network's lock only once it has one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import TypeVar

from ..networks.fifo import Slots

T = TypeVar("T")


class HeavyPool:
    """At most `workers` heavy calls at once; the others queue, in order (fifo.Slots: tied
    to no event loop, so that an app driven by several loops in turn, as tests do, shares
    one pool). Its threads start with the first calls and stay for the app's life."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        # Not at a lower OS priority: a worker descheduled while it holds the GIL (between
        # two NumPy calls) would stall the event loop behind it.
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="heavy")
        self._slots = Slots(workers)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[Callable[[Callable[[], T]], asyncio.Future[T]]]:
        """Waits (in order) for one of the pool's workers; yields how to run a function on
        it, awaitable."""
        await self._slots.take()
        loop = asyncio.get_running_loop()
        try:
            yield lambda call: loop.run_in_executor(self._executor, call)
        finally:
            self._slots.give()

    async def run(self, call: Callable[[], T]) -> T:
        """`call()` on one of the pool's threads, once one is free."""
        async with self.slot() as run:
            return await run(call)
