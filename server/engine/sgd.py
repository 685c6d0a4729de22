"""Many gradient-descent steps in one call, vectorized over each mini-batch.

The loop updates its own copies of the weights in place and allocates no result objects per
step, so that batches of one (plain SGD) stay cheap. It computes what mlp.forward,
mlp.backward and mlp.update compute (for batches of one, to the last bit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import Array
from .mlp import Architecture, Parameters

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


def train(arch: Architecture, params: Parameters, X: Array, T: Array, *, steps: int,
          batch_size: int, learning_rate: float, l2: float, cursor: Cursor,
          rng: np.random.Generator) -> TrainResult:
    """`steps` updates on mini-batches of `batch_size` points of (X, T), drawn without
    replacement from an order reshuffled at each epoch (a batch that reaches the end of the
    epoch is cut short there). Update: w ← w − α·(dE/dw + λ·w), b ← b − α·dE/db, with dE/dw
    and dE/db the means over the batch. `cursor` advances; `params` is not mutated."""
    n = X.shape[0]
    batch_size = min(batch_size, n)
    weights = [W.copy() for W in params.weights]
    transposed = [W.T for W in weights]  # views: they follow the in-place updates
    biases = [b.copy() for b in params.biases]
    L = len(weights)
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
                if l2:
                    dW = dW / size + l2 * weights[k]
                    weights[k] -= learning_rate * dW
                else:  # α/B·Σ: for B = 1 exactly what mlp.update computes
                    weights[k] -= (learning_rate / size) * dW
                biases[k] -= (learning_rate / size) * db
    result = Parameters(tuple(weights), tuple(biases))
    finite = bool(np.isfinite(losses).all() and np.isfinite(sizes).all() and result.is_finite())
    return TrainResult(result, measured, losses, sizes, finite)
