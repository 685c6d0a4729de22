"""How an update turns the gradients into new parameters: plain gradient descent, momentum or
Adam, with L2 and L1 regularization on the weights.

Every rule starts from the regularized gradient of each parameter,

    g = ∂E/∂w + λ₂·w + λ₁·sign(w)   (a weight; sign(0) = 0, so L1 leaves a zero weight at 0)
    g = ∂E/∂b                        (a bias: regularization acts on weights only)

and then, for each weight and each bias alike (as PyTorch's optimizers do):

    sgd        w ← w − α·g
    momentum   v ← β·v + g;  w ← w − α·v                      (PyTorch's SGD(momentum=β))
    adam       t ← t + 1;  m ← β₁·m + (1 − β₁)·g;  s ← β₂·s + (1 − β₂)·g²;
               m̂ = m / (1 − β₁ᵗ);  ŝ = s / (1 − β₂ᵗ);  w ← w − α·m̂ / (√ŝ + ε)   (Kingma & Ba)

The state (v, or m, s and t) starts at zero and belongs to the network: it is reset with the
weights. `apply` is the readable reference, on new arrays; sgd.train and the compiled kernel
compute the same in place (tested equal).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import numpy as np

from .activations import Array
from .mlp import Parameters

OptimizerName = Literal["sgd", "momentum", "adam"]
OPTIMIZER_NAMES: tuple[OptimizerName, ...] = ("sgd", "momentum", "adam")
DEFAULT_MOMENTUM, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON = 0.9, 0.9, 0.999, 1e-8


@dataclass(frozen=True)
class Optimizer:
    """Which rule updates the parameters, and its constants (those of the other rules are
    kept, unused, so that switching back finds them)."""

    name: OptimizerName = "sgd"
    momentum: float = DEFAULT_MOMENTUM  # β of momentum, in [0, 1)
    beta1: float = DEFAULT_BETA1  # Adam's decay of its first moment, in [0, 1)
    beta2: float = DEFAULT_BETA2  # Adam's decay of its second moment, in [0, 1)
    epsilon: float = DEFAULT_EPSILON  # Adam's guard against a zero denominator, > 0

    @property
    def slots(self) -> int:
        """Arrays of state per parameter: 0 (sgd), 1 (momentum's v), 2 (Adam's m and s)."""
        return {"sgd": 0, "momentum": 1, "adam": 2}[self.name]


SGD = Optimizer()

# What /api/options says of each: a title, the rule (g is the regularized gradient), and the
# state it keeps per parameter.
DESCRIPTIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "sgd": ("Gradient descent", "w ← w − α·g", ()),
    "momentum": ("Momentum", "v ← β·v + g;  w ← w − α·v", ("v",)),
    "adam": ("Adam", "m ← β₁·m + (1 − β₁)·g;  s ← β₂·s + (1 − β₂)·g²;  "
             "w ← w − α·(m / (1 − β₁ᵗ)) / (√(s / (1 − β₂ᵗ)) + ε)", ("m", "s")),
}


@dataclass(frozen=True)
class OptimizerState:
    """What an optimizer remembers between updates: `t`, the updates it has made, and per
    parameter `first` (momentum's velocity v, or Adam's first moment m) and `second` (Adam's
    second moment s), shaped as the parameters. None where the rule keeps nothing."""

    t: int = 0
    first: Parameters | None = None
    second: Parameters | None = None

    def copy(self) -> OptimizerState:
        return OptimizerState(self.t, self.first.copy() if self.first else None,
                              self.second.copy() if self.second else None)

    def named(self) -> dict[str, Parameters]:
        """The slots by the names the API and the page give them: {"v"} for momentum's one
        slot, {"m", "s"} for Adam's two, {} for none."""
        if self.first is None:
            return {}
        if self.second is None:
            return {"v": self.first}
        return {"m": self.first, "s": self.second}

    def arrays(self) -> list[Array]:
        return [a for p in (self.first, self.second) if p is not None
                for a in (*p.weights, *p.biases)]

    def is_finite(self) -> bool:
        return all(np.isfinite(a).all() for a in self.arrays())


def zeros_like(layers: tuple[int, ...]) -> Parameters:
    return Parameters(tuple(np.zeros((a, b)) for a, b in pairwise(layers)),
                      tuple(np.zeros(b) for b in layers[1:]))


def fresh_state(optimizer: Optimizer, layers: tuple[int, ...]) -> OptimizerState:
    """The state before the first update: t = 0 and every v, m and s zero."""
    slots = optimizer.slots
    return OptimizerState(0, zeros_like(layers) if slots >= 1 else None,
                          zeros_like(layers) if slots >= 2 else None)


def fits(state: OptimizerState, optimizer: Optimizer, layers: tuple[int, ...]) -> bool:
    """Whether `state` has the slots `optimizer` needs, shaped for `layers`."""
    for slot, needed in ((state.first, optimizer.slots >= 1), (state.second, optimizer.slots >= 2)):
        if not needed:
            continue
        if slot is None or [w.shape for w in slot.weights] != [
                (a, b) for a, b in pairwise(layers)]:
            return False
    return True


def regularized(W: Array, dW: Array, l2: float, l1: float) -> Array:
    """g = ∂E/∂w + λ₂·w + λ₁·sign(w); exactly ∂E/∂w + λ₂·w when λ₁ = 0 (and ∂E/∂w + 0·w when
    both are 0, as the plain update has always computed it)."""
    g = dW + l2 * W
    return g + l1 * np.sign(W) if l1 else g


def apply(params: Parameters, dW: tuple[Array, ...], db: tuple[Array, ...], *,
          learning_rate: float, l2: float = 0.0, l1: float = 0.0, optimizer: Optimizer = SGD,
          state: OptimizerState | None = None) -> tuple[Parameters, OptimizerState]:
    """The new parameters and state after one update with the (mean) gradients dW and db;
    new arrays, nothing mutated. `state` None is the fresh state."""
    layers = (params.weights[0].shape[0], *(b.shape[0] for b in params.biases))
    if state is None:
        state = fresh_state(optimizer, layers)
    alpha = learning_rate
    with np.errstate(over="ignore", invalid="ignore"):
        grads = [regularized(W, g, l2, l1) for W, g in zip(params.weights, dW, strict=True)]
        grads += list(db)
        values = [*params.weights, *params.biases]
        L = len(params.weights)
        if optimizer.name == "sgd":
            new = [p - alpha * g for p, g in zip(values, grads, strict=True)]
            return _split(new, L), OptimizerState(state.t + 1)
        assert state.first is not None
        firsts = [*state.first.weights, *state.first.biases]
        if optimizer.name == "momentum":
            beta = optimizer.momentum
            velocities = [beta * v + g for v, g in zip(firsts, grads, strict=True)]
            new = [p - alpha * v for p, v in zip(values, velocities, strict=True)]
            return _split(new, L), OptimizerState(state.t + 1, _split(velocities, L))
        assert state.second is not None
        seconds = [*state.second.weights, *state.second.biases]
        b1, b2, eps = optimizer.beta1, optimizer.beta2, optimizer.epsilon
        t = state.t + 1
        correction1, correction2 = 1.0 - b1 ** t, 1.0 - b2 ** t
        ms = [b1 * m + (1.0 - b1) * g for m, g in zip(firsts, grads, strict=True)]
        ss = [b2 * s + (1.0 - b2) * (g * g) for s, g in zip(seconds, grads, strict=True)]
        new = [p - alpha * (m / correction1) / (np.sqrt(s / correction2) + eps)
               for p, m, s in zip(values, ms, ss, strict=True)]
        return _split(new, L), OptimizerState(t, _split(ms, L), _split(ss, L))


def _split(arrays: list[Array], L: int) -> Parameters:
    return Parameters(tuple(arrays[:L]), tuple(arrays[L:]))
