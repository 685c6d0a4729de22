"""The training loop of sgd.py compiled with Numba, one sample at a time, for small batches.

sgd.train is the readable reference; this computes the same thing (tested equal to 1e-12 for
every activation, loss, batch size and λ) without NumPy's cost per call, which dominates when
a batch holds a few samples of a small network. Same semantics exactly: epochs shuffled by the
same draws of the same generator (drawn here, in order, before the compiled loop needs them),
a batch cut short at the end of its epoch, the loss sampled at the same steps, mean gradients,
the L2 term on weights only, and the same finite check.

The loop itself is in compiled.py, which imports Numba: `warm_up`, run by the app in a
background thread at start-up, imports it and compiles it (once per machine, then from Numba's
cache on disk); until it is ready, or if Numba is missing or fails, `train` takes the NumPy
path. A softmax output with categorical cross entropy trains on it too: the loop computes
the output layer's logits, then its softmax and the loss's dE/dx = y − t as losses.py does.
The compiled loop also returns the last mini-batch's mean |dE/dw| per layer (before its
update, without the λ·w term), for a later `gradient_sizes`.

The arrays it works on are padded to the network's own widest layer (any width the engine
allows, up to mlp.MAX_ENGINE_NODES), so that a small network's are as small as before.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from . import costs, sgd
from .activations import Array
from .mlp import Architecture, Parameters
from .optimizers import SGD, Optimizer, OptimizerState, fresh_state

log = logging.getLogger(__name__)

# The largest number of permutation entries drawn ahead of one compiled call (8 MB).
MAX_DRAWN = 1 << 20


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
                   rng: np.random.Generator, l1: float = 0.0, optimizer: Optimizer = SGD,
                   state: OptimizerState | None = None) -> CompiledResult:
    """sgd.train, compiled (the same arguments, result and effects on `cursor` and `rng`).
    Imports Numba on the first call (ImportError without it)."""
    from . import compiled

    n = X.shape[0]
    batch_size = min(batch_size, n)
    L = len(params.weights)
    if state is None:
        state = fresh_state(optimizer, arch.layers)
    width = max(arch.layers)
    W, B = _padded(params, L, width)
    M, MB = _padded(state.first, L, width)
    S, SB = _padded(state.second, L, width)
    hyper = np.array([optimizer.momentum, optimizer.beta1, optimizer.beta2, optimizer.epsilon])
    t = state.t
    layers = np.array(arch.layers, dtype=np.int64)
    codes = np.array([compiled.ACTIVATION_CODES[arch.activation_of(k + 1).name] for k in range(L)],
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
        position, samples, t = compiled.train_steps(
            W, B, layers, codes, compiled.LOSS_CODES[arch.loss], X_epoch, T_epoch, order, perms,
            position, done, end, batch_size, float(learning_rate), float(l2), stride, losses,
            gradient_sizes, float(l1), compiled.OPTIMIZER_CODES[optimizer.name], hyper, t, M,
            MB, S, SB)
        cursor.samples += samples
        done = end
    if not np.array_equal(order, np.arange(n)):
        cursor.X, cursor.T = X_epoch[order], T_epoch[order]
        if cursor.order is not None:
            cursor.order = cursor.order[order]
    cursor.position = position
    result = _unpadded(W, B, arch.layers)
    slots = optimizer.slots
    state = OptimizerState(t, _unpadded(M, MB, arch.layers) if slots >= 1 else None,
                           _unpadded(S, SB, arch.layers) if slots >= 2 else None)
    # The sizes too: every dE/dw of a layer may be finite while their sum overflows.
    finite = bool(np.isfinite(losses).all() and np.isfinite(gradient_sizes).all()
                  and result.is_finite() and state.is_finite())
    return CompiledResult(sgd.TrainResult(result, measured, losses, gradient_sizes, finite,
                                          state), gradient_sizes)


def _padded(params: Parameters | None, L: int, width: int) -> tuple[Array, Array]:
    """Weights (L, width, width) and biases (L, width), zero beyond each layer's own nodes:
    padded to the network's own widest layer (up to mlp.MAX_ENGINE_NODES), so that a small
    network's arrays are as small as ever."""
    W = np.zeros((L, width, width))
    B = np.zeros((L, width))
    if params is not None:
        for k, (weights, biases) in enumerate(zip(params.weights, params.biases, strict=True)):
            W[k, :weights.shape[0], :weights.shape[1]] = weights
            B[k, :biases.shape[0]] = biases
    return W, B


def _unpadded(W: Array, B: Array, layers: tuple[int, ...]) -> Parameters:
    return Parameters(tuple(W[k, :a, :b].copy() for k, (a, b) in enumerate(pairwise(layers))),
                      tuple(B[k, :b].copy() for k, b in enumerate(layers[1:])))


# -- which path trains ---------------------------------------------------------------------------

_ready = threading.Event()  # set once the kernel is compiled (or loaded from the cache)


def warm_up() -> bool:
    """Compile the kernel (or load it from Numba's cache) by running it once on a tiny
    problem; afterwards `train` uses it. False, logged, if Numba is missing or fails."""
    if _ready.is_set():
        return True
    started = time.perf_counter()
    try:
        from . import compiled  # noqa: F401  (imports Numba)
    except ImportError as error:
        log.warning("Numba is unavailable (%s): training runs on the NumPy engine alone", error)
        return False
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
          rng: np.random.Generator, path: costs.PathCosts | None = None, l1: float = 0.0,
          optimizer: Optimizer = SGD, state: OptimizerState | None = None) -> sgd.TrainResult:
    """sgd.train, on the compiled kernel when it is ready and faster for this batch (or on
    `path`, the one a caller's estimate already chose)."""
    if path is None:
        path = path_for(arch, min(batch_size, X.shape[0]))
    rule = {"l1": l1, "optimizer": optimizer, "state": state}
    if path is costs.COMPILED and _ready.is_set():
        return train_compiled(arch, params, X, T, steps=steps, batch_size=batch_size,
                              learning_rate=learning_rate, l2=l2, cursor=cursor, rng=rng,
                              **rule).result
    return sgd.train(arch, params, X, T, steps=steps, batch_size=batch_size,
                     learning_rate=learning_rate, l2=l2, cursor=cursor, rng=rng, **rule)
