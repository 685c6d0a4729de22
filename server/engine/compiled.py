"""The training loop of sgd.py, compiled by Numba: imported only by kernel.py, when the app
warms it up in the background (so that the app neither waits for Numba nor needs it).

Numba compiles it once per machine and caches it on disk (beside this file, or in Numba's
user-wide cache where this folder is read-only). kernel.train_compiled calls it.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from .activations import ACTIVATIONS, ELU_ALPHA, LEAKY_SLOPE
from .losses import LOSSES

# Codes the compiled loop branches on, in registry order (a name is never evaluated).
ACTIVATION_CODES = {name: code for code, name in enumerate(ACTIVATIONS)}
LOSS_CODES = {name: code for code, name in enumerate(LOSSES)}
SIGMOID, TANH, RELU, LEAKY_RELU, ELU, SOFTPLUS, LINEAR = (
    ACTIVATION_CODES[n] for n in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus",
                                  "linear"))
SQUARED, CROSS_ENTROPY = LOSS_CODES["squared"], LOSS_CODES["cross_entropy"]
# LEAKY_SLOPE and ELU_ALPHA come from activations.py: Numba reads a module's globals as
# constants when it compiles, so the compiled loop uses the very numbers NumPy's does.
LN2 = math.log(2.0)

# error_model="numpy": x/0 is ±inf or nan, as in NumPy, not an exception; nogil: the event
# loop and the other routes run while a call trains.
_jit = numba.njit(cache=True, error_model="numpy", nogil=True)


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
    if code == CROSS_ENTROPY:  # from x, as losses.py: exact when y rounds to 0 or 1
        linear = (1.0 - t) * x if x >= 0 else -t * x
        return linear + math.log1p(math.exp(-abs(x)))
    return 0.5 * (y - t) ** 2


@_jit
def _output_slope_of_error(code: int, x: float, y: float, t: float, slope: float) -> float:
    """dE/dx of an output node: cross entropy's own y − t through the sigmoid (with 1 − y as
    σ(−x), as losses.py), else f′(x)·dE/dy."""
    if code == CROSS_ENTROPY:
        return (1.0 - t) - _sigmoid(-x) if x >= 0 else _sigmoid(x) - t
    return slope * (y - t)


OPTIMIZER_CODES = {"sgd": 0, "momentum": 1, "adam": 2}
MOMENTUM, ADAM = OPTIMIZER_CODES["momentum"], OPTIMIZER_CODES["adam"]


@_jit
def _sign(w: float) -> float:
    """np.sign's: −1, 0 or 1 (and nan for nan)."""
    if w > 0.0:
        return 1.0
    if w < 0.0:
        return -1.0
    return w if w != w else 0.0


@_jit
def _optimized(code: int, p: float, g: float, first: float, second: float, alpha: float,
               beta: float, b1: float, b2: float, eps: float, step_size: float,
               root2: float) -> tuple[float, float, float]:
    """One parameter's update by optimizers.apply's rule: the new p and its state (first,
    second). Adam's step is written as PyTorch's is, α/(1 − β₁ᵗ)·m / (√s/√(1 − β₂ᵗ) + ε) with
    step_size = α/(1 − β₁ᵗ) and root2 = 1/√(1 − β₂ᵗ) computed once per update: the same
    number as apply's α·(m/(1 − β₁ᵗ))/(√(s/(1 − β₂ᵗ)) + ε) up to rounding (tested to 1e-12),
    with one division where that has three."""
    if code == MOMENTUM:
        first = beta * first + g
        return p - alpha * first, first, second
    if code == ADAM:
        first = b1 * first + (1.0 - b1) * g
        second = b2 * second + (1.0 - b2) * (g * g)
        return p - step_size * first / (math.sqrt(second) * root2 + eps), first, second
    return p - alpha * g, first, second


# -- the compiled loop ------------------------------------------------------------------------


@_jit
def train_steps(W, B, layers, codes, loss_code, X, T, order, perms, position, first_step,
                  last_step, batch_size, learning_rate, l2, stride, losses, gradient_sizes,
                  l1, optimizer, hyper, updates, M, MB, S, SB):
    """Steps first_step … last_step − 1 of a call, in place.

    W: (L, 8, 8) and B: (L, 8), the weights and biases, padded; layers: (L + 1,) node counts;
    codes: (L,) the activation code of each layer after the input. X: (n, n_0) and T:
    (n, n_L) the points of the cursor's epoch; order: (n,) the current epoch as indices into
    X (mutated); perms: (m, n) the permutations drawn for the epochs that start in these
    steps, in order. losses: (h,) filled at steps s % stride == 0; gradient_sizes: (L,) the
    last batch's mean |dE/dw| per layer. Returns the cursor's new position and the samples
    trained on.

    l1: λ₁; optimizer: its code (OPTIMIZER_CODES); hyper: (β, β₁, β₂, ε); updates: t, those the
    optimizer had made before first_step; M, MB (momentum's v or Adam's m) and S, SB (Adam's
    s): the state of the weights and biases, padded as W and B, updated in place.
    """
    plain = optimizer == 0 and l1 == 0.0
    beta, b1, b2, eps = hyper[0], hyper[1], hyper[2], hyper[3]
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
                d[j] = _output_slope_of_error(loss_code, xs[L, j], ys[L, j], t, dys[L, j])
            for k in range(L - 1, -1, -1):  # backward, with the weights of before the batch
                for j in range(layers[k + 1]):
                    # dE/dx = f′(x)·dE/dy; at the output, d already holds dE/dx
                    dx[j] = d[j] if k == L - 1 else dys[k + 1, j] * d[j]
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
        updates += 1
        step_size = learning_rate / (1.0 - b1 ** float(updates))
        root2 = 1.0 / math.sqrt(1.0 - b2 ** float(updates))
        for k in range(L):
            rate = learning_rate / size
            if s == last_step - 1:  # the last batch of this chunk (and finally of the call)
                total = 0.0
                for i in range(layers[k]):
                    for j in range(layers[k + 1]):
                        total += abs(dW[k, i, j])
                gradient_sizes[k] = total / size / (layers[k] * layers[k + 1])
            if not plain:  # optimizers.apply: g = dE/dw + λ₂·w + λ₁·sign(w), then the rule
                for i in range(layers[k]):
                    for j in range(layers[k + 1]):
                        w = W[k, i, j]
                        g = dW[k, i, j] / size + l2 * w
                        if l1 != 0.0:
                            g += l1 * _sign(w)
                        W[k, i, j], M[k, i, j], S[k, i, j] = _optimized(
                            optimizer, w, g, M[k, i, j], S[k, i, j], learning_rate, beta, b1,
                            b2, eps, step_size, root2)
                for j in range(layers[k + 1]):
                    B[k, j], MB[k, j], SB[k, j] = _optimized(
                        optimizer, B[k, j], dB[k, j] / size, MB[k, j], SB[k, j],
                        learning_rate, beta, b1, b2, eps, step_size, root2)
                continue
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
    return position, samples, updates
