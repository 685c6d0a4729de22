"""The training loop of sgd.py, compiled by Numba: imported only by kernel.py, when the app
warms it up in the background (so that the app neither waits for Numba nor needs it).

Numba compiles it once per machine and caches it on disk (beside this file, or in Numba's
user-wide cache where this folder is read-only). kernel.train_compiled calls it.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from .activations import ALL_ACTIVATIONS, ELU_ALPHA, LEAKY_SLOPE
from .losses import LOSSES

# Codes the compiled loop branches on, in registry order (a name is never evaluated).
ACTIVATION_CODES = {name: code for code, name in enumerate(ALL_ACTIVATIONS)}
LOSS_CODES = {name: code for code, name in enumerate(LOSSES)}
SIGMOID, TANH, RELU, LEAKY_RELU, ELU, SOFTPLUS, LINEAR, SOFTMAX = (
    ACTIVATION_CODES[n] for n in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus",
                                  "linear", "softmax"))
SQUARED, CROSS_ENTROPY, CATEGORICAL = (
    LOSS_CODES[n] for n in ("squared", "cross_entropy", "categorical_cross_entropy"))
# LEAKY_SLOPE and ELU_ALPHA come from activations.py: Numba reads a module's globals as
# constants when it compiles, so the compiled loop uses the very numbers NumPy's does.
LN2 = math.log(2.0)

# error_model="numpy": x/0 is ±inf or nan, as in NumPy, not an exception; nogil: the event
# loop and the other routes run while a call trains.
_jit = numba.njit(cache=True, error_model="numpy", nogil=True)
_inlined = numba.njit(cache=True, error_model="numpy", nogil=True, inline="always")


# -- the scalar versions of activations.py and losses.py -----------------------------------------


@_jit
def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))  # scipy's expit


@_inlined
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


@_jit
def _softmax(x, y, n: int) -> tuple[int, float, float]:
    """y[:n] = softmax(x[:n]), as activations.softmax computes it: e^(x_j − m) / Σ e^(x_j − m)
    with m the largest x. Returns (top, m, rest): the index of that x (the first of equals,
    or the first NaN, as np.argmax), m itself (NaN if any x is, as np.max), and
    Σ_{j≠top} e^(x_j − m), log_softmax's ln y_k = (x_k − m) − ln(1 + rest)."""
    top, m = 0, x[0]
    if m == m:
        for j in range(1, n):
            v = x[j]
            if v != v:
                top, m = j, v
                break
            if v > m:
                top, m = j, v
    total = 0.0
    rest = 0.0
    for j in range(n):
        e = math.exp(x[j] - m)
        y[j] = e
        total += e
        if j != top:
            rest += e
    for j in range(n):
        y[j] /= total
    return top, m, rest


@_jit
def _categorical(x, y, t, d, n: int, top: int, m: float, rest: float, measured: bool) -> float:
    """Categorical cross entropy of one sample after _softmax (losses.py's arithmetic): fills
    d[:n] with dE/dx = y − t (at the largest logit, (1 − t) − Σ_{j≠top} y_j, which keeps its
    digits when y rounds to 1) and returns E = −Σ t_k·ln y_k from the logits if `measured`
    (else 0)."""
    others = 0.0
    for j in range(n):
        d[j] = y[j] - t[j]
        if j != top:
            others += y[j]
    d[top] = (1.0 - t[top]) - others
    if not measured:
        return 0.0
    log_total = math.log1p(rest)
    error = 0.0
    for j in range(n):
        error += t[j] * ((x[j] - m) - log_total)
    return 0.0 - error


# The forward pass computes a layer of this many nodes or more row by row (vectorized), a
# narrower one node by node: measured on whole networks (2026-12-03), row by row everywhere
# slowed 1-2-2-1 by about 10 % and sped networks of 8-node layers up by 10 to 30 %.
ROWS_FROM = 8


# -- the compiled loop ------------------------------------------------------------------------


@_jit
def train_steps(W, B, layers, codes, loss_code, X, T, order, perms, position, first_step,
                last_step, batch_size, learning_rate, l2, stride, losses, gradient_sizes,
                l1, optimizer, hyper, updates, M, MB, S, SB):
    """Steps first_step … last_step − 1 of a call, in place.

    W: (L, w, w) and B: (L, w), the weights and biases, padded to w nodes (the widest
    layer's); layers: (L + 1,) node counts; codes: (L,) the activation code of each layer
    after the input (SOFTMAX only for the output, with the categorical loss). X: (n, n_0) and
    T: (n, n_L) the points of the cursor's epoch; order: (n,) the current epoch as indices
    into X (mutated); perms: (m, n) the permutations drawn for the epochs that start in these
    steps, in order. losses: (h,) filled at steps s % stride == 0; gradient_sizes: (L,) the
    last batch's mean |dE/dw| per layer. Returns the cursor's new position and the samples
    trained on.

    l1: λ₁; optimizer: its code (OPTIMIZER_CODES); hyper: (β, β₁, β₂, ε); updates: t, those the
    optimizer had made before first_step; M, MB (momentum's v or Adam's m) and S, SB (Adam's
    s): the state of the weights and biases, padded as W and B, updated in place.

    The forward pass of a wide layer, the backward pass and the updates run their inner loops
    along a row of W (the nodes j of the layer above, contiguous), so that the compiler can
    vectorize them on wide layers; one call at one signature serves every network.
    """
    plain = optimizer == 0 and l1 == 0.0
    beta, b1, b2, eps = hyper[0], hyper[1], hyper[2], hyper[3]
    n = X.shape[0]
    L = W.shape[0]
    width = W.shape[1]
    top_layer = layers[L]
    xs = np.empty((L + 1, width))  # x of every layer, for one sample
    ys = np.empty((L + 1, width))
    dys = np.empty((L + 1, width))  # f′(x), computed with y
    d = np.empty(width)  # dE/dy of the layer being walked
    dx = np.empty(width)
    dW = np.empty_like(W)  # Σ over the batch of y_i·dE/dx_j
    dB = np.empty_like(B)
    top, m, rest = 0, 0.0, 0.0  # the output's softmax, for its loss
    step_size, root2 = learning_rate, 1.0  # Adam's, set at each update
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
            below, above = layers[k], layers[k + 1]
            for j in range(above):
                dB[k, j] = 0.0
            for i in range(below):
                for j in range(above):
                    dW[k, i, j] = 0.0
        measured = s % stride == 0
        error = 0.0
        for p in range(position, position + size):
            sample = order[p]
            for i in range(layers[0]):
                ys[0, i] = X[sample, i]
            for k in range(L):  # forward: x_j = Σ_i y_i·w_ij + b_j, y_j = f(x_j)
                below, above = layers[k], layers[k + 1]
                code = codes[k]
                if above >= ROWS_FROM:
                    # row by row, so that the inner loop runs along W's rows and vectorizes:
                    # x_j accumulates y_i·w_ij in the order of i, as the dot product below
                    y = ys[k, 0]
                    for j in range(above):
                        xs[k + 1, j] = y * W[k, 0, j]
                    for i in range(1, below):
                        y = ys[k, i]
                        for j in range(above):
                            xs[k + 1, j] += y * W[k, i, j]
                    for j in range(above):
                        x = xs[k + 1, j] + B[k, j]
                        xs[k + 1, j] = x
                        if code != SOFTMAX:
                            ys[k + 1, j], dys[k + 1, j] = _f_df(code, x)
                else:  # a narrow layer: one dot product per node costs less
                    for j in range(above):
                        x = 0.0
                        for i in range(below):
                            x += ys[k, i] * W[k, i, j]
                        x += B[k, j]
                        xs[k + 1, j] = x
                        if code != SOFTMAX:
                            ys[k + 1, j], dys[k + 1, j] = _f_df(code, x)
                if code == SOFTMAX:  # the output's, once its every x is known
                    top, m, rest = _softmax(xs[k + 1], ys[k + 1], above)
            if loss_code == CATEGORICAL:
                error += _categorical(xs[L], ys[L], T[sample], d, top_layer, top, m, rest,
                                      measured)
            else:
                for j in range(top_layer):
                    t = T[sample, j]
                    if measured:
                        error += _loss(loss_code, xs[L, j], ys[L, j], t)
                    d[j] = _output_slope_of_error(loss_code, xs[L, j], ys[L, j], t,
                                                  dys[L, j])
            for k in range(L - 1, -1, -1):  # backward, with the weights of before the batch
                below, above = layers[k], layers[k + 1]
                for j in range(above):
                    # dE/dx = f′(x)·dE/dy; at the output, d already holds dE/dx
                    dx[j] = d[j] if k == L - 1 else dys[k + 1, j] * d[j]
                    dB[k, j] += dx[j]
                for i in range(below):
                    y = ys[k, i]
                    for j in range(above):
                        dW[k, i, j] += y * dx[j]
                    if k:
                        total = 0.0
                        for j in range(above):
                            total += W[k, i, j] * dx[j]
                        d[i] = total  # dE/dy of the layer below
        if measured:
            losses[s // stride] = error / size
        updates += 1
        if optimizer == ADAM:  # its bias corrections, once per update
            step_size = learning_rate / (1.0 - b1 ** float(updates))
            root2 = 1.0 / math.sqrt(1.0 - b2 ** float(updates))
        for k in range(L):
            below, above = layers[k], layers[k + 1]
            rate = learning_rate / size
            if s == last_step - 1:  # the last batch of this chunk (and finally of the call)
                total = 0.0
                for i in range(below):
                    for j in range(above):
                        total += abs(dW[k, i, j])
                gradient_sizes[k] = total / size / (below * above)
            if not plain:  # optimizers.apply: g = dE/dw + λ₂·w + λ₁·sign(w), then the rule
                for i in range(below + 1):  # the rows of W[k], then B[k] as one more row
                    bias = i == below
                    for j in range(above):
                        if bias:
                            value, first, second = B[k, j], MB[k, j], SB[k, j]
                            g = dB[k, j] / size
                        else:
                            value, first, second = W[k, i, j], M[k, i, j], S[k, i, j]
                            g = dW[k, i, j] / size + l2 * value
                            if l1 != 0.0:
                                g += l1 * _sign(value)
                        value, first, second = _optimized(optimizer, value, g, first, second,
                                                          learning_rate, beta, b1, b2, eps,
                                                          step_size, root2)
                        if bias:
                            B[k, j], MB[k, j], SB[k, j] = value, first, second
                        else:
                            W[k, i, j], M[k, i, j], S[k, i, j] = value, first, second
                continue
            for i in range(below):
                if l2:
                    for j in range(above):
                        W[k, i, j] -= learning_rate * (dW[k, i, j] / size + l2 * W[k, i, j])
                else:
                    for j in range(above):
                        W[k, i, j] -= rate * dW[k, i, j]
            for j in range(above):
                B[k, j] -= rate * dB[k, j]
        position += size
        samples += size
    return position, samples, updates
