"""Each loss's derivative dE/dy against central finite differences."""

import math

import numpy as np
import pytest

from server.engine.activations import sigmoid
from server.engine.losses import LOSSES, get_loss


def _logit(y: np.ndarray) -> np.ndarray:
    return np.log(y) - np.log1p(-y)


@pytest.mark.parametrize("name", sorted(n for n in LOSSES if n != "categorical_cross_entropy"))
def test_loss_derivative_matches_central_difference(name: str) -> None:
    loss = get_loss(name)
    y = np.array([[0.05, 0.3, 0.5, 0.71, 0.98]])
    t = np.array([[0.0, 1.0, 0.25, 0.71, 0.4]])
    h = 1e-6
    numeric = np.empty_like(y)
    for j in range(y.shape[1]):
        up, down = y.copy(), y.copy()
        up[0, j] += h
        down[0, j] -= h
        numeric[0, j] = (loss.value(_logit(up), up, t)[0]
                         - loss.value(_logit(down), down, t)[0]) / (2 * h)
    # atol: where y = t the derivative is 0, and cross-entropy computes it from x, which
    # _logit recovers only to rounding (so it gives ~1e-16, not the exact 0 of y − t).
    np.testing.assert_allclose(loss.dE_dy(_logit(y), y, t), numeric, rtol=1e-6, atol=1e-12)


def test_loss_values_are_the_textbook_ones() -> None:
    y = np.array([[0.75, 0.2]])
    t = np.array([[1.0, 0.0]])
    assert get_loss("squared").value(_logit(y), y, t)[0] == pytest.approx(0.5 * (0.0625 + 0.04))
    expected = -(np.log(0.75) + np.log(0.8))
    assert get_loss("cross_entropy").value(_logit(y), y, t)[0] == pytest.approx(expected,
                                                                                 rel=1e-14)


def test_loss_cross_entropy_stays_finite_when_the_sigmoid_saturates() -> None:
    x = np.array([[60.0, -60.0]])
    y = sigmoid(x)
    assert y[0, 0] == 1.0  # y has rounded to 1, yet E and dE/dy stay exact and finite
    t = np.array([[0.0, 1.0]])
    loss = get_loss("cross_entropy")
    np.testing.assert_allclose(loss.value(x, y, t), [120.0], rtol=1e-12)
    assert np.isfinite(loss.dE_dy(x, y, t)).all()


SATURATED = [37.0, 100.0, 700.0, 745.0, 1000.0]


@pytest.mark.parametrize("x", SATURATED + [-v for v in SATURATED])
@pytest.mark.parametrize("t", [0.0, 1.0])
def test_loss_cross_entropy_is_exact_near_saturation(x: float, t: float) -> None:
    """E = softplus(x) − t·x, dE/dy = (1 − t)/(1 − y) − t/y = (1 − t)(1 + e^x) − t(1 + e^−x)
    and dE/dx = y − t, each from its analytic form in Python floats."""
    loss = get_loss("cross_entropy")
    xs, ts = np.array([[x]]), np.array([[t]])
    ys = sigmoid(xs)
    linear = (1 - t) * x if x >= 0 else -t * x  # softplus(x) − t·x, without cancellation
    expected_value = linear + math.log1p(math.exp(-abs(x)))
    assert loss.value(xs, ys, ts)[0] == pytest.approx(expected_value, rel=1e-15, abs=1e-300)

    def one_plus_exp(v: float) -> float:
        return math.inf if v > 709.7 else 1.0 + math.exp(v)

    expected_dy = (1 - t) * one_plus_exp(x) if t != 1 else 0.0
    expected_dy -= t * one_plus_exp(-x) if t != 0 else 0.0
    dE_dy = loss.dE_dy(xs, ys, ts)[0, 0]
    if math.isinf(expected_dy):
        assert dE_dy == expected_dy  # beyond float64: the true value overflows
    else:
        assert dE_dy == pytest.approx(expected_dy, rel=1e-14)
    # y − t: 1/(1 + e^−x) − t, written so that 1 − y keeps its digits
    s_minus = 1.0 / one_plus_exp(x)  # σ(−x)
    expected_dx = (1 - t) - s_minus if x >= 0 else 1.0 / one_plus_exp(-x) - t
    assert loss.dE_dx is not None
    assert loss.dE_dx(xs, ys, ts)[0, 0] == pytest.approx(expected_dx, rel=1e-14, abs=1e-320)


@pytest.mark.parametrize("x", [37.0, 100.0, 700.0, -37.0, -100.0, -700.0])
@pytest.mark.parametrize("t", [0.0, 1.0])
def test_loss_cross_entropy_derivatives_match_central_differences_in_x(x: float,
                                                                        t: float) -> None:
    """dE/dx against (E(x + h) − E(x − h)) / 2h, and dE/dy·dy/dx (dy/dx = σ(x)σ(−x))."""
    loss = get_loss("cross_entropy")
    ts = np.array([[t]])

    def value(v: float) -> float:
        xv = np.array([[v]])
        return float(loss.value(xv, sigmoid(xv), ts)[0])

    h = 1e-3  # E is linear (or flat) this far out, so the difference is exact to rounding
    numeric = (value(x + h) - value(x - h)) / (2 * h)
    xs = np.array([[x]])
    assert loss.dE_dx is not None
    dE_dx = float(loss.dE_dx(xs, sigmoid(xs), ts)[0, 0])
    assert dE_dx == pytest.approx(numeric, rel=1e-9, abs=1e-12)
    dE_dy = float(loss.dE_dy(xs, sigmoid(xs), ts)[0, 0])
    through_y = dE_dy * float(sigmoid(xs)[0, 0] * sigmoid(-xs)[0, 0])
    assert through_y == pytest.approx(dE_dx, rel=1e-12, abs=1e-300)
