"""Whole-network gradients against central finite differences, and the update rule."""

import itertools

import numpy as np
import pytest

from server.engine.activations import ACTIVATIONS
from server.engine.gradcheck import numeric_gradients
from server.engine.mlp import (
    Architecture,
    Parameters,
    backward,
    forward,
    init_parameters,
    update,
)

SHAPES = [(1, 2, 2, 1), (2, 3, 1), (3, 1), (2, 4, 3, 2), (1, 8, 8, 8, 8, 8, 8, 1)]
# relu/leaky_relu/elu are differentiable everywhere except 0, which random floats never hit.
ACTIVATION_PAIRS = [(a, "sigmoid") for a in sorted(ACTIVATIONS)] + [
    ("tanh", o) for o in sorted(ACTIVATIONS)
]


def _network(shape, activation, output, loss="squared", seed=0, batch=1):
    rng = np.random.default_rng(seed)
    arch = Architecture(tuple(shape), activation, output, loss)
    params = init_parameters(arch.layers, rng)
    X = rng.uniform(-2, 2, size=(batch, shape[0]))
    T = rng.uniform(0.05, 0.95, size=(batch, shape[-1]))
    return arch, params, X, T


def _assert_backprop_matches_numeric(arch, params, X, T):
    fwd = forward(arch, params, X, T)
    grads = backward(arch, params, fwd, T)
    numeric = numeric_gradients(arch, params, X, T, h=1e-6)
    for exact, approx in zip((*grads.dE_dw, *grads.dE_db),
                             (*numeric.dE_dw, *numeric.dE_db), strict=True):
        assert exact.shape == approx.shape
        # The estimate's rounding noise is about ε·E/h ≈ 1e-11, hence the absolute floor.
        np.testing.assert_allclose(exact, approx, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(("shape", "pair"), list(itertools.product(SHAPES, ACTIVATION_PAIRS)))
def test_mlp_gradients_match_central_differences(shape, pair) -> None:
    arch, params, X, T = _network(shape, *pair)
    _assert_backprop_matches_numeric(arch, params, X, T)


@pytest.mark.parametrize("shape", [(64, 32, 10), (64, 32, 16, 10)])
def test_mlp_softmax_gradients_of_the_digits_networks_match_central_differences(shape) -> None:
    """The 8×8 digits' networks (Nielsen's network.py: 64 pixels in [0, 1], sigmoid hidden
    layers, 10 softmax outputs with categorical cross entropy), a mini-batch of 3: every one
    of their 2,410 (or 2,778) parameters against float64 central differences."""
    rng = np.random.default_rng(8)
    arch = Architecture(shape, "sigmoid", "softmax", "categorical_cross_entropy")
    params = init_parameters(arch.layers, rng)
    X = rng.integers(0, 17, (3, 64)) / 16.0
    T = np.eye(10)[[3, 0, 9]]
    _assert_backprop_matches_numeric(arch, params, X, T)


@pytest.mark.parametrize("shape", SHAPES)
def test_mlp_cross_entropy_gradients_match_central_differences(shape) -> None:
    arch, params, X, T = _network(shape, "tanh", "sigmoid", loss="cross_entropy", seed=3)
    _assert_backprop_matches_numeric(arch, params, X, T)


@pytest.mark.parametrize("loss", ["squared", "cross_entropy"])
def test_mlp_batch_gradients_are_means_of_sample_gradients(loss) -> None:
    arch, params, X, T = _network((2, 3, 2), "elu", "sigmoid", loss=loss, seed=5, batch=7)
    _assert_backprop_matches_numeric(arch, params, X, T)
    grads = backward(arch, params, forward(arch, params, X, T), T)
    per_sample = [backward(arch, params, forward(arch, params, X[s], T[s]), T[s])
                  for s in range(7)]
    for k in range(2):
        np.testing.assert_allclose(grads.dE_dw[k],
                                   np.mean([g.dE_dw[k] for g in per_sample], axis=0),
                                   rtol=1e-12, atol=1e-15)


def test_mlp_input_derivative_matches_central_difference() -> None:
    arch, params, X, T = _network((2, 3, 1), "tanh", "sigmoid", seed=2)
    grads = backward(arch, params, forward(arch, params, X, T), T)
    h = 1e-6
    for i in range(2):
        up, down = X.copy(), X.copy()
        up[0, i] += h
        down[0, i] -= h
        numeric = (forward(arch, params, up, T).mean_error
                   - forward(arch, params, down, T).mean_error) / (2 * h)
        assert grads.dE_dy[0][0, i] == pytest.approx(numeric, rel=1e-6)
        assert grads.dE_dx[0][0, i] == grads.dE_dy[0][0, i]


def test_mlp_forward_reproduces_a_hand_computed_example() -> None:
    # 1-2-1 with linear hidden nodes and a sigmoid output, computed by hand.
    arch = Architecture((1, 2, 1), "linear", "sigmoid", "squared")
    params = Parameters((np.array([[0.15, 0.2]]), np.array([[0.4], [0.45]])),
                        (np.array([0.35, 0.35]), np.array([0.6])))
    fwd = forward(arch, params, np.array([[0.05]]), np.array([[0.01]]))
    np.testing.assert_allclose(fwd.x[1], [[0.3575, 0.36]], rtol=1e-15)
    x_out = 0.4 * 0.3575 + 0.45 * 0.36 + 0.6
    assert fwd.x[2][0, 0] == pytest.approx(x_out, rel=1e-15)
    y_out = 1 / (1 + np.exp(-x_out))
    assert fwd.y[2][0, 0] == pytest.approx(y_out, rel=1e-15)
    assert fwd.mean_error == pytest.approx(0.5 * (y_out - 0.01) ** 2, rel=1e-14)
    grads = backward(arch, params, fwd, np.array([[0.01]]))
    dx_out = (y_out - 0.01) * y_out * (1 - y_out)
    assert grads.dE_dx[2][0, 0] == pytest.approx(dx_out, rel=1e-13)
    assert grads.dE_dw[1][0, 0] == pytest.approx(0.3575 * dx_out, rel=1e-13)
    assert grads.dE_dy[1][0, 1] == pytest.approx(0.45 * dx_out, rel=1e-13)


def test_mlp_update_applies_the_rule_and_keeps_the_old_parameters() -> None:
    arch, params, X, T = _network((1, 2, 2, 1), "sigmoid", "sigmoid")
    before = params.copy()
    grads = backward(arch, params, forward(arch, params, X, T), T)
    new = update(params, grads, learning_rate=0.5, l2=0.1)
    assert params.equals(before)
    for W, dW, W_new in zip(params.weights, grads.dE_dw, new.weights, strict=True):
        np.testing.assert_array_equal(W_new, W - 0.5 * (dW + 0.1 * W))
    for b, db, b_new in zip(params.biases, grads.dE_db, new.biases, strict=True):
        np.testing.assert_array_equal(b_new, b - 0.5 * db)


def test_mlp_training_lowers_the_error() -> None:
    arch, params, X, T = _network((1, 2, 2, 1), "sigmoid", "sigmoid", seed=1)
    first = forward(arch, params, X, T).mean_error
    for _ in range(200):
        params = update(params, backward(arch, params, forward(arch, params, X, T), T), 0.5)
    assert forward(arch, params, X, T).mean_error < first / 10


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layers": (3,)}, "2 to 8 layers"),
        ({"layers": (1,) * 9}, "2 to 8 layers"),
        ({"layers": (1, 65, 1)}, "1 to 64 nodes"),
        ({"layers": (1, 0)}, "1 to 64 nodes"),
        ({"layers": (1, 1), "activation": "nope"}, "unknown activation"),
        ({"layers": (1, 1), "loss": "hinge"}, "unknown loss"),
        ({"layers": (1, 1), "output_activation": "tanh", "loss": "cross_entropy"},
         "needs a sigmoid output"),
    ],
)
def test_architecture_rejects_what_it_cannot_build(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        Architecture(**{"activation": "sigmoid", "output_activation": "sigmoid",
                        "loss": "squared", **kwargs})


def test_init_parameters_is_reproducible_by_seed() -> None:
    a = init_parameters((1, 2, 2, 1), np.random.default_rng(42))
    b = init_parameters((1, 2, 2, 1), np.random.default_rng(42))
    c = init_parameters((1, 2, 2, 1), np.random.default_rng(43))
    assert a.equals(b)
    assert not a.equals(c)
