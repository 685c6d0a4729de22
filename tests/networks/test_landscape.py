"""The landscape's grid against plain forward passes, and its refusal of non-finite E."""

import numpy as np
import pytest

from server.engine.mlp import Architecture, Parameters, forward, init_parameters
from server.errors import Diverged
from server.networks.landscape import ParameterRef, landscape

ARCH = Architecture((2, 3, 2, 1), "tanh", "sigmoid", "squared")
PARAMS = init_parameters(ARCH.layers, np.random.default_rng(8))
X = np.array([[0.3, -0.2], [0.9, 0.5], [-0.4, 0.1]])
T = np.array([[0.2], [0.7], [0.4]])


@pytest.mark.parametrize(("a", "b"), [
    (ParameterRef("weight", k=0, i=1, j=0), ParameterRef("bias", k=2, j=0)),
    (ParameterRef("bias", k=1, j=1), ParameterRef("weight", k=1, i=2, j=0)),
    (ParameterRef("weight", k=2, i=1, j=0), ParameterRef("weight", k=0, i=0, j=1))])
def test_landscape_grid_equals_forward_passes_with_the_parameters_moved(a, b) -> None:
    result = landscape(ARCH, PARAMS, X, T, a, b, resolution=4, span=0.7)
    for r, bv in enumerate(result.b_values):
        for c, av in enumerate(result.a_values):
            moved = PARAMS.copy()
            for ref, v in ((a, av), (b, bv)):
                if ref.kind == "weight":
                    moved.weights[ref.k][ref.i, ref.j] = v
                else:
                    moved.biases[ref.k][ref.j] = v
            expected = forward(ARCH, moved, X, T).mean_error
            assert result.E[r, c] == pytest.approx(expected, rel=1e-13)


def test_landscape_non_finite_error_is_diverged() -> None:
    arch = Architecture((1, 1), "linear", "linear", "squared")
    params = Parameters((np.array([[1e155]]),), (np.array([0.0]),))
    with pytest.raises(Diverged):
        landscape(arch, params, np.array([[1.0]]), np.array([[0.0]]),
                  ParameterRef("weight", k=0, i=0, j=0), ParameterRef("bias", k=0, j=0), 3, 10.0)
