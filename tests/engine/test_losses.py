"""Each loss's derivative dE/dy against central finite differences."""

import numpy as np
import pytest

from server.engine.activations import sigmoid
from server.engine.losses import LOSSES, get_loss


def _logit(y: np.ndarray) -> np.ndarray:
    return np.log(y) - np.log1p(-y)


@pytest.mark.parametrize("name", sorted(LOSSES))
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
    np.testing.assert_allclose(loss.dE_dy(_logit(y), y, t), numeric, rtol=1e-6)


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
