"""The heavy calls (training, plots, the gradient check, the loss landscape, the data: every
call whose cost grows with the data or a grid) run in a small pool of threads of their own,
so that the cheap routes (health, the phases, reads) never wait behind them: those keep the
event loop and the default pool of threads, which a crowd of heavy calls cannot fill.

The pool is bounded three ways, each refusing at once with nothing done:
- at most MAX_HEAVY_QUEUE calls wait for a worker (more: Overloaded, 503);
- at most MAX_HEAVY_PER_CLIENT calls of one client wait or run (more: RateLimited, 429), so
  that one client cannot take every worker and the queue;
- a call whose client goes while it waits is dropped (ClientGone) and never runs.
A heavy call waits for a worker without holding a thread or a network's lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import TypeVar

from ..errors import ClientGone, Overloaded, RateLimited
from ..limits import MAX_HEAVY_PER_CLIENT, MAX_HEAVY_QUEUE
from ..networks.fifo import Slots

T = TypeVar("T")


class HeavyPool:
    """At most `workers` heavy calls at once; the others queue, in order (fifo.Slots: tied
    to no event loop, so that an app driven by several loops in turn, as tests do, shares
    one pool). Its threads start with the first calls and stay for the app's life."""

    def __init__(self, workers: int, max_queue: int = MAX_HEAVY_QUEUE,
                 per_client: int = MAX_HEAVY_PER_CLIENT) -> None:
        self.workers = workers
        self.max_queue = max_queue
        self.per_client = per_client
        # Not at a lower OS priority: a worker descheduled while it holds the GIL (between
        # two NumPy calls) would stall the event loop behind it.
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="heavy")
        self._slots = Slots(workers)
        self._mutex = threading.Lock()
        self._clients: dict[str, int] = {}  # client → its calls waiting or running

    def _admit(self, client: str) -> None:
        with self._mutex:
            mine = self._clients.get(client, 0)
            if mine >= self.per_client:
                raise RateLimited(
                    f"too many calls that train, plot or read data at once: this client has "
                    f"{mine} waiting or running, and may have {self.per_client}; nothing was "
                    "done, try again when one has answered", 1)
            if self._slots.waiting >= self.max_queue:
                raise Overloaded(self._slots.waiting)
            self._clients[client] = mine + 1

    def _leave(self, client: str) -> None:
        with self._mutex:
            mine = self._clients[client] - 1
            if mine:
                self._clients[client] = mine
            else:
                del self._clients[client]

    @asynccontextmanager
    async def slot(self, client: str = "",
                   gone: Callable[[], Awaitable[object]] | None = None,
                   ) -> AsyncIterator[Callable[[Callable[[], T]], asyncio.Future[T]]]:
        """Waits (in order) for one of the pool's workers; yields how to run a function on
        it, awaitable. `client` names the caller (its address), `gone()` returns once it
        has gone: a call whose client goes while it waits never runs."""
        self._admit(client)
        try:
            if not self._slots.try_take():
                await self._wait(gone)
            try:
                loop = asyncio.get_running_loop()
                yield lambda call: loop.run_in_executor(self._executor, call)
            finally:
                self._slots.give()
        finally:
            self._leave(client)

    async def _wait(self, gone: Callable[[], Awaitable[object]] | None) -> None:
        """Waits for a worker; ClientGone if `gone()` returns first (holding none)."""
        if gone is None:
            await self._slots.take()
            return
        taking = asyncio.ensure_future(self._slots.take())
        watching = asyncio.ensure_future(gone())
        try:
            await asyncio.wait([taking, watching], return_when=asyncio.FIRST_COMPLETED)
            if taking.done():
                return
            raise ClientGone
        except BaseException:
            taking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await taking
            if not taking.cancelled():  # handed a worker just as it was given up
                self._slots.give()
            raise
        finally:
            watching.cancel()
            with contextlib.suppress(BaseException):
                await watching

    async def run(self, call: Callable[[], T], client: str = "") -> T:
        """`call()` on one of the pool's threads, once one is free."""
        async with self.slot(client) as run:
            return await run(call)
