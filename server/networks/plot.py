"""One node's output over the plot's grid, for networks of 1 or 2 inputs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.activations import Array
from ..engine.mlp import Architecture, Parameters, forward
from ..errors import FieldError
from ..limits import PLOT_DOMAIN


@dataclass(frozen=True)
class PlotRequest:
    """One node's output over the plot grid; `layer` None means the output layer."""

    layer: int | None
    node: int
    resolution: int


def plotted_layer(arch: Architecture, plot: PlotRequest, inputs_field: str) -> int:
    """The layer of the plotted node, once it is known to exist and the network to have 1 or
    2 inputs (else FieldError, blaming `inputs_field` for the inputs)."""
    layers = arch.layers
    layer = len(layers) - 1 if plot.layer is None else plot.layer
    if not 0 <= layer < len(layers):
        raise FieldError("layer", f"the network has layers 0 … {len(layers) - 1}, got {layer}")
    if not 0 <= plot.node < layers[layer]:
        raise FieldError("node", f"layer {layer} has nodes 0 … {layers[layer] - 1}, "
                         f"got {plot.node}")
    check_plottable(arch, inputs_field)
    return layer


def _grid_outputs(arch: Architecture, params: Parameters, resolution: int) -> tuple[Array, ...]:
    """y of every layer, (points, n_l), over the plot grid in one forward pass: the grid's
    points are x1 = lo + c·step for one input, and (x1, x2) row by row (x2 = lo + r·step)
    for two."""
    lo, hi = PLOT_DOMAIN
    axis = np.linspace(lo, hi, resolution)
    if arch.inputs == 1:
        X = axis[:, None]
    else:
        x1, x2 = np.meshgrid(axis, axis)
        X = np.stack([x1.ravel(), x2.ravel()], axis=1)
    T = np.zeros((X.shape[0], arch.layers[-1]))
    return forward(arch, params, X, T).y


def _shaped(y: Array, arch: Architecture, resolution: int) -> Array:
    return y if arch.inputs == 1 else y.reshape(resolution, resolution)


def function_grid(arch: Architecture, params: Parameters, layer: int, node: int,
                  resolution: int) -> Array:
    """The output y of node `node` of layer `layer` over the plot domain: shape
    (resolution,) for one input, (resolution, resolution) for two, row r at
    x2 = lo + r·step and column c at x1 = lo + c·step."""
    return _shaped(_grid_outputs(arch, params, resolution)[layer][:, node], arch, resolution)


def class_grid(arch: Architecture, params: Parameters,
               resolution: int) -> tuple[Array, Array] | None:
    """For a softmax output and 2 inputs: over the plot grid (rows as function_grid's), each
    point's winning class (argmax y) and its probability (the largest y, the confidence);
    None for other networks."""
    if arch.inputs != 2 or not arch.activation_of(len(arch.layers) - 1).coupled:
        return None
    y = _grid_outputs(arch, params, resolution)[-1]
    if not np.isfinite(y).all():  # an x that overflowed: no classes to draw
        return None
    return (np.argmax(y, axis=1).reshape(resolution, resolution),
            np.max(y, axis=1).reshape(resolution, resolution))


def check_plottable(arch: Architecture, inputs_field: str) -> None:
    if arch.inputs > 2:
        raise FieldError(inputs_field, "the plot shows networks with 1 or 2 inputs only; this "
                         f"one has {arch.inputs}")


def every_function(arch: Architecture, params: Parameters, resolution: int) -> list[list[Array]]:
    """grids[l][j]: node j of layer l over the plot domain, shaped as function_grid's, for
    every layer after the input, and for the input layer when it holds derived features (the
    raw inputs' and each feature's value; else grids[0] is empty), from one forward pass over
    the grid."""
    ys = _grid_outputs(arch, params, resolution)
    return [[] if layer == 0 and not arch.features else
            [_shaped(y[:, j], arch, resolution) for j in range(y.shape[1])]
            for layer, y in enumerate(ys)]
