"""The networks held for clients: at most so many, and so much data, least recently used
evicted first. `NetworkStore` is what the API needs of a store; `MemoryStore` keeps the
networks in this process (the default, nothing to start), `RedisStore` (store_redis.py) in
a Redis server shared by many processes and machines."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

import numpy as np

from ..engine.mlp import Parameters, init_parameters
from ..errors import NetworkNotFound
from ..limits import (
    DEFAULT_ACTIVATION,
    DEFAULT_LAYERS,
    DEFAULT_LEARNING_RATE,
    DEFAULT_LOSS,
    DEFAULT_OUTPUT_ACTIVATION,
    MAX_DATA_BYTES,
    MAX_NETWORKS,
    MAX_SEED,
    REMEMBERED_EVICTIONS,
)
from .network import Network, architecture


class NetworkStore(Protocol):
    """Where the networks live. Every call on a network goes through `open`, which gives
    the network to one call at a time (across processes too, for a shared store) and keeps
    what the call changed once it returns; a call that raises keeps nothing."""

    def create(self, **fields: Any) -> Network:
        """A new network (the keyword arguments of MemoryStore.create), stored."""
        ...

    def open(self, network_id: str,
             with_data: bool = False) -> AbstractContextManager[Network]:
        """The network, for one call; NetworkNotFound (its `expired` said) if there is none.
        `with_data`: the call will use the data (a shared store reads it at once)."""
        ...

    def delete(self, network_id: str) -> None: ...

    def close(self) -> None:
        """Let go of connections (nothing for the memory store)."""
        ...

    @property
    def in_process(self) -> bool:
        """True if `open` never waits on I/O (the networks are in this process's memory)."""
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
    on_data_size: Callable[[str, int], None] | None = None,
) -> Network:
    """A new network with a new id. `initial` are its initial parameters (the ones a reset
    restores; by default Glorot-uniform from `seed`); `current` and `step` resume a network
    where it stood, as when a page re-creates a network the server has forgotten, and
    `samples_trained` its epoch. Parameters must already have the shapes of `layers`."""
    arch = architecture(layers, activation, output_activation, loss, blame="loss")
    if seed is None:
        seed = secrets.randbelow(MAX_SEED + 1)
    initial = initial or init_parameters(arch.layers, np.random.default_rng(seed))
    return Network(new_id(), seed, arch, learning_rate, initial, current, step,
                   on_data_size=on_data_size, samples_trained=samples_trained, l2=l2)


class MemoryStore:
    """At most `capacity` networks, and their datasets together at most `data_bytes`; the
    least recently used networks are evicted first. The ids of the last evicted ones are
    remembered (ids only) so that a late request hears "expired"."""

    def __init__(self, capacity: int = MAX_NETWORKS, data_bytes: int = MAX_DATA_BYTES,
                 remembered_evictions: int = REMEMBERED_EVICTIONS) -> None:
        self.capacity = capacity
        self.data_bytes = data_bytes
        self._networks: OrderedDict[str, Network] = OrderedDict()
        self._data_sizes: dict[str, int] = {}
        self._evicted: OrderedDict[str, None] = OrderedDict()
        self._remembered = remembered_evictions
        self._lock = threading.Lock()

    in_process = True

    @property
    def data_in_use(self) -> int:
        """Bytes held by the datasets of the networks held now."""
        return sum(self._data_sizes.values())

    def __len__(self) -> int:
        return len(self._networks)

    def _evict_oldest(self, keep: str | None = None) -> bool:
        """Evicts the least recently used network other than `keep`; False if none is left."""
        for old_id in self._networks:
            if old_id != keep:
                del self._networks[old_id]
                self._data_sizes.pop(old_id, None)
                self._evicted[old_id] = None
                if len(self._evicted) > self._remembered:
                    self._evicted.popitem(last=False)
                return True
        return False

    def _data_resized(self, network_id: str, nbytes: int) -> None:
        # Called with that network's lock held; takes only the store's lock.
        with self._lock:
            if network_id not in self._networks:
                return
            self._data_sizes[network_id] = nbytes
            while self.data_in_use > self.data_bytes and self._evict_oldest(keep=network_id):
                pass

    def create(self, **fields: Any) -> Network:
        """A new network (the arguments of `build`), held."""
        network = build(**fields, on_data_size=self._data_resized)
        with self._lock:
            self._networks[network.id] = network
            while len(self._networks) > self.capacity and self._evict_oldest(keep=network.id):
                pass
        return network

    def get(self, network_id: str) -> Network:
        with self._lock:
            network = self._networks.get(network_id)
            if network is None:
                raise NetworkNotFound(network_id, expired=network_id in self._evicted)
            self._networks.move_to_end(network_id)
            return network

    @contextmanager
    def open(self, network_id: str, with_data: bool = False) -> Iterator[Network]:
        """The network itself: its own lock serializes the calls on it."""
        yield self.get(network_id)

    def close(self) -> None:
        pass

    def delete(self, network_id: str) -> None:
        with self._lock:
            if self._networks.pop(network_id, None) is None:
                raise NetworkNotFound(network_id, expired=network_id in self._evicted)
            self._data_sizes.pop(network_id, None)
