"""Each activation's derivative against central finite differences, and its numerical safety."""

import numpy as np
import pytest

from server.engine.activations import ACTIVATIONS, get_activation, sigmoid, softplus

# Points away from the kinks of relu, leaky_relu and elu at 0, where f′ is one-sided.
POINTS = np.array([-6.0, -2.5, -1.0, -0.3, -0.01, 0.02, 0.4, 1.0, 2.2, 7.0])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivative_matches_central_difference(name: str) -> None:
    act = get_activation(name)
    h = 1e-6
    numeric = (act.f(POINTS + h) - act.f(POINTS - h)) / (2 * h)
    np.testing.assert_allclose(act.df(POINTS, act.f(POINTS)), numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_is_finite_and_silent_for_huge_inputs(name: str) -> None:
    act = get_activation(name)
    x = np.array([-1e308, -1e4, -745.0, -40.0, 0.0, 40.0, 745.0, 1e4, 1e308])
    # pytest turns RuntimeWarning (overflow, invalid) into errors for the whole suite.
    assert np.isfinite(act.f(x)).all()
    assert np.isfinite(act.df(x, act.f(x))).all()


def test_activation_sigmoid_derivative_keeps_its_digits_where_y_rounds_to_one() -> None:
    act = get_activation("sigmoid")
    x = np.array([40.0])
    assert act.f(x)[0] == 1.0
    assert act.df(x, act.f(x))[0] == pytest.approx(np.exp(-40.0), rel=1e-12)


def test_activation_values_are_the_textbook_ones() -> None:
    assert sigmoid(np.array([0.0]))[0] == 0.5
    assert sigmoid(np.array([-800.0]))[0] == 0.0
    assert sigmoid(np.array([800.0]))[0] == 1.0
    assert softplus(np.array([1000.0]))[0] == 1000.0
    np.testing.assert_allclose(softplus(np.array([0.0])), [np.log(2.0)], rtol=1e-15)
    x = np.array([-2.0, 3.0])
    np.testing.assert_array_equal(get_activation("relu").f(x), [0.0, 3.0])
    np.testing.assert_allclose(get_activation("leaky_relu").f(x), [-0.02, 3.0], rtol=1e-15)
    np.testing.assert_allclose(get_activation("elu").f(x), [np.exp(-2.0) - 1, 3.0], rtol=1e-15)
    np.testing.assert_array_equal(get_activation("linear").f(x), x)


def test_activation_unknown_name_lists_the_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown activation 'swish'.*sigmoid"):
        get_activation("swish")
