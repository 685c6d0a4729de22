"""What a training call costs on each path (NumPy's vectorized loop, the compiled kernel), per
activation: the estimate that bounds a call to about a second, and that picks the faster path.

The unit costs were measured on this project's 2-core machine with nothing else running
(NumPy's softmax on 2026-12-03, rounded up from sgd.train on 2-8-8-3 and 2-8-8-8 networks, the
compiled kernel's the same evening, see COMPILED; the others
2026-11-29, the fastest of 5 runs; python -m bench prints the longest accepted call per
activation), then multiplied by SAFETY, because the machine is shared: a call must still end
in about a second when the other cores are busy.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from .mlp import Architecture

SAFETY = 2.0


@dataclass(frozen=True)
class PathCosts:
    """Seconds per unit of work of one training path."""

    name: str
    per_call: float  # setting up and copying out
    per_step: float  # cursor, loss and update, whatever the network
    per_link_step: dict[str, float]  # NumPy's calls per layer and step, by activation
    per_sample: float  # reading a point, the loss
    per_parameter_sample: float  # the multiply-adds: forward, backward, dE/dw
    per_node_sample: dict[str, float]  # an activation and its derivative, by activation


_NO_LINK_COST = dict.fromkeys(
    ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "linear", "softmax"), 0.0)

NUMPY = PathCosts(
    "numpy", per_call=50e-6, per_step=5e-6,
    per_link_step={"sigmoid": 10e-6, "tanh": 9e-6, "relu": 10e-6, "leaky_relu": 12e-6,
                   "elu": 14e-6, "softplus": 10e-6, "linear": 10e-6, "softmax": 60e-6},
    per_sample=20e-9, per_parameter_sample=1.0e-9,
    per_node_sample={"sigmoid": 12e-9, "tanh": 2e-9, "relu": 1e-9, "leaky_relu": 3.5e-9,
                     "elu": 10e-9, "softplus": 20e-9, "linear": 0.5e-9, "softmax": 40e-9},
)

COMPILED = PathCosts(
    "compiled", per_call=20e-6, per_step=0.2e-6, per_link_step=_NO_LINK_COST,
    per_sample=10e-9, per_parameter_sample=1.3e-9,
    per_node_sample={"sigmoid": 10.5e-9, "tanh": 18e-9, "relu": 1e-9, "leaky_relu": 1e-9,
                     "elu": 11e-9, "softplus": 22e-9, "linear": 0.5e-9,
                     # Counted twice per output node (the softmax, then categorical cross
                     # entropy's log-sum-exp and y − t): measured 2026-12-03 at 7 to 28 ns
                     # more per output node than a sigmoid output with the squared loss
                     # (2-8-8-3, 2-8-8-8 and 64-32-10, batches of 1 and 32, a busy machine).
                     "softmax": 40e-9},
)


def _sample_seconds(arch: Architecture, path: PathCosts) -> float:
    """One sample through forward, loss and backward."""
    parameters = sum(a * b + b for a, b in pairwise(arch.layers))
    nodes = sum(path.per_node_sample[arch.activation_of(layer).name] * n
                for layer, n in enumerate(arch.layers) if layer)
    if arch.loss == "cross_entropy":  # softplus and two sigmoids per output node
        nodes += arch.layers[-1] * (path.per_node_sample["softplus"]
                                    + 2 * path.per_node_sample["sigmoid"])
    elif arch.loss == "categorical_cross_entropy":  # a log-softmax and a softmax more
        nodes += arch.layers[-1] * path.per_node_sample["softmax"]
    return path.per_sample + parameters * path.per_parameter_sample + nodes


def seconds(arch: Architecture, steps: int, batch_size: int, path: PathCosts) -> float:
    """The estimated time of `steps` steps on batches of `batch_size` on `path` (generous)."""
    links = sum(path.per_link_step[arch.activation_of(layer).name]
                for layer in range(1, len(arch.layers)))
    per_step = path.per_step + links + batch_size * _sample_seconds(arch, path)
    return SAFETY * (path.per_call + steps * per_step)


@dataclass(frozen=True)
class Cost:
    """A training call's estimate, worked out once: `fixed` seconds whatever the steps (the
    call itself, and the losses over the data after it) and `per_step` seconds a step."""

    path: PathCosts
    fixed: float
    per_step: float

    def seconds(self, steps: int) -> float:
        return self.fixed + steps * self.per_step

    def steps_within(self, seconds: float) -> int:
        """The most steps within `seconds` (at least 1)."""
        return max(1, int((seconds - self.fixed) / self.per_step))


def cost(arch: Architecture, batch_size: int, path: PathCosts, points: int = 0) -> Cost:
    """The estimate of a call of steps of `batch_size` on `path`, with a forward pass over
    `points` points after it (the losses on the training and test sets)."""
    fixed = seconds(arch, 0, batch_size, path)
    return Cost(path, fixed + forward_seconds(arch, points),
                seconds(arch, 1, batch_size, path) - fixed)


def forward_seconds(arch: Architecture, points: int) -> float:
    """The estimated time of a vectorized forward pass over `points` points (the losses on
    the training and test sets after a call): about a third of a training step's work."""
    return SAFETY * (NUMPY.per_call + points * _sample_seconds(arch, NUMPY) / 3)
