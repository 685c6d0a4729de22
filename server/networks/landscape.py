"""The loss landscape: E over a grid of two parameters, every other parameter fixed.

Vectorized: the layers below the first varied parameter are computed once for all grid
points; from there on, chunks of grid points form a leading batch dimension, and a varied
parameter enters as a correction of its node's x (x_j += y_i·(w − w0), or + (b − b0)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..engine.activations import Array
from ..engine.mlp import Architecture, Parameters, backward, forward
from ..errors import FieldError
from ..limits import MAX_CALL_SECONDS
from . import passes

CHUNK_ELEMENTS = 1 << 16  # numbers per layer of one chunk of grid points: 512 KB, cache-sized


@dataclass(frozen=True)
class ParameterRef:
    """A weight (k, i, j) or a bias (k, j; i None), indexed as in docs/api.md."""

    kind: Literal["weight", "bias"]
    k: int
    j: int
    i: int | None = None

    def value(self, params: Parameters) -> float:
        if self.kind == "weight":
            return float(params.weights[self.k][self.i, self.j])
        return float(params.biases[self.k][self.j])

    def derivative(self, dE_dw: tuple[Array, ...], dE_db: tuple[Array, ...]) -> float:
        if self.kind == "weight":
            return float(dE_dw[self.k][self.i, self.j])
        return float(dE_db[self.k][self.j])


def check_ref(layers: tuple[int, ...], ref: ParameterRef, field: str) -> None:
    """FieldError naming `field` unless `ref` names a parameter of the network."""
    what = "weights go from layer" if ref.kind == "weight" else "biases belong to layers"
    if not 0 <= ref.k < len(layers) - 1:
        raise FieldError(field, f"{what} k = 0 … {len(layers) - 2}, got k = {ref.k}")
    if ref.kind == "weight" and not (ref.i is not None and 0 <= ref.i < layers[ref.k]):
        raise FieldError(field, f"layer {ref.k} has nodes i = 0 … {layers[ref.k] - 1}, "
                         f"got i = {ref.i}")
    if not 0 <= ref.j < layers[ref.k + 1]:
        raise FieldError(field, f"layer {ref.k + 1} has nodes j = 0 … "
                         f"{layers[ref.k + 1] - 1}, got j = {ref.j}")


def check_pair(layers: tuple[int, ...], a: ParameterRef, b: ParameterRef) -> None:
    """FieldError naming `a` or `b` unless they are two parameters of the network."""
    check_ref(layers, a, "a")
    check_ref(layers, b, "b")
    if a == b:
        raise FieldError("b", "a and b must be two different parameters")


def estimated_seconds(arch: Architecture, points: int, resolution: int) -> float:
    """A generous estimate of the grid's time: a cost per grid point, sample and parameter
    (the arithmetic) and per chunk and layer (NumPy's call overhead), measured on this
    project's 2-core machine while shared (8 layers of 8: about 2 µs per point and sample)."""
    parameters = sum(a * b + b for a, b in zip(arch.layers, arch.layers[1:], strict=False))
    evaluations = resolution * resolution * points
    chunks = evaluations * max(arch.layers) / CHUNK_ELEMENTS + 1
    return evaluations * (parameters * 4e-9 + 0.5e-6) + chunks * len(arch.layers) * 50e-6


@dataclass(frozen=True)
class Landscape:
    a_values: Array  # (R,)
    b_values: Array  # (R,)
    E: Array  # (R, R): row r at b_values[r], column c at a_values[c]
    current: tuple[float, float, float]  # a0, b0, E0
    gradient: tuple[float, float]  # ∂E/∂a, ∂E/∂b at the current point, by backprop


def _shift(x: Array, y: Array, ref: ParameterRef, values: Array, base: float) -> Array:
    """x (C, N, m) with the varied parameter's correction for each grid point's value."""
    delta = (values - base)[:, None]  # (C, 1)
    if ref.kind == "weight":
        x[..., ref.j] += y[..., ref.i] * delta  # y: (N, n) or (C, N, n)
    else:
        x[..., ref.j] += delta
    return x


def landscape(arch: Architecture, params: Parameters, X: Array, T: Array, a: ParameterRef,
              b: ParameterRef, resolution: int, span: float) -> Landscape:
    """E (the mean over the samples X: (N, n_0), T: (N, n_L−1)) at every point of the grid
    a0 ± span × b0 ± span. FieldError naming `resolution` if it would take too long;
    Diverged if any E is not finite."""
    estimate = estimated_seconds(arch, X.shape[0], resolution)
    if estimate > MAX_CALL_SECONDS:
        raise FieldError("resolution", f"a grid of {resolution} × {resolution} over "
                         f"{X.shape[0]} sample(s) on this network would take about "
                         f"{estimate:.1f} s; one call may take about {MAX_CALL_SECONDS:g} s: "
                         "use a lower resolution (or the sample rather than the training set)")
    a0, b0 = a.value(params), b.value(params)
    offsets = np.linspace(-span, span, resolution)
    a_values, b_values = a0 + offsets, b0 + offsets
    grid_a = np.tile(a_values, resolution)  # point r·R + c: a_values[c], b_values[r]
    grid_b = np.repeat(b_values, resolution)
    first = min(a.k, b.k)
    below = forward(arch, params, X, T).y[first]  # (N, n_first): the same for every point
    loss = arch.loss_function
    chunk = max(1, CHUNK_ELEMENTS // (X.shape[0] * max(arch.layers)))
    E = np.empty(grid_a.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, E.shape[0], chunk):
            va, vb = grid_a[start:start + chunk], grid_b[start:start + chunk]
            C = va.shape[0]
            y, x = below, below  # (N, n) until the first varied layer, then (C, N, n)
            for k in range(first, len(arch.layers) - 1):
                W, bias = params.weights[k], params.biases[k]
                if y.ndim == 2:  # computed once, then copied for each grid point
                    x = np.broadcast_to(y @ W + bias, (C, *y.shape[:1], W.shape[1])).copy()
                else:  # one matrix product for the whole chunk
                    x = (y.reshape(-1, W.shape[0]) @ W + bias).reshape(C, -1, W.shape[1])
                if a.k == k:
                    x = _shift(x, y, a, va, a0)
                if b.k == k:
                    x = _shift(x, y, b, vb, b0)
                y = arch.activation_of(k + 1).f(x)
            E[start:start + chunk] = loss.value(x, y, T).mean(axis=-1)
    passes.require_finite("the loss landscape", E)
    fwd = forward(arch, params, X, T)
    grads = backward(arch, params, fwd, T)
    gradient = (a.derivative(grads.dE_dw, grads.dE_db), b.derivative(grads.dE_dw, grads.dE_db))
    passes.require_finite("the loss landscape", fwd.mean_error, *gradient)
    return Landscape(a_values, b_values, E.reshape(resolution, resolution),
                     (a0, b0, fwd.mean_error), gradient)
