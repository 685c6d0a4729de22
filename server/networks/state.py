"""A network's state behind its lock: what every kind of call (the phases, the data and
training, the inspections) reads and changes. Network (network.py) adds the calls.

A shared store (store_redis.py) keeps a network as two records: the core (settings,
parameters, step, the current pass) and its data (the dataset and where training stands).
A network read back from them loads its data only when a call first needs it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from itertools import pairwise

from ..engine.activations import Array
from ..engine.mlp import Architecture, Parameters
from . import codec, passes
from .passes import Trace
from .results import Snapshot
from .workbench import Workbench

RECORD_VERSION = 1


class NetworkState:
    """A network's state, changed only by the methods of its subclasses, each under `lock`."""

    def __init__(self, network_id: str, seed: int, arch: Architecture, learning_rate: float,
                 initial: Parameters, current: Parameters | None = None, step: int = 0,
                 on_data_size: Callable[[str, int], None] | None = None,
                 samples_trained: int = 0, l2: float = 0.0,
                 load_workbench: Callable[[], Workbench] | None = None) -> None:
        self.id = network_id
        self.seed = seed
        # Reentrant: a route that runs on the event loop takes it first, without waiting
        # (api/deps.py on_network), then the method it calls takes it again.
        self.lock = threading.RLock()
        self._on_data_size = on_data_size  # told the bytes of its data after each change
        self._arch = arch
        self._learning_rate = learning_rate
        self._l2 = l2
        self._initial = initial.copy()
        self._params = (current or initial).copy()
        self._step = step
        self._trace: Trace | None = None
        # The data, or how to load it when a call first needs it (a shared store's record).
        self._bench: Workbench | None = (None if load_workbench
                                         else Workbench(seed, samples_trained))
        self._load_bench = load_workbench

    @property
    def _workbench(self) -> Workbench:
        if self._bench is None:
            assert self._load_bench is not None
            self._bench = self._load_bench()
        return self._bench

    @property
    def data_loaded(self) -> bool:
        """False while a network read from a shared store has not needed its data."""
        return self._bench is not None

    # -- records for a shared store -------------------------------------------------------

    def core_record(self) -> bytes:
        """The settings, parameters, step and current pass, as bytes (codec.py)."""
        with self.lock:
            return codec.pack({
                "version": RECORD_VERSION, "id": self.id, "seed": self.seed,
                "arch": self._arch, "learning_rate": self._learning_rate, "l2": self._l2,
                "initial": self._initial, "params": self._params, "step": self._step,
                "trace": self._trace})

    def data_nbytes(self) -> int:
        """Memory the data holds (Workbench.nbytes)."""
        with self.lock:
            return self._workbench.nbytes()

    def data_record(self) -> bytes:
        """The dataset and where training stands, as bytes (loads them if need be)."""
        with self.lock:
            return self._workbench.record()

    @classmethod
    def from_records(cls, core: bytes, load_data: Callable[[], bytes | None],
                     on_data_size: Callable[[str, int], None] | None = None):
        """The network the records describe; `load_data` is called (at most once) when a
        call first needs the data, and returns None if the network has none yet."""
        fields = codec.unpack(core)
        if fields.get("version") != RECORD_VERSION:
            raise codec.CodecError(f"a network record of version {fields.get('version')}")

        def load() -> Workbench:
            data = load_data()
            return (Workbench(fields["seed"]) if data is None
                    else Workbench.from_record(data))

        network = cls(fields["id"], fields["seed"], fields["arch"], fields["learning_rate"],
                      fields["initial"], fields["params"], fields["step"],
                      on_data_size=on_data_size, l2=fields["l2"], load_workbench=load)
        network._trace = fields["trace"]
        return network

    @property
    def arch(self) -> Architecture:
        """The layers never change; activations and loss may (read `snapshot` for a
        consistent view)."""
        return self._arch

    def settings(self) -> dict[str, float | str]:
        """What a training call uses besides the data: the rate, λ, activations and loss."""
        with self.lock:
            arch = self._arch
            return {"learning_rate": self._learning_rate, "l2": self._l2,
                    "activation": arch.activation,
                    "output_activation": arch.output_activation, "loss": arch.loss}

    def pass_work(self, samples: int | None = None) -> int:
        """Samples × weights of a pass on `samples` samples (None: on the pending pass's),
        a measure of its cost."""
        with self.lock:
            layers = self._arch.layers
            batch = samples if samples is not None else (self._trace.batch if self._trace else 1)
            return batch * sum(a * b for a, b in pairwise(layers))

    def snapshot(self) -> Snapshot:
        with self.lock:
            return self._snapshot()

    def _snapshot(self) -> Snapshot:
        return Snapshot(self.id, self.seed, self._arch, self._learning_rate, self._step,
                        self._params, self._trace, self._l2)

    def _forward(self, x: Array, t: Array) -> Trace:
        return passes.forward_trace(self._arch, self._params, x, t, step=self._step,
                                    learning_rate=self._learning_rate, l2=self._l2)

