"""Activation functions, each a function and its derivative, kept in one registry.

Every function is elementwise on float64 arrays of any shape and never overflows or warns,
however large |x| is; except softmax, which couples the nodes of a layer (each y_k depends
on every x_j, along the last axis) and is for the output layer alone, with the categorical
cross-entropy loss, whose own dE/dx = y − t the backward pass uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit

Array = NDArray[np.float64]
ActivationName = Literal["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "linear",
                         "softmax"]

LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0


@dataclass(frozen=True)
class Activation:
    """y = f(x) and f′(x), with the formulas a learner sees for both.

    df(x, y) takes y = f(x) as well, already computed by the forward pass, so that a
    derivative written with y costs nothing more; it must equal f′(x) computed from x alone.
    """

    name: ActivationName
    f: Callable[[Array], Array]
    df: Callable[[Array, Array], Array]
    formula: str  # y = f(x), plain text
    derivative_formula: str  # f'(x), plain text
    # True for softmax: y_k depends on every x_j of its layer. `df` is then only the
    # Jacobian's diagonal ∂y_k/∂x_k; such an activation is for the output layer alone.
    coupled: bool = False


def sigmoid(x: Array) -> Array:
    """1 / (1 + e^-x): SciPy's expit, exact in both tails and silent for any x (and one
    ufunc call, which matters when training with batches of one)."""
    return expit(x)


def _sigmoid_derivative(x: Array, y: Array) -> Array:
    # σ(x)·σ(−x) equals y·(1 − y) but keeps its precision when y rounds to 1.
    return y * sigmoid(-x)


def _tanh_derivative(x: Array, y: Array) -> Array:
    return 1.0 - y**2


def _relu(x: Array) -> Array:
    return np.maximum(x, 0.0)


def _relu_derivative(x: Array, y: Array) -> Array:
    return (x > 0).astype(np.float64)


def _leaky_relu(x: Array) -> Array:
    return np.where(x > 0, x, LEAKY_SLOPE * x)


def _leaky_relu_derivative(x: Array, y: Array) -> Array:
    return np.where(x > 0, 1.0, LEAKY_SLOPE)


def _elu(x: Array) -> Array:
    # expm1 only ever sees x ≤ 0, so it cannot overflow.
    return np.where(x > 0, x, ELU_ALPHA * np.expm1(np.minimum(x, 0.0)))


def _elu_derivative(x: Array, y: Array) -> Array:
    # e^x, not y + 1: for x near 0, expm1(x) + 1 would lose digits that e^x keeps.
    return np.where(x > 0, 1.0, ELU_ALPHA * np.exp(np.minimum(x, 0.0)))


def _softplus_derivative(x: Array, y: Array) -> Array:
    return sigmoid(x)


def softplus(x: Array) -> Array:
    """ln(1 + e^x), as logaddexp(0, x): exact for large |x| and never overflowing."""
    return np.logaddexp(0.0, x)


def _linear(x: Array) -> Array:
    return np.asarray(x, dtype=np.float64).copy()


def _linear_derivative(x: Array, y: Array) -> Array:
    return np.ones_like(x, dtype=np.float64)


def softmax(x: Array) -> Array:
    """e^(x_k) / Σ_j e^(x_j) along the last axis, shifted by the largest x first so that no
    exponential overflows (e^0 = 1 is always in the sum, so it never divides by 0)."""
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.add.reduce(e, axis=-1, keepdims=True)


def log_softmax(x: Array) -> Array:
    """ln y_k = x_k − ln Σ_j e^(x_j), as (x_k − m) − ln(1 + Σ_{j≠j*} e^(x_j − m)) with m the
    largest x_j (at j*): log1p keeps the digits when one output is near 1, and no
    exponential overflows, so it is finite for any finite x (−2000 for logits ±1000)."""
    x = np.asarray(x, dtype=np.float64)
    top = np.argmax(x, axis=-1)[..., np.newaxis]
    m = np.take_along_axis(x, top, axis=-1)
    e = np.exp(x - m)
    # The largest term is e^0 = 1: leave it out of the sum and give it back through log1p.
    np.put_along_axis(e, top, 0.0, axis=-1)
    return (x - m) - np.log1p(np.add.reduce(e, axis=-1, keepdims=True))


def _softmax_diagonal(x: Array, y: Array) -> Array:
    # ∂y_k/∂x_k = y_k·(1 − y_k), the Jacobian's diagonal alone (∂y_k/∂x_j = −y_k·y_j off it).
    return y * (1.0 - y)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", sigmoid, _sigmoid_derivative,
                   "y = 1 / (1 + e^(−x))", "f′(x) = y·(1 − y)"),
        Activation("tanh", np.tanh, _tanh_derivative,
                   "y = tanh(x)", "f′(x) = 1 − y²"),
        Activation("relu", _relu, _relu_derivative,
                   "y = max(0, x)", "f′(x) = 1 if x > 0 else 0"),
        Activation("leaky_relu", _leaky_relu, _leaky_relu_derivative,
                   "y = x if x > 0 else 0.01·x", "f′(x) = 1 if x > 0 else 0.01"),
        Activation("elu", _elu, _elu_derivative,
                   "y = x if x > 0 else e^x − 1", "f′(x) = 1 if x > 0 else e^x"),
        Activation("softplus", softplus, _softplus_derivative,
                   "y = ln(1 + e^x)", "f′(x) = 1 / (1 + e^(−x))"),
        Activation("linear", _linear, _linear_derivative,
                   "y = x", "f′(x) = 1"),
    )
}

# Activations that couple the nodes of a layer: for the output layer alone.
OUTPUT_ONLY: dict[str, Activation] = {
    "softmax": Activation("softmax", softmax, _softmax_diagonal,
                          "y_k = e^(x_k) / Σ_j e^(x_j)", "∂y_k/∂x_j = y_k·(δ_kj − y_j)",
                          coupled=True),
}
ALL_ACTIVATIONS: dict[str, Activation] = {**ACTIVATIONS, **OUTPUT_ONLY}


def get_activation(name: str) -> Activation:
    """The registered activation called `name`; ValueError names the choices otherwise."""
    try:
        return ALL_ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(ALL_ACTIVATIONS)}"
        ) from None
