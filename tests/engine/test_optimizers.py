"""The optimizers (sgd, momentum, Adam) and L1: the reference rule against a plain restatement
of the published update rules, one number at a time; sgd.train and the compiled kernel against
the reference; the regularized gradient against central finite differences; and, when PyTorch
is installed (BACKPROP_TORCH_PYTHON names its Python), against torch.optim in float64."""

from __future__ import annotations

import json
import math
import os
import subprocess
import textwrap

import numpy as np
import pytest

from server.engine import kernel, optimizers, sgd
from server.engine.mlp import Architecture, Parameters, backward, forward, init_parameters
from server.engine.optimizers import Optimizer, OptimizerState, apply, fresh_state

RULES = [
    Optimizer("sgd"),
    Optimizer("momentum", momentum=0.9),
    Optimizer("momentum", momentum=0.5),
    Optimizer("adam"),
    Optimizer("adam", beta1=0.8, beta2=0.99, epsilon=1e-6),
]
REGULARIZATION = [(0.0, 0.0), (0.01, 0.0), (0.0, 0.02), (0.01, 0.02)]  # (λ₂, λ₁)
STEPS = 20


def _ids(rule: Optimizer) -> str:
    return f"{rule.name}-{rule.momentum}-{rule.beta1}-{rule.beta2}-{rule.epsilon}"


def _problem(layers=(2, 3, 2), seed=0, points=12, init="glorot_uniform"):
    arch = Architecture(layers, "tanh", "sigmoid", "squared")
    rng = np.random.default_rng(seed)
    params = init_parameters(arch.layers, rng, init)
    X = rng.uniform(-1, 1, (points, layers[0]))
    T = rng.uniform(0, 1, (points, layers[-1]))
    return arch, params, X, T


def _restated(w: float, g: float, state: dict, rule: Optimizer, alpha: float) -> float:
    """One scalar parameter's update, written from the papers (Polyak's heavy ball as
    PyTorch's SGD writes it; Kingma & Ba's Algorithm 1), with Python floats only."""
    if rule.name == "sgd":
        return w - alpha * g
    if rule.name == "momentum":
        state["v"] = rule.momentum * state.get("v", 0.0) + g
        return w - alpha * state["v"]
    t = state["t"]
    state["m"] = rule.beta1 * state.get("m", 0.0) + (1 - rule.beta1) * g
    state["s"] = rule.beta2 * state.get("s", 0.0) + (1 - rule.beta2) * g * g
    m_hat = state["m"] / (1 - rule.beta1 ** t)
    s_hat = state["s"] / (1 - rule.beta2 ** t)
    return w - alpha * m_hat / (math.sqrt(s_hat) + rule.epsilon)


def _sign(w: float) -> float:
    return float(w > 0) - float(w < 0)


def _trajectory_restated(arch, params, X, T, rule, alpha, l2, l1, steps):
    """Full-batch steps, each parameter updated by _restated from its own gradient."""
    weights = [W.copy() for W in params.weights]
    biases = [b.copy() for b in params.biases]
    states: dict = {}
    for t in range(1, steps + 1):
        grads = backward(arch, Parameters(tuple(weights), tuple(biases)),
                         forward(arch, Parameters(tuple(weights), tuple(biases)), X, T), T)
        for k, W in enumerate(weights):
            for (i, j), w in np.ndenumerate(W):
                w = float(w)
                g = float(grads.dE_dw[k][i, j]) + l2 * w + l1 * _sign(w)
                state = states.setdefault(("w", k, i, j), {})
                state["t"] = t
                W[i, j] = _restated(float(w), g, state, rule, alpha)
        for k, b in enumerate(biases):
            for j, value in enumerate(b):
                state = states.setdefault(("b", k, j), {})
                state["t"] = t
                b[j] = _restated(float(value), float(grads.dE_db[k][j]), state, rule, alpha)
    return Parameters(tuple(weights), tuple(biases))


def _trajectory_reference(arch, params, X, T, rule, alpha, l2, l1, steps):
    state = None
    for _ in range(steps):
        grads = backward(arch, params, forward(arch, params, X, T), T)
        params, state = apply(params, grads.dE_dw, grads.dE_db, learning_rate=alpha, l2=l2,
                              l1=l1, optimizer=rule, state=state)
    return params, state


def _assert_params_close(a: Parameters, b: Parameters, tol=1e-12) -> None:
    for x, y in zip((*a.weights, *a.biases), (*b.weights, *b.biases), strict=True):
        np.testing.assert_allclose(x, y, rtol=tol, atol=tol)


@pytest.mark.parametrize("rule", RULES, ids=_ids)
@pytest.mark.parametrize("l2,l1", REGULARIZATION)
def test_each_optimizer_follows_its_published_rule_for_20_steps(rule, l2, l1) -> None:
    arch, params, X, T = _problem()
    want = _trajectory_restated(arch, params, X, T, rule, 0.1, l2, l1, STEPS)
    got, state = _trajectory_reference(arch, params, X, T, rule, 0.1, l2, l1, STEPS)
    _assert_params_close(got, want)
    assert state.t == STEPS
    assert (state.first is None) == (rule.name == "sgd")
    assert (state.second is None) == (rule.name != "adam")


def test_plain_descent_is_unchanged_to_the_bit() -> None:
    """apply with sgd computes w − α·(dE/dw + λ·w) and b − α·dE/db exactly as before."""
    arch, params, X, T = _problem()
    grads = backward(arch, params, forward(arch, params, X, T), T)
    new, _ = apply(params, grads.dE_dw, grads.dE_db, learning_rate=0.3, l2=0.01)
    for W, dW, got in zip(params.weights, grads.dE_dw, new.weights, strict=True):
        np.testing.assert_array_equal(got, W - 0.3 * (dW + 0.01 * W))
    for b, db, got in zip(params.biases, grads.dE_db, new.biases, strict=True):
        np.testing.assert_array_equal(got, b - 0.3 * db)


def test_adam_first_step_moves_every_parameter_by_about_alpha() -> None:
    """With m̂ = g and ŝ = g² at t = 1, Adam's first step is α·g/(|g| + ε): α in size."""
    arch, params, X, T = _problem()
    grads = backward(arch, params, forward(arch, params, X, T), T)
    new, state = apply(params, grads.dE_dw, grads.dE_db, learning_rate=0.01,
                       optimizer=Optimizer("adam"))
    for before, after, g in zip(params.weights, new.weights, grads.dE_dw, strict=True):
        np.testing.assert_allclose(np.abs(before - after), 0.01 * np.abs(g) / (np.abs(g) + 1e-8),
                                   rtol=1e-9)
    assert state.t == 1


def test_regularized_gradient_matches_central_differences() -> None:
    """g = ∂/∂w [E + λ₂/2·Σw² + λ₁·Σ|w|], away from w = 0, against central differences."""
    arch, params, X, T = _problem(seed=3)
    l2, l1, h = 0.03, 0.02, 1e-6

    def objective(p: Parameters) -> float:
        E = float(np.mean(forward(arch, p, X, T).error))
        return E + sum(l2 / 2 * float(np.sum(W * W)) + l1 * float(np.sum(np.abs(W)))
                       for W in p.weights)

    grads = backward(arch, params, forward(arch, params, X, T), T)
    for k, W in enumerate(params.weights):
        analytic = optimizers.regularized(W, grads.dE_dw[k], l2, l1)
        for (i, j), w in np.ndenumerate(W):
            assert abs(w) > 10 * h
            values = []
            for delta in (h, -h):
                p = params.copy()
                p.weights[k][i, j] = w + delta
                values.append(objective(p))
            numeric = (values[0] - values[1]) / (2 * h)
            assert abs(numeric - analytic[i, j]) < 1e-8, (k, i, j)


def test_l1_leaves_a_zero_weight_at_zero() -> None:
    """sign(0) = 0: at w = 0 L1 adds nothing, and a weight whose ∂E/∂w is 0 stays at 0."""
    W = np.array([[0.0, 0.5, -0.5]])
    dW = np.zeros_like(W)
    np.testing.assert_array_equal(optimizers.regularized(W, dW, 0.0, 0.1), [[0.0, 0.1, -0.1]])


@pytest.mark.parametrize("rule", RULES, ids=_ids)
@pytest.mark.parametrize("l2,l1", [(0.0, 0.0), (0.01, 0.02)])
@pytest.mark.parametrize("batch", [1, 5, 12])
def test_sgd_train_and_the_kernel_equal_the_reference(rule, l2, l1, batch) -> None:
    """sgd.train and the compiled kernel over 3 epochs and a bit equal the reference rule
    applied to the same mini-batches (batch 1 and the full batch: in order of the cursor)."""
    assert kernel.warm_up()
    arch, params, X, T = _problem(points=12)
    steps = 3 * -(-12 // batch) + 2
    results = []
    for train in (sgd.train, lambda *a, **k: kernel.train_compiled(*a, **k).result):
        rng = np.random.default_rng(7)
        cursor = sgd.new_cursor(X, T, rng)
        results.append(train(arch, params, X, T, steps=steps, batch_size=batch,
                             learning_rate=0.05, l2=l2, l1=l1, optimizer=rule,
                             state=None, cursor=cursor, rng=rng))
    numpy_result, compiled_result = results
    assert numpy_result.finite and compiled_result.finite
    _assert_params_close(compiled_result.params, numpy_result.params)
    assert compiled_result.state.t == numpy_result.state.t == steps
    for a, b in zip(compiled_result.state.arrays(), numpy_result.state.arrays(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    # the reference, replaying the same batches: sgd.train's own cursor order
    rng = np.random.default_rng(7)
    cursor = sgd.new_cursor(X, T, rng)
    p, state = params, None
    for _ in range(steps):
        if cursor.position >= 12:
            order = rng.permutation(12)
            cursor.X, cursor.T, cursor.position = cursor.X[order], cursor.T[order], 0
        xb = cursor.X[cursor.position:cursor.position + batch]
        tb = cursor.T[cursor.position:cursor.position + batch]
        cursor.position += xb.shape[0]
        grads = backward(arch, p, forward(arch, p, xb, tb), tb)
        p, state = apply(p, grads.dE_dw, grads.dE_db, learning_rate=0.05, l2=l2, l1=l1,
                         optimizer=rule, state=state)
    _assert_params_close(numpy_result.params, p)


@pytest.mark.parametrize("rule", RULES[1:], ids=_ids)
def test_training_continues_from_a_given_state(rule) -> None:
    """Two calls of 7 and 8 steps, the second from the first's state, equal one of 15."""
    assert kernel.warm_up()
    arch, params, X, T = _problem()
    for train in (sgd.train, lambda *a, **k: kernel.train_compiled(*a, **k).result):
        rng = np.random.default_rng(1)
        cursor = sgd.new_cursor(X, T, rng)
        whole = train(arch, params, X, T, steps=15, batch_size=4, learning_rate=0.05, l2=0.0,
                      optimizer=rule, cursor=cursor, rng=rng)
        rng = np.random.default_rng(1)
        cursor = sgd.new_cursor(X, T, rng)
        first = train(arch, params, X, T, steps=7, batch_size=4, learning_rate=0.05, l2=0.0,
                      optimizer=rule, cursor=cursor, rng=rng)
        second = train(arch, first.params, X, T, steps=8, batch_size=4, learning_rate=0.05,
                       l2=0.0, optimizer=rule, state=first.state, cursor=cursor, rng=rng)
        _assert_params_close(second.params, whole.params)
        assert second.state.t == 15


def test_state_is_not_mutated_by_training() -> None:
    arch, params, X, T = _problem()
    state = fresh_state(Optimizer("adam"), arch.layers)
    before = state.copy()
    rng = np.random.default_rng(0)
    sgd.train(arch, params, X, T, steps=5, batch_size=3, learning_rate=0.1, l2=0.0,
              optimizer=Optimizer("adam"), state=state, cursor=sgd.new_cursor(X, T, rng),
              rng=rng)
    for a, b in zip(state.arrays(), before.arrays(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert state.t == 0


def test_a_diverging_state_is_reported() -> None:
    """α·v beyond float64 (v = 1e308, α = 10): the result is marked not finite."""
    arch, params, X, T = _problem()
    rng = np.random.default_rng(0)
    huge = OptimizerState(0, Parameters(tuple(np.full(W.shape, 1e308) for W in params.weights),
                                        tuple(np.full(b.shape, 1e308) for b in params.biases)))
    result = sgd.train(arch, params, X, T, steps=2, batch_size=3, learning_rate=10.0, l2=0.0,
                       optimizer=Optimizer("momentum", momentum=0.99), state=huge,
                       cursor=sgd.new_cursor(X, T, rng), rng=rng)
    assert not result.finite


TORCH = os.environ.get("BACKPROP_TORCH_PYTHON")


@pytest.mark.skipif(not TORCH, reason="needs PyTorch: set BACKPROP_TORCH_PYTHON to a Python "
                                      "that has torch installed")
@pytest.mark.parametrize("rule", RULES, ids=_ids)
@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_each_optimizer_equals_torch_optim(rule, l2) -> None:
    """20 full-batch steps of PyTorch's SGD / SGD(momentum) / Adam in float64, with weight
    decay λ₂ on the weights only (a parameter group each), against apply's."""
    arch, params, X, T = _problem()
    alpha = 0.1
    want, _ = _trajectory_reference(arch, params, X, T, rule, alpha, l2, 0.0, STEPS)
    make = {"sgd": "torch.optim.SGD(groups, lr=ALPHA)",
            "momentum": f"torch.optim.SGD(groups, lr=ALPHA, momentum={rule.momentum!r})",
            "adam": f"torch.optim.Adam(groups, lr=ALPHA, betas=({rule.beta1!r}, "
                    f"{rule.beta2!r}), eps={rule.epsilon!r})"}[rule.name]
    script = textwrap.dedent(f"""
        import json, sys, torch
        data = json.load(sys.stdin)
        ALPHA = {alpha!r}
        W = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in data["W"]]
        B = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in data["B"]]
        X = torch.tensor(data["X"], dtype=torch.float64)
        T = torch.tensor(data["T"], dtype=torch.float64)
        groups = [{{"params": W, "weight_decay": {l2!r}}}, {{"params": B, "weight_decay": 0.0}}]
        opt = {make}
        for _ in range({STEPS}):
            opt.zero_grad()
            y = X
            for k in range(len(W)):
                x = y @ W[k] + B[k]
                y = torch.tanh(x) if k < len(W) - 1 else torch.sigmoid(x)
            E = (0.5 * ((y - T) ** 2).sum(dim=1)).mean()
            E.backward()
            opt.step()
        print(json.dumps({{"W": [w.tolist() for w in W], "B": [b.tolist() for b in B]}}))
    """)
    data = {"W": [W.tolist() for W in params.weights], "B": [b.tolist() for b in params.biases],
            "X": X.tolist(), "T": T.tolist()}
    out = subprocess.run([TORCH, "-c", script], input=json.dumps(data), capture_output=True,
                         text=True, timeout=120, check=True)
    got = json.loads(out.stdout)
    _assert_params_close(Parameters(tuple(np.array(w) for w in got["W"]),
                                    tuple(np.array(b) for b in got["B"])), want)
