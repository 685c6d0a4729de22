"""The vectorized training loop against the step-by-step engine, and on every dataset."""

import numpy as np
import pytest

from server.engine.datasets import GENERATORS, inputs_of, make_dataset, outputs_of
from server.engine.mlp import Architecture, backward, forward, init_parameters, update
from server.engine.sgd import new_cursor, train


def _setup(layers, activation="tanh", seed=0, name="sine", size=64):
    arch = Architecture(tuple(layers), activation, "sigmoid", "squared")
    rng = np.random.default_rng(seed)
    params = init_parameters(arch.layers, rng)
    data = make_dataset(name, size, 0.1, seed)
    return arch, params, data, rng


@pytest.mark.parametrize("l2", [0.0, 0.01, 0.5])
def test_training_batch_of_one_equals_the_step_by_step_engine_to_the_bit(l2: float) -> None:
    arch, params, data, rng = _setup((1, 3, 2, 1), "sigmoid")
    cursor = new_cursor(data.X, data.T, rng)
    order_X, order_T = cursor.X.copy(), cursor.T.copy()
    result = train(arch, params, data.X, data.T, steps=40, batch_size=1, learning_rate=0.7,
                   l2=l2, cursor=cursor, rng=rng)
    assert result.finite and cursor.samples == 40
    expected = params
    for s in range(40):
        x, t = order_X[s:s + 1], order_T[s:s + 1]
        expected = update(expected, backward(arch, expected, forward(arch, expected, x, t), t),
                          0.7, l2)
    assert result.params.equals(expected)


@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_training_mini_batches_follow_the_mean_gradient_and_l2(l2: float) -> None:
    arch, params, data, rng = _setup((1, 4, 1), "elu", seed=3)
    cursor = new_cursor(data.X, data.T, rng)
    X, T = cursor.X[:16].copy(), cursor.T[:16].copy()
    result = train(arch, params, data.X, data.T, steps=1, batch_size=16, learning_rate=0.3,
                   l2=l2, cursor=cursor, rng=rng)
    grads = backward(arch, params, forward(arch, params, X, T), T)
    expected = update(params, grads, 0.3, l2=l2)
    for got, want in zip((*result.params.weights, *result.params.biases),
                         (*expected.weights, *expected.biases), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-16)
    first = forward(arch, params, X, T).mean_error
    assert result.history_losses[0] == pytest.approx(first, rel=1e-13)


def test_training_epochs_visit_every_point_once() -> None:
    arch, params, data, rng = _setup((1, 2, 1), size=10)
    cursor = new_cursor(data.X, data.T, rng)
    train(arch, params, data.X, data.T, steps=4, batch_size=3, learning_rate=0.1, l2=0.0,
          cursor=cursor, rng=rng)
    # batches of 3, 3, 3 and the epoch's last point alone
    assert cursor.samples == 10 and cursor.position == 10
    assert sorted(cursor.X[:, 0].tolist()) == sorted(data.X[:, 0].tolist())


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_training_lowers_the_loss_on_every_dataset(name: str) -> None:
    n = inputs_of(name)
    layers = (1, 8, 1) if n == 1 else (n, 8, 8, outputs_of(name))
    arch, params, _, rng = _setup(layers, "tanh", seed=1)
    if outputs_of(name) > 1:  # classes, one-hot: a softmax output
        arch = Architecture(layers, "tanh", "softmax", "categorical_cross_entropy")
    data = make_dataset(name, 200, 0.1, seed=1)
    before = forward(arch, params, data.X, data.T).mean_error
    result = train(arch, params, data.X, data.T, steps=1500, batch_size=10, learning_rate=1.0,
                   l2=0.0, cursor=new_cursor(data.X, data.T, rng), rng=rng)
    after = forward(arch, result.params, data.X, data.T).mean_error
    assert result.finite
    # The spiral is hard for a small tanh network on raw coordinates (as in Playground, it
    # takes many epochs), the three-arm spiral harder still; they must still improve.
    bound = {"spiral": 0.93, "spiral3": 0.95}.get(name, 0.7)
    assert after < bound * before, (before, after)


def test_training_divergence_is_reported_not_kept() -> None:
    arch = Architecture((1, 8, 1), "relu", "linear", "squared")
    rng = np.random.default_rng(0)
    params = init_parameters(arch.layers, rng)
    X = np.full((4, 1), 1e6)
    T = np.full((4, 1), -1e6)
    result = train(arch, params, X, T, steps=200, batch_size=4, learning_rate=10.0, l2=0.0,
                   cursor=new_cursor(X, T, rng), rng=rng)
    assert not result.finite


def test_training_gradient_sizes_are_the_last_batch_mean_absolute_gradients() -> None:
    arch, params, data, rng = _setup((1, 4, 3, 1), "tanh", seed=2, size=12)
    first = train(arch, params, data.X, data.T, steps=1, batch_size=12, learning_rate=0.4,
                  l2=0.1, cursor=new_cursor(data.X, data.T, rng), rng=rng)
    # the full batch: the same mean gradient whatever the order of the epoch
    grads = backward(arch, params, forward(arch, params, data.X, data.T), data.T)
    expected = [np.mean(np.abs(dW)) for dW in grads.dE_dw]
    np.testing.assert_allclose(first.gradient_sizes, expected, rtol=1e-12)
    second = train(arch, first.params, data.X, data.T, steps=2, batch_size=12,
                   learning_rate=0.4, l2=0.1, cursor=new_cursor(data.X, data.T, rng), rng=rng)
    after_one = train(arch, first.params, data.X, data.T, steps=1, batch_size=12,
                      learning_rate=0.4, l2=0.1, cursor=new_cursor(data.X, data.T, rng),
                      rng=rng).params
    grads = backward(arch, after_one, forward(arch, after_one, data.X, data.T), data.T)
    np.testing.assert_allclose(second.gradient_sizes,
                               [np.mean(np.abs(dW)) for dW in grads.dE_dw], rtol=1e-10)
