"""The heavy calls (training, a node's output over the plot grid) run in a small pool of
threads of their own, so that the cheap routes (health, the phases, reads) never wait
behind them: those keep the default pool of threads, which a crowd of training calls can no
longer fill. A heavy call waits for a free worker without holding a thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, TypeVar

from fastapi import Depends, Request

T = TypeVar("T")


class HeavyPool:
    """At most `workers` heavy calls at once; the others queue, in order. Its threads start
    with the first calls and stay for the app's life (an app may outlive its lifespan)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        # Not at a lower OS priority: a worker descheduled while it holds the GIL (between
        # two NumPy calls) would stall the event loop behind it.
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="heavy")

    async def run(self, call: Callable[[], T]) -> T:
        """`call()` on one of the pool's threads, awaited without blocking the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)


async def get_heavy_pool(request: Request) -> HeavyPool:
    pool: HeavyPool = request.app.state.heavy_pool
    return pool


HeavyCalls = Annotated[HeavyPool, Depends(get_heavy_pool)]
