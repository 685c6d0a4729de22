"""Loss functions for one sample, each its value and its derivative dE/dy, in one registry.

A loss sees the output layer's total input x as well as its output y = f(x): cross-entropy
needs x to stay exact when a sigmoid output saturates (y rounds to 0 or 1 long before
the loss itself is infinite).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .activations import Array, sigmoid

LossName = Literal["squared", "cross_entropy"]


@dataclass(frozen=True)
class Loss:
    """E(x, y, t) summed over output nodes, and dE/dy per output node.

    Shapes: x, y, t are (batch, n_out); `value` returns (batch,), `dE_dy` returns (batch, n_out).
    `requires_output` names the only output activation the loss is defined for, if any; such
    a loss may also give `dE_dx`, the derivative by the output's total input x through that
    activation, computed directly so that it stays exact where dE/dy·f′(x) would not.
    `target_range`, if given, is the closed interval a target must lie in.
    """

    name: LossName
    value: Callable[[Array, Array, Array], Array]
    dE_dy: Callable[[Array, Array, Array], Array]
    formula: str
    derivative_formula: str
    requires_output: str | None = None
    dE_dx: Callable[[Array, Array, Array], Array] | None = None
    target_range: tuple[float, float] | None = None


def _squared_value(x: Array, y: Array, t: Array) -> Array:
    return 0.5 * np.add.reduce((y - t) ** 2, axis=-1)  # np.sum, without its Python layers


def _squared_derivative(x: Array, y: Array, t: Array) -> Array:
    return y - t


def _cross_entropy_value(x: Array, y: Array, t: Array) -> Array:
    # −t·ln σ(x) − (1 − t)·ln(1 − σ(x)) = softplus(x) − t·x
    #   = (1 − t)·x + ln(1 + e^−x) for x ≥ 0, and −t·x + ln(1 + e^x) for x < 0:
    # exact for any x, with no cancellation when the output matches its target (E ≈ 0).
    x = np.asarray(x, dtype=np.float64)
    linear = np.where(x >= 0, (1.0 - t) * x, -t * x)
    return np.add.reduce(linear + np.log1p(np.exp(-np.abs(x))), axis=-1)


def _cross_entropy_derivative(x: Array, y: Array, t: Array) -> Array:
    # (y − t) / (y·(1 − y)) = (1 − t)/(1 − y) − t/y = (1 − t)·(1 + e^x) − t·(1 + e^−x):
    # written with x, it never forms 0/0 when y rounds to 0 or 1. A term whose factor is 0
    # is 0 even where its exponential overflows; the other overflows only where the true
    # derivative is beyond float64 (|x| > 709 with the target on the far side).
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        above = np.where(t == 1.0, 0.0, (1.0 - t) * (1.0 + np.exp(x)))
        below = np.where(t == 0.0, 0.0, t * (1.0 + np.exp(-x)))
    return above - below


def _cross_entropy_output_derivative(x: Array, y: Array, t: Array) -> Array:
    # dE/dx = y − t through the sigmoid, with 1 − y taken as σ(−x) when x ≥ 0, so that it
    # is exact however close y rounds to 1 (and finite for every x).
    x = np.asarray(x, dtype=np.float64)
    return np.where(x >= 0, (1.0 - t) - sigmoid(-x), sigmoid(x) - t)


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("squared", _squared_value, _squared_derivative,
             "E = ½·Σ (y − t)²", "dE/dy = y − t"),
        Loss("cross_entropy", _cross_entropy_value, _cross_entropy_derivative,
             "E = −Σ [t·ln y + (1 − t)·ln(1 − y)]", "dE/dy = (y − t) / (y·(1 − y))",
             requires_output="sigmoid", dE_dx=_cross_entropy_output_derivative,
             target_range=(0.0, 1.0)),
    )
}


def get_loss(name: str) -> Loss:
    """The registered loss called `name`; ValueError names the choices otherwise."""
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}") from None
