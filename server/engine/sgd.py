"""Many gradient-descent steps in one call, vectorized over each mini-batch.

The loop updates its own copies of the weights in place and allocates no result objects per
step, so that batches of one (plain SGD) stay cheap. It computes what mlp.forward,
mlp.backward and mlp.update compute (for batches of one, to the last bit).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .activations import Array
from .mlp import Architecture, Parameters
from .optimizers import SGD, Optimizer, OptimizerState, fresh_state

MAX_HISTORY = 200  # loss samples returned per call, spread evenly over its steps


def spread(n: int, k: int) -> Array:
    """At most `k` indices of `n` items, spread evenly, the first and the last included."""
    return np.unique(np.linspace(0, n - 1, min(n, k)).round().astype(int))


@dataclass
class Cursor:
    """The current epoch: the training points in shuffled order, and where the next
    mini-batch starts in it."""

    X: Array  # (n, n_inputs), shuffled
    T: Array  # (n, n_outputs), shuffled alike
    position: int = 0
    samples: int = 0  # samples trained on so far, over all epochs
    order: Array | None = None  # X is the training set's X[order] (a store keeps only this)


def new_cursor(X: Array, T: Array, rng: np.random.Generator) -> Cursor:
    order = rng.permutation(X.shape[0])
    return Cursor(X[order], T[order], order=order)


@dataclass(frozen=True)
class TrainResult:
    params: Parameters
    history_steps: Array  # (h,): which of this call's steps (0-based) were measured
    history_losses: Array  # (h,): E of that step's mini-batch, before its update
    gradient_sizes: Array  # (L−1,): mean |dE/dw| of each weight layer, on the last mini-batch
    finite: bool  # False when some number overflowed: the result must not be kept
    state: OptimizerState = field(default_factory=OptimizerState)  # after the last update


def train(arch: Architecture, params: Parameters, X: Array, T: Array, *, steps: int,
          batch_size: int, learning_rate: float, l2: float, cursor: Cursor,
          rng: np.random.Generator, l1: float = 0.0, optimizer: Optimizer = SGD,
          state: OptimizerState | None = None) -> TrainResult:
    """`steps` updates on mini-batches of `batch_size` points of (X, T), drawn without
    replacement from an order reshuffled at each epoch (a batch that reaches the end of the
    epoch is cut short there). Update: optimizers.apply's, from `state` (None: fresh), with
    dE/dw and dE/db the means over the batch; for plain descent w ← w − α·(dE/dw + λ₂·w +
    λ₁·sign(w)), b ← b − α·dE/db. `cursor` advances; `params` and `state` are not mutated."""
    n = X.shape[0]
    batch_size = min(batch_size, n)
    weights = [W.copy() for W in params.weights]
    transposed = [W.T for W in weights]  # views: they follow the in-place updates
    biases = [b.copy() for b in params.biases]
    L = len(weights)
    if state is None:
        state = fresh_state(optimizer, arch.layers)
    state = state.copy()  # updated in place below
    plain = optimizer.name == "sgd"
    updates = state.t  # the optimizer's t
    fs = [arch.activation_of(k + 1).f for k in range(L)]
    dfs = [arch.activation_of(k + 1).df for k in range(L)]
    loss = arch.loss_function
    stride = max(1, -(-steps // MAX_HISTORY))
    measured = np.arange(0, steps, stride)
    losses = np.empty(measured.shape[0])
    sizes = np.zeros(L)
    last = steps - 1
    xs: list[Array] = [np.empty(0)] * L
    ys: list[Array] = [np.empty(0)] * (L + 1)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for s in range(steps):
            if cursor.position >= n:
                order = rng.permutation(n)
                cursor.X, cursor.T, cursor.position = cursor.X[order], cursor.T[order], 0
                if cursor.order is not None:
                    cursor.order = cursor.order[order]
            start = cursor.position
            y = cursor.X[start:start + batch_size]
            t = cursor.T[start:start + batch_size]
            size = y.shape[0]
            cursor.position += size
            cursor.samples += size
            ys[0] = y
            for k in range(L):
                x = y @ weights[k] + biases[k]  # x_j = Σ_i y_i·w_ij + b_j
                y = fs[k](x)
                xs[k] = x
                ys[k + 1] = y
            if s % stride == 0:
                losses[s // stride] = np.add.reduce(loss.value(xs[-1], y, t)) / size
            if loss.dE_dx is None:
                d = loss.dE_dy(xs[-1], y, t)
            for k in range(L - 1, -1, -1):
                if k == L - 1 and loss.dE_dx is not None:
                    dx = loss.dE_dx(xs[k], y, t)  # the loss's own dE/dx (cross-entropy: y − t)
                else:
                    dx = dfs[k](xs[k], ys[k + 1]) * d  # dE/dx = f′(x)·dE/dy
                if k:
                    d = dx @ transposed[k]  # dE/dy of the layer below, with the old weights
                dW = ys[k].T @ dx  # Σ over the batch of y_i·dE/dx_j
                db = np.add.reduce(dx, axis=0)
                if s == last:  # before the update, without L2: the loss's own gradient
                    sizes[k] = np.mean(np.abs(dW)) / size
                if plain and not l1:
                    if l2:
                        dW = dW / size + l2 * weights[k]
                        weights[k] -= learning_rate * dW
                    else:  # α/B·Σ: for B = 1 exactly what mlp.update computes
                        weights[k] -= (learning_rate / size) * dW
                    biases[k] -= (learning_rate / size) * db
                else:
                    gW = dW / size + l2 * weights[k]
                    if l1:
                        gW += l1 * np.sign(weights[k])
                    _step(optimizer, state, k, L, weights[k], gW, updates + 1, learning_rate)
                    _step(optimizer, state, L + k, L, biases[k], db / size, updates + 1,
                          learning_rate)
            updates += 1
    result = Parameters(tuple(weights), tuple(biases))
    state = OptimizerState(updates, state.first, state.second)
    finite = bool(np.isfinite(losses).all() and np.isfinite(sizes).all() and result.is_finite()
                  and state.is_finite())
    return TrainResult(result, measured, losses, sizes, finite, state)


def _step(optimizer: Optimizer, state: OptimizerState, index: int, L: int, p: Array, g: Array,
          t: int, alpha: float) -> None:
    """One parameter array's update in place (optimizers.apply's arithmetic, operation for
    operation): p is weights[index] for index < L, else biases[index − L]; its slots in
    `state` are updated in place too."""
    if optimizer.name == "sgd":
        p -= alpha * g
        return
    assert state.first is not None
    first = state.first.weights[index] if index < L else state.first.biases[index - L]
    if optimizer.name == "momentum":
        first *= optimizer.momentum
        first += g
        p -= alpha * first
        return
    assert state.second is not None
    second = state.second.weights[index] if index < L else state.second.biases[index - L]
    b1, b2 = optimizer.beta1, optimizer.beta2
    first *= b1
    first += (1.0 - b1) * g
    second *= b2
    second += (1.0 - b2) * (g * g)
    p -= alpha * (first / (1.0 - b1 ** t)) / (np.sqrt(second / (1.0 - b2 ** t))
                                             + optimizer.epsilon)
