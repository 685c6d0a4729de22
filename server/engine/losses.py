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

from .activations import Array, sigmoid, softplus

LossName = Literal["squared", "cross_entropy"]


@dataclass(frozen=True)
class Loss:
    """E(x, y, t) summed over output nodes, and dE/dy per output node.

    Shapes: x, y, t are (batch, n_out); `value` returns (batch,), `dE_dy` returns (batch, n_out).
    `requires_output` names the only output activation the loss is defined for, if any.
    """

    name: LossName
    value: Callable[[Array, Array, Array], Array]
    dE_dy: Callable[[Array, Array, Array], Array]
    formula: str
    derivative_formula: str
    requires_output: str | None = None


def _squared_value(x: Array, y: Array, t: Array) -> Array:
    return 0.5 * np.sum((y - t) ** 2, axis=-1)


def _squared_derivative(x: Array, y: Array, t: Array) -> Array:
    return y - t


def _cross_entropy_value(x: Array, y: Array, t: Array) -> Array:
    # −t·ln σ(x) − (1 − t)·ln(1 − σ(x)) = softplus(x) − t·x, which is exact for any x.
    return np.sum(softplus(x) - t * x, axis=-1)


def _cross_entropy_derivative(x: Array, y: Array, t: Array) -> Array:
    # (y − t) / (y·(1 − y)), with y·(1 − y) taken as σ(x)·σ(−x) so that it only
    # reaches 0 (and the derivative infinity) when |x| passes about 745.
    with np.errstate(divide="ignore", invalid="ignore"):
        return (y - t) / (sigmoid(x) * sigmoid(-x))


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("squared", _squared_value, _squared_derivative,
             "E = ½·Σ (y − t)²", "dE/dy = y − t"),
        Loss("cross_entropy", _cross_entropy_value, _cross_entropy_derivative,
             "E = −Σ [t·ln y + (1 − t)·ln(1 − y)]", "dE/dy = (y − t) / (y·(1 − y))",
             requires_output="sigmoid"),
    )
}


def get_loss(name: str) -> Loss:
    """The registered loss called `name`; ValueError names the choices otherwise."""
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}") from None
