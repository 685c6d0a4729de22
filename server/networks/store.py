"""The networks held for clients: at most so many, and so much memory, least recently used
evicted first. `NetworkStore` is what the API needs of a store; `MemoryStore` keeps the
networks in this process (the default, nothing to start), `RedisStore` (store_redis.py) in
a Redis server shared by many processes and machines.

A call on a network takes a Lease: the network's lock, taken once for the whole call, and
the network itself. The call works on `lease.network` (on the event loop or in a thread),
then `lease.finish()` (in the same place: it may encode what changed) and `await
lease.commit()` keep what it changed, or `await lease.release()` keeps nothing.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import numpy as np

from ..engine.mlp import Parameters, Shape, init_parameters
from ..engine.optimizers import SGD, Optimizer, OptimizerState
from ..errors import NetworkBusy, NetworkNotFound
from ..limits import (
    DEFAULT_ACTIVATION,
    DEFAULT_LAYERS,
    DEFAULT_LEARNING_RATE,
    DEFAULT_LOSS,
    DEFAULT_OUTPUT_ACTIVATION,
    IDEMPOTENCY_SECONDS,
    LOCK_WAIT_SECONDS,
    MAX_DATA_BYTES,
    MAX_KEPT_ANSWER_BYTES,
    MAX_NETWORKS,
    MAX_SEED,
    REMEMBERED_EVICTIONS,
)
from .fifo import Slots
from .network import Network, architecture
from .results import Kept, Snapshot


class Lease(Protocol):
    """One call's hold on one network."""

    @property
    def network(self) -> Network: ...

    async def kept(self, key: str) -> Kept | None:
        """The answer kept for the Idempotency-Key `key`, if any (under the lock: a retry
        that came while the first call ran finds its answer)."""
        ...

    def keep(self, key: str, answer: Kept) -> None:
        """Keeps `answer` for `key` with what the call changed, in the same write (before
        `commit`): a call is never kept without its answer, nor its answer without it."""
        ...

    def finish(self) -> None:
        """Once the call's work is done, where it ran: prepares what to keep (a shared
        store encodes the network's records here, off the event loop for a large one)."""
        ...

    async def commit(self) -> None:
        """Keeps what the call changed and lets go of the network (NetworkBusy if the
        lock was lost meanwhile: then nothing was kept)."""
        ...

    async def release(self, unchanged: bool = False) -> None:
        """Lets go of the network, keeping nothing: the call failed, or (`unchanged`) it
        only looked at the network."""
        ...


class NetworkStore(Protocol):
    """Where the networks live."""

    @property
    def in_process(self) -> bool:
        """True if the networks are in this process's memory (nothing waits on I/O)."""
        ...

    async def new(self, **fields: Any) -> Snapshot:
        """A new network (the keyword arguments of `build`), stored."""
        ...

    async def new_kept(self, key: str, answer: Callable[[Snapshot], Kept],
                       **fields: Any) -> tuple[Kept, bool]:
        """As `new`, its answer kept for the Idempotency-Key `key` in the same write; or,
        if `key` was used already, that answer (and no new network). True: the answer is
        the earlier one."""
        ...

    async def take_token(self, bucket: str, per_second: float, burst: int) -> float:
        """A token bucket per `bucket` (a client's creations): 0 if a token was taken, else
        the seconds until one is there (none is taken)."""
        ...

    async def shape(self, network_id: str) -> Shape:
        """The network's node counts and raw inputs, which never change: what a request is
        checked against before its call takes the network's lock. NetworkNotFound if there
        is none."""
        ...

    async def acquire(self, network_id: str, with_data: bool = False) -> Lease:
        """The network, for one call, waiting for its lock (NetworkBusy after
        LOCK_WAIT_SECONDS); NetworkNotFound (its `expired` said) if there is none.
        `with_data`: the call uses the data (a shared store reads it at once)."""
        ...

    async def delete(self, network_id: str, keep: tuple[str, Kept] | None = None,
                     ) -> Kept | None:
        """Forgets the network; with `keep` (an Idempotency-Key and the answer), keeps the
        answer, or returns the one kept for that key already (and deletes nothing)."""
        ...

    @property
    def kind(self) -> str:
        """"memory" or "redis", as /api/health says it."""
        ...

    async def health(self) -> None:
        """Returns if the store can be used now; StoreUnavailable otherwise."""
        ...

    def close(self) -> None:
        """Let go of connections (nothing for the memory store)."""
        ...


def new_id() -> str:
    """192 random bits, URL-safe: an id nobody can guess."""
    return secrets.token_urlsafe(24)


def build(
    layers: tuple[int, ...] = DEFAULT_LAYERS,
    activation: str = DEFAULT_ACTIVATION,
    output_activation: str = DEFAULT_OUTPUT_ACTIVATION,
    loss: str = DEFAULT_LOSS,
    learning_rate: float = DEFAULT_LEARNING_RATE,
    seed: int | None = None,
    initial: Parameters | None = None,
    current: Parameters | None = None,
    step: int = 0,
    samples_trained: int = 0,
    l2: float = 0.0,
    init: str = "glorot_uniform",
    l1: float = 0.0,
    optimizer: Optimizer = SGD,
    state: OptimizerState | None = None,
    features: tuple[str, ...] = (),
) -> Network:
    """A new network with a new id. `initial` are its initial parameters (the ones a reset
    restores; by default drawn from `seed` as `init` says: Glorot uniform unless told);
    `current` and `step` resume a network where it stood, as when a page re-creates a
    network the server has forgotten, and `samples_trained` its epoch, `state` its
    optimizer's state (None: fresh). `features`: the derived inputs after the raw
    ones (layers[0] counts both). Parameters must already have the shapes of `layers`."""
    arch = architecture(layers, activation, output_activation, loss, blame="loss",
                        features=tuple(features))
    if seed is None:
        seed = secrets.randbelow(MAX_SEED + 1)
    initial = initial or init_parameters(arch.layers, np.random.default_rng(seed), init)
    return Network(new_id(), seed, arch, learning_rate, initial, current, step,
                   samples_trained=samples_trained, l2=l2, l1=l1, optimizer=optimizer,
                   state=state)


class _Answers:
    """Answers kept for Idempotency-Keys, each IDEMPOTENCY_SECONDS, together at most
    MAX_KEPT_ANSWER_BYTES (the oldest dropped first)."""

    def __init__(self) -> None:
        self._kept: OrderedDict[str, tuple[float, Kept]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Kept | None:
        with self._lock:
            held = self._kept.get(key)
            if held is None:
                return None
            if held[0] < time.monotonic():
                self._drop(key)
                return None
            return held[1]

    def put(self, key: str, answer: Kept) -> None:
        with self._lock:
            if key in self._kept:
                self._drop(key)
            self._kept[key] = time.monotonic() + IDEMPOTENCY_SECONDS, answer
            self._bytes += len(answer.body)
            while self._bytes > MAX_KEPT_ANSWER_BYTES and len(self._kept) > 1:
                self._drop(next(iter(self._kept)))

    def _drop(self, key: str) -> None:
        self._bytes -= len(self._kept.pop(key)[1].body)


class _Buckets:
    """Token buckets by name (a client's creations), at most 100,000 (the oldest dropped)."""

    def __init__(self) -> None:
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, bucket: str, per_second: float, burst: int) -> float:
        now = time.monotonic()
        with self._lock:
            tokens, then = self._buckets.pop(bucket, (float(burst), now))
            tokens = min(float(burst), tokens + (now - then) * per_second)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / per_second
            self._buckets[bucket] = tokens, now
            while len(self._buckets) > 100_000:
                self._buckets.popitem(last=False)
            return wait


class _Held:
    """A network in the memory store, with its lock (first come, first served)."""

    __slots__ = ("lock", "network")

    def __init__(self, network: Network) -> None:
        self.network = network
        self.lock = Slots(1)


class _MemoryLease:
    def __init__(self, store: MemoryStore, held: _Held) -> None:
        self._store = store
        self._held = held
        self._answer: tuple[str, Kept] | None = None

    @property
    def network(self) -> Network:
        return self._held.network

    async def kept(self, key: str) -> Kept | None:
        return self._store._answers.get(key)

    def keep(self, key: str, answer: Kept) -> None:
        self._answer = key, answer

    def finish(self) -> None:
        pass

    async def commit(self) -> None:
        try:
            self._store._resized(self._held.network)
            if self._answer is not None:
                self._store._answers.put(*self._answer)
        finally:
            self._held.lock.give()

    async def release(self, unchanged: bool = False) -> None:
        self._held.lock.give()


class MemoryStore:
    """At most `capacity` networks, and what they hold beyond their fixed size (datasets
    and mini-batch passes, Network.held_nbytes) together at most `data_bytes`; the least
    recently used networks are evicted first. The ids of the last evicted ones are
    remembered (ids only) so that a late request hears "expired"."""

    in_process = True
    kind = "memory"

    def __init__(self, capacity: int = MAX_NETWORKS, data_bytes: int = MAX_DATA_BYTES,
                 remembered_evictions: int = REMEMBERED_EVICTIONS) -> None:
        self.capacity = capacity
        self.data_bytes = data_bytes
        self._networks: OrderedDict[str, _Held] = OrderedDict()
        self._data_sizes: dict[str, int] = {}
        self._data_total = 0  # the sum of _data_sizes, kept as they change
        self._evicted: OrderedDict[str, None] = OrderedDict()
        self._remembered = remembered_evictions
        self._lock = threading.Lock()
        self._answers = _Answers()
        self._buckets = _Buckets()

    @property
    def data_in_use(self) -> int:
        """Bytes held by the networks held now, beyond their fixed size."""
        return self._data_total

    def __len__(self) -> int:
        return len(self._networks)

    def _evict_oldest(self, keep: str | None = None) -> bool:
        """Evicts the least recently used network other than `keep`; False if none is left."""
        for old_id in self._networks:
            if old_id != keep:
                del self._networks[old_id]
                self._data_total -= self._data_sizes.pop(old_id, 0)
                self._evicted[old_id] = None
                if len(self._evicted) > self._remembered:
                    self._evicted.popitem(last=False)
                return True
        return False

    def _resized(self, network: Network) -> None:
        """After a call: what the network holds now, and evictions past the budget."""
        nbytes = network.held_nbytes()
        with self._lock:
            if network.id not in self._networks:
                return
            self._data_total += nbytes - self._data_sizes.get(network.id, 0)
            self._data_sizes[network.id] = nbytes
            while self.data_in_use > self.data_bytes and self._evict_oldest(keep=network.id):
                pass

    def create(self, **fields: Any) -> Network:
        """A new network (the arguments of `build`), held."""
        network = build(**fields)
        with self._lock:
            self._networks[network.id] = _Held(network)
            while len(self._networks) > self.capacity and self._evict_oldest(keep=network.id):
                pass
        return network

    async def new(self, **fields: Any) -> Snapshot:
        return self.create(**fields).snapshot()

    async def new_kept(self, key: str, answer: Callable[[Snapshot], Kept],
                       **fields: Any) -> tuple[Kept, bool]:
        kept = self._answers.get(key)
        if kept is not None:
            return kept, True
        kept = answer(self.create(**fields).snapshot())
        self._answers.put(key, kept)
        return kept, False

    async def take_token(self, bucket: str, per_second: float, burst: int) -> float:
        return self._buckets.take(bucket, per_second, burst)

    def _get(self, network_id: str) -> _Held:
        with self._lock:
            held = self._networks.get(network_id)
            if held is None:
                raise NetworkNotFound(network_id, expired=network_id in self._evicted)
            self._networks.move_to_end(network_id)
            return held

    def get(self, network_id: str) -> Network:
        """The network itself, without its lock (for tests and tools)."""
        return self._get(network_id).network

    async def shape(self, network_id: str) -> Shape:
        return self._get(network_id).network.arch.shape

    async def acquire(self, network_id: str, with_data: bool = False) -> _MemoryLease:
        held = self._get(network_id)
        if not held.lock.try_take() and not await held.lock.take(LOCK_WAIT_SECONDS):
            raise NetworkBusy(network_id)
        return _MemoryLease(self, held)

    @contextmanager
    def open(self, network_id: str) -> Iterator[Network]:
        """The network for one call from a thread (tests and tools), under its lock."""
        held = self._get(network_id)
        if not held.lock.take_blocking(LOCK_WAIT_SECONDS):
            raise NetworkBusy(network_id)
        try:
            yield held.network
            self._resized(held.network)
        finally:
            held.lock.give()

    def close(self) -> None:
        pass

    async def health(self) -> None:
        pass

    async def delete(self, network_id: str, keep: tuple[str, Kept] | None = None,
                     ) -> Kept | None:
        if keep is not None and (kept := self._answers.get(keep[0])) is not None:
            return kept
        with self._lock:
            if self._networks.pop(network_id, None) is None:
                raise NetworkNotFound(network_id, expired=network_id in self._evicted)
            self._data_total -= self._data_sizes.pop(network_id, 0)
        if keep is not None:
            self._answers.put(*keep)
        return None
