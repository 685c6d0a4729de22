"""How a call on a network runs: the one place that takes the network's lock and chooses
where the work goes.

A route first checks its request against the network's shape (`Calls.layers`: the layers
never change, so no lock is needed), then hands `Calls.run` the work, a function of the
network that returns the answer. `run` takes the network's lock once for the whole call
(store.acquire), runs the work

- on the event loop, when it is small (a pass or a step of at most INLINE_WORK samples ×
  weights, about 0.1 ms): the hop to a thread and back would cost more than the work;
- in the default pool of threads, when it is larger (a mini-batch of 100 on 8 layers of 8);
- in the heavy pool (heavy.py) when the route says it is heavy (its cost grows with the
  data or a grid): such a call first waits for one of the pool's workers, then takes the
  lock;

and keeps what it changed (lease.commit) or, if it raised, nothing (lease.release).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from ..networks.network import Network
from ..networks.results import Snapshot
from ..networks.store import Lease, NetworkStore
from ..networks.workbench import Dataset
from .heavy import HeavyPool

T = TypeVar("T")

# The most samples × weights a call may work on the event loop (about 0.1 ms: one sample
# through 8 layers of 8 is 448); a larger one goes to a thread.
INLINE_WORK = 1000


def default_size(network: Network) -> int:
    """What a call that recomputes or renders the current pass works on."""
    return network.pass_work()


class Calls:
    """The app's store and heavy pool, and how a call uses them."""

    def __init__(self, store: NetworkStore, heavy: HeavyPool) -> None:
        self.store = store
        self.heavy = heavy

    async def layers(self, network_id: str) -> tuple[int, ...]:
        """The network's node counts, to check a request against before its call."""
        return await self.store.layers(network_id)

    async def run(self, network_id: str, work: Callable[[Network], T], *,
                  size: int | Callable[[Network], int] = default_size, heavy: bool = False,
                  with_data: bool = False, read_only: bool = False) -> T:
        """`work(network)` under the network's lock, taken once; see the module's
        docstring for where it runs. `size` is its samples × weights (or how to read them
        off the network), `heavy` sends it to the heavy pool, `with_data` says it reads the
        network's data (a shared store then reads it with the network), `read_only` that it
        changes nothing (nothing is written back)."""
        if heavy:
            async with self.heavy.slot() as on_worker:
                return await self._locked(
                    network_id, with_data, read_only,
                    lambda lease: on_worker(lambda: _work(lease, work, read_only)))

        async def by_size(lease: Lease) -> T:
            if (size if isinstance(size, int) else size(lease.network)) <= INLINE_WORK:
                return _work(lease, work, read_only)
            return await run_in_threadpool(_work, lease, work, read_only)

        return await self._locked(network_id, with_data, read_only, by_size)

    async def inspect(self, network_id: str, compute: Callable[[Snapshot, Dataset | None], T],
                      *, with_data: bool = False) -> T:
        """`compute(snapshot, dataset)` in the heavy pool, on the network as it stands once
        a worker is free: the lock is held only to take the snapshot (and the dataset, with
        `with_data`), not while the computation runs."""
        async with self.heavy.slot() as on_worker:
            snap, dataset = await self._locked(
                network_id, with_data, True,
                lambda lease: _now((lease.network.snapshot(),
                                    lease.network.dataset() if with_data else None)))
            return await on_worker(lambda: compute(snap, dataset))

    async def _locked(self, network_id: str, with_data: bool, read_only: bool,
                      place: Callable[[Lease], Awaitable[T]]) -> T:
        lease = await self.store.acquire(network_id, with_data)
        try:
            result = await place(lease)
        except BaseException:
            await lease.release()  # keeps nothing
            raise
        if read_only:
            await lease.release(unchanged=True)
        else:
            await lease.commit()
        return result


def _work(lease: Lease, work: Callable[[Network], T], read_only: bool) -> T:
    result = work(lease.network)
    if not read_only:
        lease.finish()
    return result


async def _now(value: T) -> T:
    return value


async def get_calls(request: Request) -> Calls:
    """Async, so that FastAPI runs it on the event loop rather than sending it to the
    thread pool (a hop that cost a step a tenth of a millisecond)."""
    calls: Calls = request.app.state.calls
    return calls


NetworkCalls = Annotated[Calls, Depends(get_calls)]
