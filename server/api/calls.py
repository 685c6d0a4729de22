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
  data or a grid): such a call first waits for one of the pool's workers (bounded per
  client and in all, and dropped if its client goes), then takes the lock;

and keeps what it changed (lease.commit) or, if it raised, nothing (lease.release). An
answer says how long its call waited (for a worker and the lock) apart from how long it
worked, in a Server-Timing header: `wait;dur=…, work;dur=…` (milliseconds).

A call that changes a network may carry an `Idempotency-Key` header (as Stripe's API takes
it): its successful answer is kept in the store, with what the call changed in the same
write, for IDEMPOTENCY_SECONDS; a retry with the same key, method, path and body gets that
answer again (header `Idempotent-Replayed: true`) and is not applied twice; the same key
with another request is refused (422 naming Idempotency-Key). The key is looked up under
the network's lock: a retry sent while the first call still runs waits, then gets its
answer.
"""

from __future__ import annotations

import copy
import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from ..engine.mlp import Shape
from ..errors import FieldError
from ..limits import MAX_IDEMPOTENCY_KEY
from ..networks.network import Network
from ..networks.results import Kept, Snapshot
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


@dataclass(frozen=True)
class Idempotency:
    """A request's Idempotency-Key, and the request it was sent with (its fingerprint)."""

    key: str
    fingerprint: str

    def kept(self, answer: Response) -> Kept:
        return Kept(self.fingerprint, answer.status_code, answer.media_type or "",
                    bytes(answer.body))

    def replay(self, kept: Kept) -> Response:
        """The answer kept for this key, if it was kept for this same request."""
        if kept.fingerprint != self.fingerprint:
            raise FieldError("Idempotency-Key", "this key was sent already with another "
                             "request (another method, path or body): use a new key for "
                             "each new request, and the same key only to retry one")
        return Response(kept.body, status_code=kept.status, media_type=kept.media_type or None,
                        headers={"Idempotent-Replayed": "true"})


@dataclass(frozen=True)
class Caller:
    """Who asks: the client's address (behind a trusted proxy, as it forwarded it), how
    to learn that it has gone (None: it never goes, as in tests), and its request's
    Idempotency-Key, if any."""

    client: str
    gone: Callable[[], Awaitable[object]] | None = None
    idempotency: Idempotency | None = None


async def _disconnected(request: Request) -> None:
    """Returns once the client has closed its connection (the body is read by then)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def _idempotency(request: Request) -> Idempotency | None:
    """The request's Idempotency-Key (on a call that may change something), checked, with
    the request's fingerprint: its method, path, query and body."""
    key = request.headers.get("idempotency-key")
    if key is None or request.method not in MUTATING:
        return None
    if not (0 < len(key) <= MAX_IDEMPOTENCY_KEY and key.isascii() and key.isprintable()):
        raise FieldError("Idempotency-Key", f"a key is 1 to {MAX_IDEMPOTENCY_KEY} printable "
                         "ASCII characters, such as a random UUID")
    digest = hashlib.sha256(f"{request.method} {request.url.path}?{request.url.query}\n"
                            .encode())
    digest.update(await request.body())
    return Idempotency(key, digest.hexdigest())


async def caller_of(request: Request) -> Caller:
    return Caller(request.client.host if request.client else "",
                  lambda: _disconnected(request), await _idempotency(request))


class _Timing:
    """When a call started, got its network, and finished its work."""

    def __init__(self) -> None:
        self.started = self.locked = self.worked = time.perf_counter()

    def header(self) -> str:
        wait = (self.locked - self.started) * 1000
        work = (self.worked - self.locked) * 1000
        return f'wait;dur={wait:.2f};desc="queue and lock", work;dur={work:.2f}'


class Calls:
    """The app's store and heavy pool, and how a call uses them (for one caller, once
    bound to a request)."""

    def __init__(self, store: NetworkStore, heavy: HeavyPool) -> None:
        self.store = store
        self.heavy = heavy
        self.caller = Caller("")

    def bound(self, caller: Caller) -> Calls:
        """These calls, made by `caller`."""
        calls = copy.copy(self)
        calls.caller = caller
        return calls

    async def shape(self, network_id: str) -> Shape:
        """The network's node counts and raw inputs, to check a request against before its
        call."""
        return await self.store.shape(network_id)

    async def run(self, network_id: str, work: Callable[[Network], T], *,
                  size: int | Callable[[Network], int] = default_size, heavy: bool = False,
                  with_data: bool = False, read_only: bool = False) -> T:
        """`work(network)` under the network's lock, taken once; see the module's
        docstring for where it runs. `size` is its samples × weights (or how to read them
        off the network), `heavy` sends it to the heavy pool, `with_data` says it reads the
        network's data (a shared store then reads it with the network), `read_only` that it
        changes nothing (nothing is written back)."""
        timing = _Timing()
        idempotency = None if read_only else self.caller.idempotency
        if heavy:
            async with self.heavy.slot(self.caller.client, self.caller.gone) as on_worker:
                return await self._locked(
                    network_id, with_data, read_only, timing, idempotency,
                    lambda lease: on_worker(lambda: _work(lease, work, read_only,
                                                          idempotency)))

        async def by_size(lease: Lease) -> T:
            if (size if isinstance(size, int) else size(lease.network)) <= INLINE_WORK:
                return _work(lease, work, read_only, idempotency)
            return await run_in_threadpool(_work, lease, work, read_only, idempotency)

        return await self._locked(network_id, with_data, read_only, timing, idempotency,
                                  by_size)

    async def inspect(self, network_id: str, compute: Callable[[Snapshot, Dataset | None], T],
                      *, with_data: bool = False) -> T:
        """`compute(snapshot, dataset)` in the heavy pool, on the network as it stands once
        a worker is free: the lock is held only to take the snapshot (and the dataset, with
        `with_data`), not while the computation runs."""
        timing = _Timing()
        async with self.heavy.slot(self.caller.client, self.caller.gone) as on_worker:
            snap, dataset = await self._locked(
                network_id, with_data, True, timing, None,
                lambda lease: _now((lease.network.snapshot(),
                                    lease.network.dataset() if with_data else None)))
            result = await on_worker(lambda: compute(snap, dataset))
        timing.worked = time.perf_counter()
        _tell(result, timing)
        return result

    async def _locked(self, network_id: str, with_data: bool, read_only: bool, timing: _Timing,
                      idempotency: Idempotency | None,
                      place: Callable[[Lease], Awaitable[T]]) -> T:
        lease = await self.store.acquire(network_id, with_data)
        timing.locked = time.perf_counter()
        try:
            kept = await lease.kept(idempotency.key) if idempotency else None
            if kept is not None:  # a retry of a call applied already: its answer again
                assert idempotency is not None
                replayed = idempotency.replay(kept)
                await lease.release(unchanged=True)
                return replayed  # type: ignore[return-value]
            result = await place(lease)
        except BaseException:
            await lease.release()  # keeps nothing
            raise
        timing.worked = time.perf_counter()
        if read_only:
            await lease.release(unchanged=True)
        else:
            await lease.commit()
        _tell(result, timing)
        return result


def _work(lease: Lease, work: Callable[[Network], T], read_only: bool,
          idempotency: Idempotency | None = None) -> T:
    result = work(lease.network)
    if not read_only:
        if (idempotency is not None and isinstance(result, Response)
                and result.status_code < 400):
            lease.keep(idempotency.key, idempotency.kept(result))
        lease.finish()
    return result


async def _now(value: T) -> T:
    return value


def _tell(result: object, timing: _Timing) -> None:
    if isinstance(result, Response):
        result.headers["server-timing"] = timing.header()


async def get_calls(request: Request) -> Calls:
    """Async, so that FastAPI runs it on the event loop rather than sending it to the
    thread pool (a hop that cost a step a tenth of a millisecond)."""
    calls: Calls = request.app.state.calls
    return calls.bound(await caller_of(request))


NetworkCalls = Annotated[Calls, Depends(get_calls)]
