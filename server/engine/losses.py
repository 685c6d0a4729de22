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

from .activations import Array, log_softmax, sigmoid, softmax

LossName = Literal["squared", "cross_entropy", "categorical_cross_entropy"]


@dataclass(frozen=True)
class Loss:
    """E(x, y, t) summed over output nodes, and dE/dy per output node.

    Shapes: x, y, t are (batch, n_out); `value` returns (batch,), `dE_dy` returns (batch, n_out).
    `requires_output` names the only output activation the loss is defined for, if any; such
    a loss may also give `dE_dx`, the derivative by the output's total input x through that
    activation, computed directly so that it stays exact where dE/dy·f′(x) would not.
    `target_range`, if given, is the closed interval a target must lie in; `target_sum`, if
    given, what each sample's targets must add up to (within TARGET_SUM_TOLERANCE).
    """

    name: LossName
    value: Callable[[Array, Array, Array], Array]
    dE_dy: Callable[[Array, Array, Array], Array]
    formula: str
    derivative_formula: str
    requires_output: str | None = None
    dE_dx: Callable[[Array, Array, Array], Array] | None = None
    target_range: tuple[float, float] | None = None
    target_sum: float | None = None


TARGET_SUM_TOLERANCE = 1e-9


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


def _categorical_value(x: Array, y: Array, t: Array) -> Array:
    # E = −Σ_k t_k·ln y_k with ln y_k = x_k − ln Σ_j e^(x_j) from the logits x (log-sum-exp):
    # finite for any finite x, where ln of a y that rounded to 0 would be −∞.
    return 0.0 - np.add.reduce(t * log_softmax(x), axis=-1)  # 0.0 −: never −0.0


def _categorical_derivative(x: Array, y: Array, t: Array) -> Array:
    # dE/dy_k = −t_k / y_k, as −t_k·e^(−ln y_k) with ln y_k from the logits: exact where y_k
    # underflowed to 0, and 0 for a target of 0 (its term of E is 0 whatever y_k is). It
    # overflows only where the true derivative is beyond float64 (ln y_k < −709, t_k > 0).
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(t == 0.0, 0.0, -t * np.exp(-log_softmax(x)))


def _categorical_output_derivative(x: Array, y: Array, t: Array) -> Array:
    # dE/dx_k = Σ_j dE/dy_j·∂y_j/∂x_k = Σ_j (−t_j/y_j)·y_j·(δ_jk − y_k) = y_k·Σ_j t_j − t_k
    #         = y_k − t_k (the targets add up to 1). At the largest output, y_k is taken as
    # 1 − Σ_{j≠k} y_j, so that y_k − t_k keeps its digits when y_k rounds to 1.
    x = np.asarray(x, dtype=np.float64)
    y = softmax(x)
    top = np.argmax(x, axis=-1)[..., np.newaxis]
    d = y - t
    np.put_along_axis(y, top, 0.0, axis=-1)
    others = np.add.reduce(y, axis=-1, keepdims=True)
    np.put_along_axis(d, top, (1.0 - np.take_along_axis(t, top, axis=-1)) - others, axis=-1)
    return d


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("squared", _squared_value, _squared_derivative,
             "E = ½·Σ (y − t)²", "dE/dy = y − t"),
        Loss("cross_entropy", _cross_entropy_value, _cross_entropy_derivative,
             "E = −Σ [t·ln y + (1 − t)·ln(1 − y)]", "dE/dy = (y − t) / (y·(1 − y))",
             requires_output="sigmoid", dE_dx=_cross_entropy_output_derivative,
             target_range=(0.0, 1.0)),
        Loss("categorical_cross_entropy", _categorical_value, _categorical_derivative,
             "E = −Σ_k t_k·ln y_k", "dE/dy_k = −t_k / y_k",
             requires_output="softmax", dE_dx=_categorical_output_derivative,
             target_range=(0.0, 1.0), target_sum=1.0),
    )
}


def get_loss(name: str) -> Loss:
    """The registered loss called `name`; ValueError names the choices otherwise."""
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}") from None
