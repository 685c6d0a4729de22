"""Softmax with categorical cross entropy: values against an independent implementation
(SciPy's softmax and logsumexp), every derivative against central finite differences in
float64, stability for logits of ±1000, and the combinations refused."""

import itertools

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.special import softmax as scipy_softmax

from server.engine.activations import get_activation, log_softmax, softmax
from server.engine.gradcheck import numeric_gradients
from server.engine.losses import get_loss
from server.engine.mlp import Architecture, backward, forward, init_parameters

CCE = get_loss("categorical_cross_entropy")
LOGITS = np.array([[0.3, -1.2, 2.0], [5.0, 5.0, -3.0], [-0.7, 0.1, 0.05],
                   [12.0, -4.0, 1.5]])
TARGETS = np.array([[0.0, 0.0, 1.0], [0.2, 0.5, 0.3], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def _independent_loss(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    # E = logsumexp(x)·Σt − Σ t·x, computed by SciPy, not by the engine's log1p form.
    return logsumexp(x, axis=1) * t.sum(axis=1) - (t * x).sum(axis=1)


def test_softmax_values_equal_scipy_and_add_up_to_one() -> None:
    np.testing.assert_allclose(softmax(LOGITS), scipy_softmax(LOGITS, axis=1), rtol=1e-14)
    np.testing.assert_allclose(softmax(LOGITS).sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(log_softmax(LOGITS),
                               LOGITS - logsumexp(LOGITS, axis=1, keepdims=True),
                               rtol=1e-14, atol=1e-15)


def test_softmax_loss_equals_the_independent_implementation() -> None:
    y = softmax(LOGITS)
    np.testing.assert_allclose(CCE.value(LOGITS, y, TARGETS),
                               _independent_loss(LOGITS, TARGETS), rtol=1e-13)
    np.testing.assert_allclose(CCE.value(LOGITS, y, TARGETS),
                               -(TARGETS * np.log(y)).sum(axis=1), rtol=1e-13)


def test_softmax_jacobian_matches_central_differences() -> None:
    # ∂y_k/∂x_j = y_k·(δ_kj − y_j), the matrix the page writes out, against finite differences.
    h = 1e-6
    for x in LOGITS:
        y = softmax(x)
        jacobian = np.diag(y) - np.outer(y, y)
        numeric = np.empty((3, 3))
        for j in range(3):
            up, down = x.copy(), x.copy()
            up[j] += h
            down[j] -= h
            numeric[:, j] = (softmax(up) - softmax(down)) / (2 * h)
        np.testing.assert_allclose(jacobian, numeric, rtol=1e-7, atol=1e-10)
        # The registry's df is the diagonal of that Jacobian.
        np.testing.assert_allclose(get_activation("softmax").df(x, y), np.diag(jacobian),
                                   rtol=1e-12)


def test_softmax_loss_derivatives_match_central_differences() -> None:
    h = 1e-6
    y = softmax(LOGITS)
    dx = CCE.dE_dx(LOGITS, y, TARGETS)
    np.testing.assert_allclose(dx, y - TARGETS, rtol=1e-12, atol=1e-15)
    numeric_dx = np.empty_like(LOGITS)
    numeric_dy = np.empty_like(LOGITS)
    for i, j in itertools.product(range(LOGITS.shape[0]), range(3)):
        up, down = LOGITS.copy(), LOGITS.copy()
        up[i, j] += h
        down[i, j] -= h
        numeric_dx[i, j] = (_independent_loss(up, TARGETS)[i]
                            - _independent_loss(down, TARGETS)[i]) / (2 * h)
        # dE/dy with y free: E(y) = −Σ t·ln y, differentiated by y_j alone.
        yu, yd = y.copy(), y.copy()
        step = 1e-6 * y[i, j]  # relative: some y are below 1e-6
        yu[i, j] += step
        yd[i, j] -= step
        numeric_dy[i, j] = (-(TARGETS[i] * np.log(yu[i])).sum()
                            + (TARGETS[i] * np.log(yd[i])).sum()) / (2 * step)
    # atol: the estimate's rounding noise is about ε·E/h, and E reaches 16 in the last row.
    np.testing.assert_allclose(dx, numeric_dx, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(CCE.dE_dy(LOGITS, y, TARGETS), numeric_dy, rtol=1e-6, atol=1e-9)
    # Through the Jacobian: dE/dx_k = Σ_j dE/dy_j·∂y_j/∂x_k = y_k − t_k.
    for i in range(LOGITS.shape[0]):
        jacobian = np.diag(y[i]) - np.outer(y[i], y[i])
        np.testing.assert_allclose(CCE.dE_dy(LOGITS, y, TARGETS)[i] @ jacobian, dx[i],
                                   rtol=1e-9, atol=1e-15)


def test_softmax_loss_is_finite_and_silent_for_logits_of_a_thousand() -> None:
    x = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0], [1000.0, 1000.0, -1000.0],
                  [-1000.0, -1000.0, -1000.0]])
    t = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.5, 0.0, 0.5], [0.0, 0.0, 1.0]])
    y = softmax(x)
    value = CCE.value(x, y, t)
    # pytest turns RuntimeWarnings into errors: none is raised.
    np.testing.assert_allclose(value, [2000.0, 0.0, 0.5 * np.log(2) + 0.5 * (2000 + np.log(2)),
                                       np.log(3)], rtol=1e-14)
    assert np.isfinite(y).all() and np.isfinite(CCE.dE_dx(x, y, t)).all()
    np.testing.assert_array_equal(CCE.dE_dx(x, y, t)[:2], [[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]])
    # dE/dy = −t/y is −e^2000 where a target's y is e^−2000 (rows 0 and 2), beyond float64:
    # infinite only there (the backward pass then refuses, as diverged), and never NaN (a
    # target of 0 gives 0 whatever y is).
    dy = CCE.dE_dy(x, y, t)
    assert not np.isnan(dy).any()
    assert np.isfinite(dy[[1, 3]]).all() and dy[0, 0] == 0.0 and dy[0, 2] == 0.0
    assert np.isinf(dy[0, 1]) and np.isinf(dy[2, 2])


def test_softmax_gradient_keeps_its_digits_where_the_winner_rounds_to_one() -> None:
    x = np.array([[40.0, 0.0, 0.0]])
    t = np.array([[1.0, 0.0, 0.0]])
    y = softmax(x)
    assert y[0, 0] == 1.0
    expected = -2 * np.exp(-40.0)  # y_0 − 1 = −(y_1 + y_2)
    assert CCE.dE_dx(x, y, t)[0, 0] == pytest.approx(expected, rel=1e-12, abs=0.0)
    assert CCE.value(x, y, t)[0] == pytest.approx(2 * np.exp(-40.0), rel=1e-12, abs=0.0)


@pytest.mark.parametrize("shape", [(2, 3, 3), (2, 2), (3, 4, 4, 5), (1, 8, 8, 8)])
@pytest.mark.parametrize("batch", [1, 5])
def test_softmax_network_gradients_match_central_differences(shape, batch) -> None:
    rng = np.random.default_rng(sum(shape) + batch)
    arch = Architecture(shape, "tanh", "softmax", "categorical_cross_entropy")
    params = init_parameters(arch.layers, rng)
    X = rng.uniform(-2, 2, (batch, shape[0]))
    T = rng.dirichlet(np.ones(shape[-1]), size=batch)
    fwd = forward(arch, params, X, T)
    grads = backward(arch, params, fwd, T)
    numeric = numeric_gradients(arch, params, X, T, h=1e-6)
    for exact, approx in zip((*grads.dE_dw, *grads.dE_db), (*numeric.dE_dw, *numeric.dE_db),
                             strict=True):
        np.testing.assert_allclose(exact, approx, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(grads.dE_dx[-1], fwd.y[-1] - T, rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(fwd.error, _independent_loss(fwd.x[-1], T), rtol=1e-12)


@pytest.mark.parametrize(("layers", "hidden", "output", "loss", "words"), [
    ((2, 1), "tanh", "softmax", "categorical_cross_entropy", "2 or more output nodes"),
    ((2, 3), "tanh", "sigmoid", "categorical_cross_entropy", "needs a softmax output"),
    ((2, 3), "tanh", "softmax", "squared", "needs the categorical_cross_entropy loss"),
    ((2, 3), "tanh", "softmax", "cross_entropy", "needs a sigmoid output"),
    ((2, 4, 3), "softmax", "softmax", "categorical_cross_entropy", "output layer only"),
])
def test_softmax_combinations_that_make_no_sense_are_refused(layers, hidden, output, loss,
                                                             words) -> None:
    with pytest.raises(ValueError, match=words):
        Architecture(layers, hidden, output, loss)
