"""The training loop of sgd.py compiled with Numba, one sample at a time, for small batches.

sgd.train is the readable reference; this computes the same thing (tested equal to 1e-12 for
every activation, loss, batch size and λ) without NumPy's cost per call, which dominates when
a batch holds a few samples of a small network. Same semantics exactly: epochs shuffled by the
same draws of the same generator (drawn here, in order, before the compiled loop needs them),
a batch cut short at the end of its epoch, the loss sampled at the same steps, mean gradients,
the L2 term on weights only, and the same finite check.

The kernel is compiled once per machine (cached on disk beside this file) by `warm_up`, which
the app runs in a background thread at start-up; until it is ready, or if Numba is missing or
fails, `train` takes the NumPy path. The compiled loop also returns the last mini-batch's mean
|dE/dw| per layer (before its update, without the λ·w term), for a later `gradient_sizes`.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from . import costs, sgd
from .activations import ACTIVATIONS, Array
from .losses import LOSSES
from .mlp import MAX_NODES, Architecture, Parameters

log = logging.getLogger(__name__)

# Codes the compiled loop branches on, in registry order (a name is never evaluated).
ACTIVATION_CODES = {name: code for code, name in enumerate(ACTIVATIONS)}
LOSS_CODES = {name: code for code, name in enumerate(LOSSES)}
SIGMOID, TANH, RELU, LEAKY_RELU, ELU, SOFTPLUS, LINEAR = (
    ACTIVATION_CODES[n] for n in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus",
                                  "linear"))
SQUARED, CROSS_ENTROPY = LOSS_CODES["squared"], LOSS_CODES["cross_entropy"]
LEAKY_SLOPE, ELU_ALPHA = 0.01, 1.0  # as in activations.py (checked by the tests)
LN2 = math.log(2.0)

# The largest number of permutation entries drawn ahead of one compiled call (8 MB).
MAX_DRAWN = 1 << 20

try:
    import numba
except ImportError:  # pragma: no cover - numba is a dependency, but the app runs without it
    numba = None


def _jit(function):  # type: ignore[no-untyped-def]
    """Numba's njit when available; the plain function otherwise (never called then)."""
    if numba is None:
        return function
    # error_model="numpy": x/0 is ±inf or nan, as in NumPy, not an exception.
    return numba.njit(cache=True, error_model="numpy", nogil=True)(function)


# -- the scalar versions of activations.py and losses.py -----------------------------------------


@_jit
def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))  # scipy's expit


@_jit
def _f_df(code: int, x: float) -> tuple[float, float]:
    """y = f(x) and f′(x), as activations.py computes them, sharing one exp where the
    formulas allow (σ(−x) = e^−x·σ(x))."""
    if code == SIGMOID:
        e = math.exp(-x)
        y = 1.0 / (1.0 + e)
        return y, (y * (e * y) if y > 0.0 else 0.0)  # y·σ(−x); e = ∞ gives y = 0
    if code == TANH:
        y = math.tanh(x)
        return y, 1.0 - y * y
    if code == RELU:
        return (x if x > 0.0 or x != x else 0.0), (1.0 if x > 0.0 else 0.0)
    if code == LEAKY_RELU:
        return (x if x > 0.0 else LEAKY_SLOPE * x), (1.0 if x > 0.0 else LEAKY_SLOPE)
    if code == ELU:
        if x > 0.0:
            return x, 1.0
        if x != x:
            return x, x
        return ELU_ALPHA * math.expm1(x), ELU_ALPHA * math.exp(x)  # e^x, not y + 1
    if code == SOFTPLUS:  # logaddexp(0, x) and σ(x), branch for branch
        if x == 0.0:
            return LN2, 0.5
        if x < 0.0:
            e = math.exp(x)
            return math.log1p(e), e / (1.0 + e)
        if x > 0.0:
            e = math.exp(-x)
            return x + math.log1p(e), 1.0 / (1.0 + e)
        return x, x  # nan
    return x, 1.0  # linear


@_jit
def _loss(code: int, x: float, y: float, t: float) -> float:
    if code == CROSS_ENTROPY:
        return _f_df(SOFTPLUS, x)[0] - t * x  # from x, exact when y rounds to 0 or 1
    return 0.5 * (y - t) ** 2


@_jit
def _loss_derivative(code: int, x: float, y: float, t: float) -> float:
    if code == CROSS_ENTROPY:
        return (y - t) / (_sigmoid(x) * _sigmoid(-x))
    return y - t


# -- the compiled loop ------------------------------------------------------------------------


@_jit
def _train_kernel(W, B, layers, codes, loss_code, X, T, order, perms, position, first_step,
                  last_step, batch_size, learning_rate, l2, stride, losses, gradient_sizes):
    """Steps first_step … last_step − 1 of a call, in place.

    W: (L, 8, 8) and B: (L, 8), the weights and biases, padded; layers: (L + 1,) node counts;
    codes: (L,) the activation code of each layer after the input. X: (n, n_0) and T:
    (n, n_L) the points of the cursor's epoch; order: (n,) the current epoch as indices into
    X (mutated); perms: (m, n) the permutations drawn for the epochs that start in these
    steps, in order. losses: (h,) filled at steps s % stride == 0; gradient_sizes: (L,) the
    last batch's mean |dE/dw| per layer. Returns the cursor's new position and the samples
    trained on.
    """
    n = X.shape[0]
    L = W.shape[0]
    width = W.shape[1]
    xs = np.empty((L + 1, width))  # x of every layer, for one sample
    ys = np.empty((L + 1, width))
    dys = np.empty((L + 1, width))  # f′(x), computed with y
    d = np.empty(width)  # dE/dy of the layer being walked
    dx = np.empty(width)
    dW = np.empty_like(W)  # Σ over the batch of y_i·dE/dx_j
    dB = np.empty_like(B)
    shuffled = 0
    samples = 0
    for s in range(first_step, last_step):
        if position >= n:  # a new epoch: order ← order[perm], as sgd does X ← X[perm]
            perm = perms[shuffled]
            shuffled += 1
            previous = order.copy()
            for i in range(n):
                order[i] = previous[perm[i]]
            position = 0
        size = min(batch_size, n - position)
        for k in range(L):  # only the layers' own part of the padded arrays
            for j in range(layers[k + 1]):
                dB[k, j] = 0.0
                for i in range(layers[k]):
                    dW[k, i, j] = 0.0
        measured = s % stride == 0
        error = 0.0
        for p in range(position, position + size):
            row = order[p]
            for i in range(layers[0]):
                ys[0, i] = X[row, i]
            for k in range(L):  # forward: x_j = Σ_i y_i·w_ij + b_j, y_j = f(x_j)
                for j in range(layers[k + 1]):
                    x = 0.0
                    for i in range(layers[k]):
                        x += ys[k, i] * W[k, i, j]
                    x += B[k, j]
                    xs[k + 1, j] = x
                    ys[k + 1, j], dys[k + 1, j] = _f_df(codes[k], x)
            for j in range(layers[L]):
                t = T[row, j]
                if measured:
                    error += _loss(loss_code, xs[L, j], ys[L, j], t)
                d[j] = _loss_derivative(loss_code, xs[L, j], ys[L, j], t)
            for k in range(L - 1, -1, -1):  # backward, with the weights of before the batch
                for j in range(layers[k + 1]):
                    dx[j] = dys[k + 1, j] * d[j]  # dE/dx = f′(x)·dE/dy
                    dB[k, j] += dx[j]
                for i in range(layers[k]):
                    y = ys[k, i]
                    if k:
                        below = 0.0
                        for j in range(layers[k + 1]):
                            dW[k, i, j] += y * dx[j]
                            below += W[k, i, j] * dx[j]
                        d[i] = below  # dE/dy of the layer below
                    else:
                        for j in range(layers[k + 1]):
                            dW[k, i, j] += y * dx[j]
        if measured:
            losses[s // stride] = error / size
        for k in range(L):
            rate = learning_rate / size
            if s == last_step - 1:  # the last batch of this chunk (and finally of the call)
                total = 0.0
                for i in range(layers[k]):
                    for j in range(layers[k + 1]):
                        total += abs(dW[k, i, j])
                gradient_sizes[k] = total / size / (layers[k] * layers[k + 1])
            for i in range(layers[k]):
                for j in range(layers[k + 1]):
                    if l2:
                        W[k, i, j] -= learning_rate * (dW[k, i, j] / size + l2 * W[k, i, j])
                    else:
                        W[k, i, j] -= rate * dW[k, i, j]
            for j in range(layers[k + 1]):
                B[k, j] -= rate * dB[k, j]
        position += size
        samples += size
    return position, samples


# -- the call -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledResult:
    result: sgd.TrainResult
    gradient_sizes: Array  # (L,): the last mini-batch's mean |dE/dw| per layer, before its update


def _reshuffles(position: int, n: int, batch_size: int, steps: int) -> int:
    """How many epochs start during `steps` steps from `position` (sgd's cursor rule)."""
    left = 0 if position >= n else -(-(n - position) // batch_size)  # steps of this epoch
    per_epoch = -(-n // batch_size)
    return max(0, -(-(steps - left) // per_epoch))


def train_compiled(arch: Architecture, params: Parameters, X: Array, T: Array, *, steps: int,
                   batch_size: int, learning_rate: float, l2: float, cursor: sgd.Cursor,
                   rng: np.random.Generator) -> CompiledResult:
    """sgd.train, compiled (the same arguments, result and effects on `cursor` and `rng`)."""
    n = X.shape[0]
    batch_size = min(batch_size, n)
    L = len(params.weights)
    W = np.zeros((L, MAX_NODES, MAX_NODES))
    B = np.zeros((L, MAX_NODES))
    for k, (weights, biases) in enumerate(zip(params.weights, params.biases, strict=True)):
        W[k, :weights.shape[0], :weights.shape[1]] = weights
        B[k, :biases.shape[0]] = biases
    layers = np.array(arch.layers, dtype=np.int64)
    codes = np.array([ACTIVATION_CODES[arch.activation_of(k + 1).name] for k in range(L)],
                     dtype=np.int64)
    stride = max(1, -(-steps // sgd.MAX_HISTORY))
    measured = np.arange(0, steps, stride)
    losses = np.empty(measured.shape[0])
    gradient_sizes = np.zeros(L)
    order = np.arange(n)
    X_epoch = np.ascontiguousarray(cursor.X, dtype=np.float64)
    T_epoch = np.ascontiguousarray(cursor.T, dtype=np.float64)
    position, done = cursor.position, 0
    per_epoch = -(-n // batch_size)
    while done < steps:
        # Draw the permutations of the epochs starting in the next chunk of steps, in order,
        # then run that chunk: the same draws, at most MAX_DRAWN entries held at once.
        count = min(_reshuffles(position, n, batch_size, steps - done), max(1, MAX_DRAWN // n))
        left = 0 if position >= n else -(-(n - position) // batch_size)
        end = steps if count == 0 else min(steps, done + left + count * per_epoch)
        perms = np.empty((count, n), dtype=np.int64)
        for m in range(count):
            perms[m] = rng.permutation(n)
        position, samples = _train_kernel(
            W, B, layers, codes, LOSS_CODES[arch.loss], X_epoch, T_epoch, order, perms,
            position, done, end, batch_size, float(learning_rate), float(l2), stride, losses,
            gradient_sizes)
        cursor.samples += samples
        done = end
    if not np.array_equal(order, np.arange(n)):
        cursor.X, cursor.T = X_epoch[order], T_epoch[order]
    cursor.position = position
    weights = tuple(W[k, :a, :b].copy() for k, (a, b) in enumerate(pairwise(arch.layers)))
    biases = tuple(B[k, :b].copy() for k, b in enumerate(arch.layers[1:]))
    result = Parameters(weights, biases)
    finite = bool(np.isfinite(losses).all() and result.is_finite())
    return CompiledResult(sgd.TrainResult(result, measured, losses, finite), gradient_sizes)


# -- which path trains ---------------------------------------------------------------------------

_ready = threading.Event()  # set once the kernel is compiled (or loaded from the cache)


def warm_up() -> bool:
    """Compile the kernel (or load it from Numba's cache) by running it once on a tiny
    problem; afterwards `train` uses it. False, logged, if Numba is missing or fails."""
    if numba is None:
        log.warning("numba is not installed: training runs on the NumPy engine alone")
        return False
    if _ready.is_set():
        return True
    started = time.perf_counter()
    try:
        arch = Architecture((1, 1), "sigmoid", "sigmoid", "squared")
        params = Parameters((np.ones((1, 1)),), (np.zeros(1),))
        X = np.zeros((2, 1))
        rng = np.random.default_rng(0)
        train_compiled(arch, params, X, X, steps=3, batch_size=1, learning_rate=0.1, l2=0.0,
                       cursor=sgd.new_cursor(X, X, rng), rng=rng)
    except Exception:
        log.exception("the compiled training kernel failed: training runs on NumPy alone")
        return False
    _ready.set()
    log.info("the compiled training kernel is ready (%.2f s)", time.perf_counter() - started)
    return True


def is_ready() -> bool:
    return _ready.is_set()


def path_for(arch: Architecture, batch_size: int) -> costs.PathCosts:
    """The path `train` takes for this batch: the compiled one once it is ready, if its
    estimated cost is the lower (NumPy's vectorized loop wins on large batches of cheap
    activations, the compiled loop everywhere else)."""
    if _ready.is_set() and (costs.seconds(arch, 1, batch_size, costs.COMPILED)
                            < costs.seconds(arch, 1, batch_size, costs.NUMPY)):
        return costs.COMPILED
    return costs.NUMPY


def train(arch: Architecture, params: Parameters, X: Array, T: Array, *, steps: int,
          batch_size: int, learning_rate: float, l2: float, cursor: sgd.Cursor,
          rng: np.random.Generator) -> sgd.TrainResult:
    """sgd.train, on the compiled kernel when it is ready and faster for this batch."""
    if path_for(arch, min(batch_size, X.shape[0])) is costs.COMPILED:
        return train_compiled(arch, params, X, T, steps=steps, batch_size=batch_size,
                              learning_rate=learning_rate, l2=l2, cursor=cursor, rng=rng).result
    return sgd.train(arch, params, X, T, steps=steps, batch_size=batch_size,
                     learning_rate=learning_rate, l2=l2, cursor=cursor, rng=rng)
