"""What a network's calls return: frozen values, taken under its lock."""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.activations import Array
from ..engine.gradcheck import NumericGradients
from ..engine.mlp import Architecture, Parameters
from ..engine.optimizers import SGD, Optimizer, OptimizerState
from .passes import Trace
from .workbench import TrainOutcome


@dataclass(frozen=True)
class Snapshot:
    """A network's state at one moment, taken under its lock; valid after it (a network
    replaces its arrays, never changes them in place)."""

    id: str
    seed: int
    arch: Architecture
    learning_rate: float
    step: int
    params: Parameters
    trace: Trace | None
    l2: float = 0.0
    initial: Parameters | None = None  # what a reset restores
    l1: float = 0.0
    optimizer: Optimizer = SGD
    state: OptimizerState | None = None  # the optimizer's, for the next update


@dataclass(frozen=True)
class Trained:
    """A training call's outcome, the network after it, and the plot from the same weights."""

    outcome: TrainOutcome
    snapshot: Snapshot
    layer: int | None
    grid: Array | None
    seconds: float  # the work, under the lock
    grids: list[list[Array]] | None = None  # every node's output, when asked


@dataclass(frozen=True)
class GradientCheck:
    """Backprop's dE/dw and dE/db beside central finite differences, on one pass's
    sample(s)."""

    trace: Trace
    numeric: NumericGradients
    h: float
    weights: str  # "current", or "before_update" for an update trace's weights before it
    weights_step: int  # updates that had been applied to the weights checked


@dataclass(frozen=True)
class Kept:
    """An answer kept for an Idempotency-Key: a retry of the same request (same method,
    path and body: the fingerprint) gets it again instead of being applied twice."""

    fingerprint: str
    status: int
    media_type: str
    body: bytes

    def pack(self) -> bytes:
        return (f"{self.fingerprint} {self.status} {self.media_type}\n".encode()
                + self.body)

    @classmethod
    def unpack(cls, data: bytes) -> Kept:
        head, _, body = data.partition(b"\n")
        fingerprint, status, media_type = head.decode().split(" ", 2)
        return cls(fingerprint, int(status), media_type, body)
