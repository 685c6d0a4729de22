"""Dependencies shared by the routers, as Annotated aliases.

A route that works on a network takes its id and the store, and does its work inside
`with store.open(network_id) as network:` so that, with a shared store, what it changed is
written back before the answer is sent (and never if it raised).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Path, Request
from starlette.concurrency import run_in_threadpool

from ..networks.network import Network
from ..networks.store import NetworkStore

T = TypeVar("T")


async def get_store(request: Request) -> NetworkStore:
    """Async, so that FastAPI runs it on the event loop rather than sending it to the
    thread pool (a hop that cost a step a tenth of a millisecond)."""
    store: NetworkStore = request.app.state.store
    return store


Store = Annotated[NetworkStore, Depends(get_store)]
NetworkId = Annotated[str, Path(max_length=64, description="the id returned on creation")]


# The most samples × weights a pass or step may take on the event loop (about 0.1 ms: one
# sample through 8 layers of 8 is 448); a larger one goes to the thread pool.
INLINE_WORK = 1000


async def on_network(store: NetworkStore, network_id: str, work: Callable[[Network], T],
                     samples: int | None = None) -> T:
    """`work(network)` inside `store.open`. For a short call (a pass or a step on `samples`
    samples, None: as many as the pending pass has; small enough by INLINE_WORK) on a
    network in this process's memory that no other call holds, on the event loop: the hop to
    the thread pool and back costs more than the work (a quarter of a millisecond of a
    step's 1.2). Otherwise (a shared store, which waits on Redis; a network busy with another
    call, such as a training chunk; a large mini-batch) in the thread pool, so that the loop
    never waits long."""
    if store.in_process:
        with store.open(network_id) as network:
            if network.lock.acquire(blocking=False):
                try:
                    if network.pass_work(samples) <= INLINE_WORK:
                        return work(network)
                finally:
                    network.lock.release()

    def opened() -> T:
        with store.open(network_id) as network:
            return work(network)

    return await run_in_threadpool(opened)
