"""An independent check of backprop: every dE/dw and dE/db by central finite differences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import Array
from .mlp import Architecture, Parameters, forward


@dataclass(frozen=True)
class NumericGradients:
    """dE_dw[k]: (n_k, n_{k+1}); dE_db[k]: (n_{k+1},); same indexing as Parameters."""

    dE_dw: tuple[Array, ...]
    dE_db: tuple[Array, ...]


def numeric_gradients(arch: Architecture, params: Parameters, X: Array, T: Array,
                      h: float = 1e-6) -> NumericGradients:
    """(E(p + h) − E(p − h)) / 2h for every parameter p, E being the mean error over the
    batch. Costs two forward passes per parameter; `params` is not mutated."""

    def error_at(p: Parameters) -> float:
        return forward(arch, p, X, T).mean_error

    def estimate(group: str, k: int, index: tuple[int, ...]) -> float:
        plus, minus = params.copy(), params.copy()
        getattr(plus, group)[k][index] += h
        getattr(minus, group)[k][index] -= h
        return (error_at(plus) - error_at(minus)) / (2.0 * h)

    dw = tuple(
        np.array([estimate("weights", k, idx) for idx in np.ndindex(W.shape)]).reshape(W.shape)
        for k, W in enumerate(params.weights)
    )
    db = tuple(
        np.array([estimate("biases", k, idx) for idx in np.ndindex(b.shape)]).reshape(b.shape)
        for k, b in enumerate(params.biases)
    )
    return NumericGradients(dw, db)


def relative_difference(a: Array, b: Array, floor: float = 1e-8) -> Array:
    """|a − b| / max(|a|, |b|, floor): the floor keeps two near-zero values from looking far
    apart when both are only rounding noise."""
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
