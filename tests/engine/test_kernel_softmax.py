"""The compiled kernel with a softmax output and categorical cross entropy, and on layers
wider than the page's 8 nodes: equal to the NumPy reference (sgd.train) to 1e-12 (weights,
biases, optimizer state, loss history, gradient sizes, cursor and generator) with every
optimizer, L1 and L2 and batch size; its gradient against central finite differences; its
softmax and loss against the registry's, logits of ±1000 included."""

from __future__ import annotations

import numpy as np
import pytest

from server.engine import compiled, costs, kernel, sgd
from server.engine.activations import ACTIVATIONS, softmax
from server.engine.gradcheck import numeric_gradients
from server.engine.losses import get_loss
from server.engine.mlp import MAX_ENGINE_NODES, Architecture, Parameters, init_parameters
from server.engine.optimizers import SGD, Optimizer
from tests.engine.test_kernel import verdicts

CCE = get_loss("categorical_cross_entropy")
SHAPES = [(2, 3, 3), (2, 4, 4, 5), (1, 8, 2)]
RULES = [Optimizer("sgd"), Optimizer("momentum", momentum=0.9),
         Optimizer("adam", beta1=0.8, beta2=0.99, epsilon=1e-6)]
REGULARIZATION = [(0.0, 0.0), (0.01, 0.0), (0.01, 0.02)]  # (λ₂, λ₁)
POINTS = 15


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    assert kernel.warm_up(), "the kernel should compile"


def _problem(layers, hidden, seed=0, points=POINTS, soft=False, scale=1.5):
    arch = Architecture(layers, hidden, "softmax", "categorical_cross_entropy")
    rng = np.random.default_rng(seed)
    params = init_parameters(arch.layers, rng)
    X = rng.uniform(-scale, scale, (points, layers[0]))
    if soft:  # distributions, as the loss allows: each row adds up to 1
        T = rng.dirichlet(np.ones(layers[-1]), size=points)
    else:
        T = np.eye(layers[-1])[rng.integers(0, layers[-1], points)]
    return arch, params, X, T


def _both(arch, params, X, T, *, steps, batch, l2=0.0, l1=0.0, optimizer=SGD,
          learning_rate=0.2, seed=1):
    """sgd.train's and the kernel's results, each with its cursor and generator after."""
    runs = []
    for train in (sgd.train, kernel.train_compiled):
        rng = np.random.default_rng(seed)
        cursor = sgd.new_cursor(X, T, rng)
        result = train(arch, params, X, T, steps=steps, batch_size=batch,
                       learning_rate=learning_rate, l2=l2, l1=l1, optimizer=optimizer,
                       cursor=cursor, rng=rng)
        runs.append((getattr(result, "result", result), cursor, rng))
    return runs


def _close(a, b) -> None:
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def _assert_equal_runs(want_run, got_run) -> None:
    (want, want_cursor, want_rng), (got, got_cursor, got_rng) = want_run, got_run
    assert want.finite and got.finite
    for g, w in zip((*got.params.weights, *got.params.biases),
                    (*want.params.weights, *want.params.biases), strict=True):
        assert g.shape == w.shape
        _close(g, w)
    assert got.state.t == want.state.t
    assert len(got.state.arrays()) == len(want.state.arrays())
    for g, w in zip(got.state.arrays(), want.state.arrays(), strict=True):
        assert g.shape == w.shape
        _close(g, w)
    np.testing.assert_array_equal(got.history_steps, want.history_steps)
    _close(got.history_losses, want.history_losses)
    _close(got.gradient_sizes, want.gradient_sizes)
    assert (got_cursor.position, got_cursor.samples) == (want_cursor.position,
                                                         want_cursor.samples)
    np.testing.assert_array_equal(got_cursor.X, want_cursor.X)
    np.testing.assert_array_equal(got_cursor.T, want_cursor.T)
    np.testing.assert_array_equal(got_cursor.order, want_cursor.order)
    assert got_rng.integers(2**62) == want_rng.integers(2**62)


@pytest.mark.parametrize("layers", SHAPES, ids=lambda s: "-".join(map(str, s)))
@pytest.mark.parametrize("hidden", sorted(ACTIVATIONS))
@pytest.mark.parametrize("optimizer", RULES, ids=lambda r: r.name)
@pytest.mark.parametrize("batch", [1, 5, POINTS])
@pytest.mark.parametrize("l2,l1", REGULARIZATION)
def test_kernel_softmax_equals_the_numpy_engine(layers, hidden, optimizer, batch, l2,
                                                l1) -> None:
    arch, params, X, T = _problem(layers, hidden, soft=batch == 5)
    steps = 4 * -(-POINTS // batch) + 2  # four epochs and a bit: reshuffles, a cut batch
    want, got = _both(arch, params, X, T, steps=steps, batch=batch, l2=l2, l1=l1,
                      optimizer=optimizer, learning_rate=0.05)
    _assert_equal_runs(want, got)


@pytest.mark.parametrize("layers", [(64, 32, 10), (64, 32, 32, 10), (64, 10), (3, 40, 3)],
                         ids=lambda s: "-".join(map(str, s)))
@pytest.mark.parametrize("optimizer", RULES, ids=lambda r: r.name)
@pytest.mark.parametrize("batch", [1, 5, 40])
def test_kernel_on_wide_layers_equals_the_numpy_engine(layers, optimizer, batch) -> None:
    """The digits' network (64 inputs, hidden layers of 32, 10 outputs) and others wider than
    8 nodes: the padded arrays are as wide as the widest layer."""
    rng = np.random.default_rng(3)
    arch, params, _, _ = _problem(layers, "sigmoid", points=40)
    X = rng.integers(0, 17, (40, layers[0])) / 16.0  # as the 8×8 digits' pixels
    T = np.eye(layers[-1])[rng.integers(0, layers[-1], 40)]
    want, got = _both(arch, params, X, T, steps=3 * -(-40 // batch) + 1, batch=batch,
                      l2=0.001, optimizer=optimizer, learning_rate=0.05)
    _assert_equal_runs(want, got)


@pytest.mark.parametrize("layers,hidden,output,loss", [
    ((3, 40, 2), "tanh", "sigmoid", "squared"),
    ((9, 64, 64, 1), "relu", "sigmoid", "cross_entropy"),
    ((64, 9), "linear", "linear", "squared"),
])
@pytest.mark.parametrize("batch", [1, 7])
def test_kernel_on_wide_layers_equals_the_engine_for_the_other_losses(layers, hidden, output,
                                                                      loss, batch) -> None:
    arch = Architecture(layers, hidden, output, loss)
    rng = np.random.default_rng(4)
    params = init_parameters(arch.layers, rng)
    X = rng.uniform(-1, 1, (21, layers[0]))
    T = rng.uniform(0, 1, (21, layers[-1]))
    want, got = _both(arch, params, X, T, steps=3 * -(-21 // batch) + 1, batch=batch,
                      l2=0.01, learning_rate=0.05)
    _assert_equal_runs(want, got)


def test_the_engine_computes_layers_of_up_to_64_nodes() -> None:
    assert MAX_ENGINE_NODES == 64
    Architecture((64, 64, 10), "sigmoid", "softmax", "categorical_cross_entropy")
    with pytest.raises(ValueError, match="1 to 64 nodes, got 65"):
        Architecture((65, 10), "sigmoid", "softmax", "categorical_cross_entropy")


def test_kernel_pads_to_the_network_s_widest_layer(monkeypatch) -> None:
    """A small network's arrays are no larger than its widest layer (the kernel's speed on
    the page's networks does not pay for the digits' 64)."""
    shapes = []
    padded = kernel._padded

    def spy(params, L, width):
        W, B = padded(params, L, width)
        shapes.append(W.shape)
        return W, B

    monkeypatch.setattr(kernel, "_padded", spy)
    for layers in ((2, 3, 3), (64, 32, 10)):
        arch, params, X, T = _problem(layers, "tanh")
        rng = np.random.default_rng(0)
        kernel.train_compiled(arch, params, X, T, steps=2, batch_size=1, learning_rate=0.1,
                              l2=0.0, cursor=sgd.new_cursor(X, T, rng), rng=rng)
    assert set(shapes) == {(2, 3, 3), (2, 64, 64)}


@pytest.mark.parametrize("layers", [(2, 3, 3), (2, 4, 4, 5), (3, 12, 10), (64, 32, 10)],
                         ids=lambda s: "-".join(map(str, s)))
@pytest.mark.parametrize("hidden", ["tanh", "sigmoid", "softplus"])
def test_kernel_softmax_gradient_matches_central_differences(layers, hidden) -> None:
    """One full-batch step of plain descent with α = 1 moves each parameter by −dE/dp: the
    kernel's gradient, against (E(p + h) − E(p − h)) / 2h of the mean loss."""
    arch, params, X, T = _problem(layers, hidden, points=6, soft=True)
    rng = np.random.default_rng(0)
    cursor = sgd.new_cursor(X, T, rng)
    got = kernel.train_compiled(arch, params, X, T, steps=1, batch_size=6, learning_rate=1.0,
                                l2=0.0, cursor=cursor, rng=rng).result
    numeric = numeric_gradients(arch, params, cursor.X, cursor.T, h=1e-6)
    for before, after, approx in zip((*params.weights, *params.biases),
                                     (*got.params.weights, *got.params.biases),
                                     (*numeric.dE_dw, *numeric.dE_db), strict=True):
        np.testing.assert_allclose(before - after, approx, rtol=1e-6, atol=1e-9)


LOGITS = np.array([[0.3, -1.2, 2.0], [5.0, 5.0, -3.0], [-0.7, 0.1, 0.05], [12.0, -4.0, 1.5],
                   [1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0], [1000.0, 1000.0, -1000.0],
                   [-1000.0, -1000.0, -1000.0], [40.0, 0.0, 0.0]])
TARGETS = np.array([[0.0, 0.0, 1.0], [0.2, 0.5, 0.3], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0],
                    [0.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.5, 0.0, 0.5], [0.0, 0.0, 1.0],
                    [1.0, 0.0, 0.0]])


def test_kernel_softmax_and_its_loss_equal_the_registry() -> None:
    """Value, output and dE/dx of each row, against activations.softmax and losses.py, for
    logits of ±1000 too (finite, as the registry's), and where the winner rounds to 1."""
    y_want = softmax(LOGITS)
    value_want = CCE.value(LOGITS, y_want, TARGETS)
    dx_want = CCE.dE_dx(LOGITS, y_want, TARGETS)
    for x, t, yw, vw, dw in zip(LOGITS, TARGETS, y_want, value_want, dx_want, strict=True):
        y, d = np.empty(3), np.empty(3)
        top, m, rest = compiled._softmax(x, y, 3)
        value = compiled._categorical(x, y, t, d, 3, top, m, rest, True)
        assert top == np.argmax(x) and m == x.max()
        _close(y, yw)
        np.testing.assert_allclose(value, vw, rtol=1e-14)
        _close(d, dw)
        assert np.isfinite(y).all() and np.isfinite(d).all() and np.isfinite(value)
    # the winner's y − t keeps its digits: −(y₁ + y₂) = −2e^−40, not 1 − 1 = 0
    y, d = np.empty(3), np.empty(3)
    compiled._categorical(LOGITS[-1], y, TARGETS[-1], d, 3, *compiled._softmax(LOGITS[-1], y, 3),
                          False)
    assert d[0] == pytest.approx(-2 * np.exp(-40.0), rel=1e-12, abs=0.0)


@pytest.mark.parametrize("x", [[0.5, np.nan, 2.0], [np.nan, 1.0, np.nan], [3.0, 1.0, np.nan],
                               [1.0, 3.0, 3.0]])
def test_kernel_softmax_picks_the_largest_logit_as_numpy_does(x) -> None:
    """np.argmax's index (the first of equals, the first NaN) and np.max's value (NaN if any
    is); softmax is then NaN throughout, as activations.softmax's."""
    x = np.array(x)
    y = np.empty(3)
    top, m, _ = compiled._softmax(x, y, 3)
    assert top == np.argmax(x)
    np.testing.assert_array_equal(m, np.max(x))
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(y, softmax(x))


def test_kernel_trains_on_logits_of_a_thousand_and_stays_finite() -> None:
    """Logits of ±1000 (y of e^−2000 for the target): the loss is 2000, its gradient y − t
    finite, and the kernel equals the engine."""
    arch = Architecture((1, 3), "tanh", "softmax", "categorical_cross_entropy")
    params = Parameters((np.array([[1000.0, -1000.0, 0.0]]),), (np.zeros(3),))
    X = np.ones((4, 1))
    T = np.tile([0.0, 1.0, 0.0], (4, 1))
    for batch in (1, 4):
        want, got = _both(arch, params, X, T, steps=6, batch=batch, learning_rate=1e-3)
        _assert_equal_runs(want, got)
        losses = got[0].history_losses
        assert losses[0] == pytest.approx(2000.0, rel=1e-15)
        assert np.isfinite(losses).all() and (np.diff(losses) < 0).all()


def test_kernel_softmax_of_overflowing_logits_is_divergence_as_in_the_engine() -> None:
    """Logits of +inf and −inf (hidden outputs of 1e308, summed): softmax is NaN, and both
    paths refuse the result."""
    arch = Architecture((1, 2, 3), "linear", "softmax", "categorical_cross_entropy")
    params = Parameters((np.ones((1, 2)), np.array([[1.0, -1.0, 0.0], [1.0, -1.0, 0.0]])),
                        (np.zeros(2), np.zeros(3)))
    X = np.full((4, 1), 1e308)
    T = np.tile([0.0, 1.0, 0.0], (4, 1))
    assert verdicts(arch, params, X, T, steps=3, batch_size=2,
                    learning_rate=0.1) == [False, False]


def test_softmax_takes_the_compiled_path_for_small_batches() -> None:
    arch = Architecture((2, 3, 3), "tanh", "softmax", "categorical_cross_entropy")
    assert kernel.path_for(arch, 1) is costs.COMPILED
    arch, params, X, T = _problem((2, 3, 3), "tanh")
    results = []
    for train in (sgd.train, kernel.train):
        rng = np.random.default_rng(7)
        results.append(train(arch, params, X, T, steps=30, batch_size=1, learning_rate=0.3,
                             l2=0.01, cursor=sgd.new_cursor(X, T, rng), rng=rng))
    for g, w in zip(results[1].params.weights, results[0].params.weights, strict=True):
        _close(g, w)
