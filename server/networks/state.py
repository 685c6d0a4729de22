"""A network's state behind its lock: what every kind of call (the phases, the data and
training, the inspections) reads and changes. Network (network.py) adds the calls.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..engine.activations import Array
from ..engine.mlp import Architecture, Parameters
from . import passes
from .passes import Trace
from .results import Snapshot
from .workbench import Workbench


class NetworkState:
    """A network's state, changed only by the methods of its subclasses, each under `lock`."""

    def __init__(self, network_id: str, seed: int, arch: Architecture, learning_rate: float,
                 initial: Parameters, current: Parameters | None = None, step: int = 0,
                 on_data_size: Callable[[str, int], None] | None = None,
                 samples_trained: int = 0, l2: float = 0.0) -> None:
        self.id = network_id
        self.seed = seed
        self.lock = threading.Lock()
        self._on_data_size = on_data_size  # told the bytes of its data after each change
        self._arch = arch
        self._learning_rate = learning_rate
        self._l2 = l2
        self._initial = initial.copy()
        self._params = (current or initial).copy()
        self._step = step
        self._trace: Trace | None = None
        self._workbench = Workbench(seed, samples_trained)

    @property
    def arch(self) -> Architecture:
        """The layers never change; activations and loss may (read `snapshot` for a
        consistent view)."""
        return self._arch

    def snapshot(self) -> Snapshot:
        with self.lock:
            return self._snapshot()

    def _snapshot(self) -> Snapshot:
        return Snapshot(self.id, self.seed, self._arch, self._learning_rate, self._step,
                        self._params, self._trace, self._l2)

    def _forward(self, x: Array, t: Array) -> Trace:
        return passes.forward_trace(self._arch, self._params, x, t, step=self._step,
                                    learning_rate=self._learning_rate, l2=self._l2)

