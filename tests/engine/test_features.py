"""Derived input features: each is an input node computed from the raw inputs, so a network
with features computes exactly what a network without them computes on inputs extended by
hand; its derivatives are checked against central finite differences."""

import numpy as np
import pytest

from server.engine import kernel
from server.engine.datasets import Points
from server.engine.features import FEATURES, expand, feature_problem
from server.engine.mlp import Architecture, backward, forward, init_parameters
from server.engine.optimizers import Optimizer
from server.limits import PLOT_DOMAIN
from server.networks.network import Network
from server.networks.plot import every_function, function_grid
from server.networks.store import build
from server.networks.workbench import built_in

TWO = ("x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2")


def by_hand(X: np.ndarray, features: tuple[str, ...]) -> np.ndarray:
    """The features restated from their formulas, column by column."""
    x1 = X[:, 0]
    x2 = X[:, 1] if X.shape[1] > 1 else None
    columns = {"x1_squared": lambda: x1 ** 2, "x2_squared": lambda: x2 ** 2,
               "x1_x2": lambda: x1 * x2, "sin_x1": lambda: np.sin(x1),
               "sin_x2": lambda: np.sin(x2)}
    return np.column_stack([X, *(columns[name]() for name in features)])


@pytest.mark.parametrize("features", [TWO, ("x1_x2",), ("sin_x2", "x1_squared"), ()])
def test_expand_puts_each_feature_after_the_raw_inputs(features) -> None:
    X = np.random.default_rng(0).uniform(-6, 6, (30, 2))
    np.testing.assert_array_equal(expand(features, X), by_hand(X, features))


def test_the_features_that_need_a_second_input_are_refused_with_one() -> None:
    assert feature_problem(("x1_squared", "sin_x1"), 1) is None
    for name in ("x2_squared", "x1_x2", "sin_x2"):
        assert "reads input 2" in (feature_problem((name,), 1) or "")
    assert "twice" in (feature_problem(("sin_x1", "sin_x1"), 2) or "")
    assert "not a feature" in (feature_problem(("cos_x1",), 2) or "")
    assert {f.formula_1 for f in FEATURES.values() if f.formula_1} == {"x²", "sin x"}
    with pytest.raises(ValueError, match="room for"):
        Architecture((2, 1), "tanh", "sigmoid", "squared", ("x1_squared", "sin_x1"))


SHAPES = [((7, 3, 1), TWO), ((3, 2, 2, 1), ("x1_squared", "sin_x1")),
          ((4, 4, 3), ("sin_x2", "x1_x2"))]


@pytest.mark.parametrize(("layers", "features"), SHAPES)
def test_a_network_with_features_is_one_on_inputs_extended_by_hand(layers, features) -> None:
    with_features = Architecture(layers, "tanh", "sigmoid", "squared", features)
    plain = Architecture(layers, "tanh", "sigmoid", "squared")
    rng = np.random.default_rng(1)
    params = init_parameters(layers, rng)
    X = rng.uniform(-2, 2, (5, with_features.inputs))
    T = rng.uniform(0, 1, (5, layers[-1]))
    got = forward(with_features, params, X, T)
    want = forward(plain, params, by_hand(X, features), T)
    for a, b in zip((*got.x, *got.y, got.error), (*want.x, *want.y, want.error), strict=True):
        np.testing.assert_array_equal(a, b)
    got_g = backward(with_features, params, got, T)
    want_g = backward(plain, params, want, T)
    for a, b in zip((*got_g.dE_dw, *got_g.dE_db, *got_g.dE_dx),
                    (*want_g.dE_dw, *want_g.dE_db, *want_g.dE_dx), strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match=f"expected shape \\(batch, {with_features.inputs}\\)"):
        forward(with_features, params, by_hand(X, features), T)


@pytest.mark.parametrize(("layers", "features"), SHAPES)
def test_the_weights_out_of_a_feature_follow_finite_differences(layers, features) -> None:
    arch = Architecture(layers, "tanh", "sigmoid", "squared", features)
    rng = np.random.default_rng(2)
    params = init_parameters(layers, rng)
    X = rng.uniform(-2, 2, (3, arch.inputs))
    T = rng.uniform(0, 1, (3, layers[-1]))
    grads = backward(arch, params, forward(arch, params, X, T), T)
    h = 1e-6
    for i in range(layers[0]):  # every input node's weights, the derived ones included
        for j in range(layers[1]):
            def error(delta, i=i, j=j):
                w = params.copy()
                w.weights[0][i, j] += delta
                return forward(arch, w, X, T).mean_error
            numeric = (error(h) - error(-h)) / (2 * h)
            assert grads.dE_dw[0][i, j] == pytest.approx(numeric, rel=1e-6, abs=1e-10)


@pytest.fixture(scope="module")
def compiled() -> bool:
    return kernel.warm_up()


@pytest.mark.parametrize("batch", [1, 7, None])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_training_on_raw_data_equals_training_on_data_extended_by_hand(compiled, batch,
                                                                      optimizer) -> None:
    """The workbench derives the features for the trainer (compiled or NumPy): the same
    weights, state, history and losses as a plain network trained on extended points."""
    layers, features = (7, 4, 1), TWO
    a = build(layers, "tanh", "sigmoid", "cross_entropy", seed=3, features=features,
              optimizer=Optimizer(optimizer))
    b = build(layers, "tanh", "sigmoid", "cross_entropy", seed=3,
              optimizer=Optimizer(optimizer))
    train, _ = built_in("xor", 60, 0.1, 4, 0.0)
    raw = Points(train.X, train.T)
    a.use_points(raw, 0.2)  # the first 48 train, the last 12 test, for both
    b.use_points(Points(by_hand(raw.X, features), raw.T), 0.2)
    for network in (a, b):
        network._workbench._rng = np.random.default_rng(5)
    for _ in range(3):  # three calls: the epoch carried between them
        got = a.train(25, batch, None)
        want = b.train(25, batch, None)
        assert got.snapshot.params.equals(want.snapshot.params)
        for x, y in zip(got.snapshot.state.arrays(), want.snapshot.state.arrays(), strict=True):
            np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(got.outcome.result.history_losses,
                                      want.outcome.result.history_losses)
        assert got.outcome.train_loss == want.outcome.train_loss
        assert got.outcome.test_loss == want.outcome.test_loss
    # the epoch it keeps is of raw points still
    cursor = a._workbench._cursor
    assert cursor is not None and cursor.X.shape[1] == 2
    np.testing.assert_array_equal(cursor.X, raw.X[:48][cursor.order])


def test_plots_and_pictures_read_the_raw_grid() -> None:
    network: Network = build((4, 3, 1), "tanh", "sigmoid", "squared", seed=1,
                             features=("x1_squared", "sin_x2"))
    snap = network.snapshot()
    grids = every_function(snap.arch, snap.params, 5)
    axis = np.linspace(*PLOT_DOMAIN, 5)
    x1, x2 = np.meshgrid(axis, axis)
    np.testing.assert_array_equal(grids[0][0], x1)
    np.testing.assert_array_equal(grids[0][2], x1 ** 2)
    np.testing.assert_array_equal(grids[0][3], np.sin(x2))
    np.testing.assert_array_equal(function_grid(snap.arch, snap.params, 2, 0, 5), grids[2][0])
