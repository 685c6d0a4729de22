"""The compiled training kernel against the NumPy reference (sgd.train), to 1e-12."""

import numpy as np
import pytest

from server.engine import activations, compiled, kernel, sgd
from server.engine.activations import ACTIVATIONS
from server.engine.losses import LOSSES
from server.engine.mlp import Architecture, Parameters, backward, forward, init_parameters

SHAPES = [(1, 2, 2, 1), (2, 3, 1), (3, 4, 4, 2), (2, 8, 8, 8, 8, 8, 8, 1)]
SETTINGS = [(activation, activation, "squared") for activation in ACTIVATIONS] + [
    (activation, "sigmoid", "cross_entropy") for activation in ACTIVATIONS]
POINTS = 20


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    assert kernel.warm_up(), "the kernel should compile"


def _problem(layers, hidden, output, loss, seed=0):
    arch = Architecture(layers, hidden, output, loss)
    rng = np.random.default_rng(seed)
    params = init_parameters(arch.layers, rng)
    X = rng.uniform(-1.5, 1.5, (POINTS, layers[0]))
    T = rng.uniform(0, 1, (POINTS, layers[-1]))  # in [0, 1]: a target for cross entropy too
    return arch, params, X, T


def _run(train, layers, setting, batch, l2, steps, seed=0):
    arch, params, X, T = _problem(layers, *setting, seed=seed)
    rng = np.random.default_rng(seed + 1)
    cursor = sgd.new_cursor(X, T, rng)
    result = train(arch, params, X, T, steps=steps, batch_size=batch, learning_rate=0.2, l2=l2,
                   cursor=cursor, rng=rng)
    return result, cursor, rng


def _assert_close(a, b) -> None:
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("layers", SHAPES, ids=lambda s: "-".join(map(str, s)))
@pytest.mark.parametrize("setting", SETTINGS, ids="/".join)
@pytest.mark.parametrize("batch", [1, 3, POINTS])
@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_kernel_equals_the_numpy_engine(layers, setting, batch, l2) -> None:
    steps = 3 * -(-POINTS // batch) + 2  # three epochs and a bit: reshuffles, a cut batch
    want, want_cursor, want_rng = _run(sgd.train, layers, setting, batch, l2, steps)
    got, got_cursor, got_rng = _run(
        lambda *a, **k: kernel.train_compiled(*a, **k).result, layers, setting, batch, l2,
        steps)
    assert got.finite == want.finite
    if not want.finite:  # a run that diverges is refused: only the verdict counts
        return
    for g, w in zip((*got.params.weights, *got.params.biases),
                    (*want.params.weights, *want.params.biases), strict=True):
        assert g.shape == w.shape
        _assert_close(g, w)
    np.testing.assert_array_equal(got.history_steps, want.history_steps)
    _assert_close(got.history_losses, want.history_losses)
    assert (got_cursor.position, got_cursor.samples) == (want_cursor.position,
                                                         want_cursor.samples)
    np.testing.assert_array_equal(got_cursor.X, want_cursor.X)
    np.testing.assert_array_equal(got_cursor.T, want_cursor.T)
    # the same draws of the generator, so the next call starts alike
    assert got_rng.integers(2**62) == want_rng.integers(2**62)


@pytest.mark.parametrize("batch", [1, 3, 7])
def test_kernel_draws_its_epochs_in_chunks_as_the_engine_does(monkeypatch, batch) -> None:
    monkeypatch.setattr(kernel, "MAX_DRAWN", 2 * POINTS)  # two epochs drawn ahead at most
    setting = ("tanh", "sigmoid", "squared")
    want, want_cursor, _ = _run(sgd.train, (2, 3, 1), setting, batch, 0.0, 350)
    got, got_cursor, _ = _run(lambda *a, **k: kernel.train_compiled(*a, **k).result,
                              (2, 3, 1), setting, batch, 0.0, 350)
    for g, w in zip(got.params.weights, want.params.weights, strict=True):
        _assert_close(g, w)
    _assert_close(got.history_losses, want.history_losses)
    assert got.history_losses.shape == (175,)  # every other step: at most 200 samples
    np.testing.assert_array_equal(got_cursor.X, want_cursor.X)
    assert got_cursor.samples == want_cursor.samples


@pytest.mark.parametrize("setting", SETTINGS[:2] + SETTINGS[-2:], ids="/".join)
def test_kernel_gradient_sizes_are_the_last_batch_mean_gradients(setting) -> None:
    layers, batch, steps = (3, 4, 4, 2), 3, 9
    arch, params, X, T = _problem(layers, *setting)
    rng = np.random.default_rng(5)
    cursor = sgd.new_cursor(X, T, rng)
    before = sgd.train(arch, params, X, T, steps=steps - 1, batch_size=batch,
                       learning_rate=0.4, l2=0.01, cursor=cursor, rng=rng).params
    start = cursor.position if cursor.position < POINTS else 0
    got = kernel.train_compiled(arch, before, X, T, steps=1, batch_size=batch,
                                learning_rate=0.4, l2=0.01, cursor=cursor, rng=rng)
    Xb, Tb = cursor.X[start:start + batch], cursor.T[start:start + batch]
    grads = backward(arch, before, forward(arch, before, Xb, Tb), Tb)
    _assert_close(got.gradient_sizes, [np.abs(dW).mean() for dW in grads.dE_dw])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_kernel_activations_equal_the_registry_in_both_tails(name) -> None:
    x = np.array([-800.0, -700.0, -40.0, -1.0, -1e-9, -0.0, 0.0, 1e-9, 0.5, 1.0, 40.0, 700.0,
                  800.0])
    activation = ACTIVATIONS[name]
    code = compiled.ACTIVATION_CODES[name]
    y = activation.f(x)
    got = [compiled._f_df(code, v) for v in x]
    _assert_close([f for f, _ in got], y)
    _assert_close([df for _, df in got], activation.df(x, y))


@pytest.mark.parametrize("name", sorted(set(LOSSES) - {"categorical_cross_entropy"}))
def test_kernel_losses_equal_the_registry(name) -> None:
    x = np.array([[-700.0], [-3.0], [0.0], [0.2], [30.0]])
    y = activations.sigmoid(x)
    t = np.array([[1.0], [0.0], [0.5], [1.0], [0.0]])
    loss = LOSSES[name]
    code = compiled.LOSS_CODES[name]
    _assert_close([compiled._loss(code, *v) for v in zip(x[:, 0], y[:, 0], t[:, 0], strict=True)],
                  loss.value(x, y, t))
    # the output's dE/dx: the loss's own where it has one (cross entropy), else f′(x)·dE/dy
    slope = activations.ACTIVATIONS["sigmoid"].df(x, y)
    want = (loss.dE_dx(x, y, t) if loss.dE_dx is not None else slope * loss.dE_dy(x, y, t))
    _assert_close([compiled._output_slope_of_error(code, *v)
                   for v in zip(x[:, 0], y[:, 0], t[:, 0], slope[:, 0], strict=True)],
                  want[:, 0])


def test_kernel_divergence_is_reported_as_the_engine_does() -> None:
    arch = Architecture((1, 8, 1), "relu", "linear", "squared")
    params = init_parameters(arch.layers, np.random.default_rng(0))
    X, T = np.full((4, 1), 1e6), np.full((4, 1), -1e6)
    assert verdicts(arch, params, X, T, steps=200, batch_size=4,
                    learning_rate=10.0) == [False, False]


def verdicts(arch, params, X, T, **settings) -> list[bool]:
    """Whether the reference engine's and the kernel's runs stay finite, from the same draws."""
    out = []
    for train in (sgd.train, kernel.train_compiled):
        rng = np.random.default_rng(0)
        result = train(arch, params, X, T, l2=0.0, cursor=sgd.new_cursor(X, T, rng), rng=rng,
                       **settings)
        out.append(getattr(result, "result", result).finite)
    return out


def test_kernel_a_gradient_size_that_overflows_is_divergence_as_in_the_engine() -> None:
    """Every dE/dw of the last batch finite (1.6e308), their sum over a layer not: the size
    (mean |dE/dw|) would be infinite, written as null in JSON. The weights, biases and loss
    stay finite, so only the size says the step diverged."""
    arch = Architecture((1, 8, 1), "linear", "linear", "squared")
    params = Parameters((np.full((1, 8), 1e154), np.full((8, 1), 1e-307)),
                        (np.zeros(8), np.zeros(1)))
    X, T = np.full((2, 1), 1e153), np.zeros((2, 1))
    verdicts = []
    for train in (sgd.train, kernel.train_compiled):
        rng = np.random.default_rng(0)
        result = train(arch, params, X, T, steps=1, batch_size=2, learning_rate=1e-300,
                       l2=0.0, cursor=sgd.new_cursor(X, T, rng), rng=rng)
        result = getattr(result, "result", result)
        assert result.params.is_finite() and np.isfinite(result.history_losses).all()
        verdicts.append(result.finite)
    assert verdicts == [False, False]


def test_train_takes_the_compiled_path_for_small_batches_and_numpy_for_large() -> None:
    from server.engine import costs

    small = Architecture((1, 2, 2, 1), "sigmoid", "sigmoid", "squared")
    large = Architecture((8,) * 8, "relu", "relu", "squared")
    assert kernel.path_for(small, 1) is costs.COMPILED
    assert kernel.path_for(large, 10_000) is costs.NUMPY


def _sgd_equal_run(monkeypatch) -> None:
    """kernel.train, not ready, computes exactly what sgd.train does (it is sgd.train)."""
    arch, params, X, T = _problem((1, 2, 2, 1), "sigmoid", "sigmoid", "squared")
    results = []
    for train in (sgd.train, kernel.train):
        rng = np.random.default_rng(3)
        results.append(train(arch, params, X, T, steps=30, batch_size=1, learning_rate=0.5,
                             l2=0.0, cursor=sgd.new_cursor(X, T, rng), rng=rng))
    assert results[0].params.equals(results[1].params)


def test_kernel_that_fails_to_compile_leaves_training_to_numpy(monkeypatch, caplog) -> None:
    import threading

    monkeypatch.setattr(kernel, "_ready", threading.Event())

    def broken(*args, **kwargs):
        raise RuntimeError("no compiler here")

    monkeypatch.setattr(kernel, "train_compiled", broken)
    assert not kernel.warm_up()
    assert "NumPy alone" in caplog.text and not kernel.is_ready()
    small = Architecture((1, 2, 2, 1), "sigmoid", "sigmoid", "squared")
    assert kernel.path_for(small, 1).name == "numpy"
    _sgd_equal_run(monkeypatch)


def test_kernel_without_numba_leaves_training_to_numpy(monkeypatch, caplog) -> None:
    import sys
    import threading

    import server.engine

    monkeypatch.setattr(kernel, "_ready", threading.Event())
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba: ImportError
    monkeypatch.setitem(sys.modules, "server.engine.compiled", None)
    monkeypatch.delattr(server.engine, "compiled")
    assert not kernel.warm_up()
    assert "Numba is unavailable" in caplog.text
    _sgd_equal_run(monkeypatch)
