"""The multilayer perceptron: parameters, forward pass, backward pass and update.

Notation as in docs/api.md: for node j, x_j = Σ_i w_ij·y_i + b_j and y_j = f(x_j).
Shapes are batch-first: X is (batch, n_0); W[k] is (n_k, n_{k+1}); b[k] is (n_{k+1},).
For a batch, the error E is the mean of the per-sample errors, so dE/dw and dE/db are the
means of the per-sample derivatives; dE/dy and dE/dx are kept per sample.
Every function here returns new arrays and mutates none of its arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal, NamedTuple

import numpy as np

from .activations import Activation, Array, get_activation
from .features import expand, feature_problem
from .losses import Loss, get_loss

MIN_LAYERS, MAX_LAYERS = 2, 8
# The widest layer the engine computes (the 8×8 digits' 64 inputs). What the API and the
# page accept is narrower: server/limits.py's MAX_NODES, checked before a network is built.
MIN_NODES, MAX_ENGINE_NODES = 1, 64


def output_mismatch(output_activation: str, loss: str) -> str | None:
    """Why `loss` cannot follow `output_activation`, or None if it can."""
    out, fn = get_activation(output_activation), get_loss(loss)
    if fn.requires_output and out.name != fn.requires_output:
        return f"the {fn.name} loss needs a {fn.requires_output} output activation, not {out.name}"
    if out.coupled and fn.requires_output != out.name:
        return (f"a {out.name} output needs the categorical_cross_entropy loss, not {fn.name}: "
                f"{out.name} makes the outputs a probability distribution (each y_k depends on "
                "every x_j), which categorical cross entropy compares with the target "
                "distribution; its gradient is then simply y − t")
    return None


def layer_mismatch(layers: tuple[int, ...], activation: str,
                   output_activation: str) -> tuple[str, str] | None:
    """The field and why, if the activations cannot go with these layers: a coupled
    activation (softmax) is for the output layer alone, and needs 2 or more output nodes."""
    hidden = get_activation(activation)
    if hidden.coupled:
        return ("activation", f"{hidden.name} is for the output layer only (it couples the "
                "nodes of a layer into a probability distribution): choose it as the output "
                "activation, and another for the hidden layers")
    out = get_activation(output_activation)
    if out.coupled and layers[-1] < 2:
        return ("output_activation", f"{out.name} needs 2 or more output nodes (with one node "
                f"it always outputs 1); this network has {layers[-1]}")
    return None


class Shape(NamedTuple):
    """What never changes in a network, and what a request is checked against: the node
    counts, and the raw inputs a sample holds (layers[0] without the derived features)."""

    layers: tuple[int, ...]
    inputs: int


@dataclass(frozen=True)
class Architecture:
    """What a network computes, apart from its parameters. With `features` (features.py),
    the input layer holds the raw inputs and then each derived feature: layers[0] counts
    them all, `inputs` the raw ones that samples and datasets hold."""

    layers: tuple[int, ...]
    activation: str  # of the hidden layers
    output_activation: str
    loss: str
    features: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not MIN_LAYERS <= len(self.layers) <= MAX_LAYERS:
            raise ValueError(
                f"a network has {MIN_LAYERS} to {MAX_LAYERS} layers (input and output "
                f"included), got {len(self.layers)}"
            )
        for n in self.layers:
            if not MIN_NODES <= n <= MAX_ENGINE_NODES:
                raise ValueError(f"a layer has {MIN_NODES} to {MAX_ENGINE_NODES} nodes, got {n}")
        if len(self.features) >= self.layers[0]:
            raise ValueError(f"an input layer of {self.layers[0]} nodes has room for "
                             f"{self.layers[0] - 1} features beside 1 raw input, not "
                             f"{len(self.features)}")
        problem = feature_problem(self.features, self.inputs)
        if problem:
            raise ValueError(problem)
        get_activation(self.activation)
        mismatch = output_mismatch(self.output_activation, self.loss)
        if mismatch:
            raise ValueError(mismatch)
        layer_problem = layer_mismatch(self.layers, self.activation, self.output_activation)
        if layer_problem:
            raise ValueError(layer_problem[1])

    @property
    def inputs(self) -> int:
        """The raw inputs: what a sample's input holds (the input layer less its features)."""
        return self.layers[0] - len(self.features)

    @property
    def shape(self) -> Shape:
        return Shape(self.layers, self.inputs)

    def expand(self, X: Array) -> Array:
        """The input layer's values for raw inputs X (batch, inputs)."""
        return expand(self.features, X)

    def activation_of(self, layer: int) -> Activation:
        """The activation of layer `layer` (1 … L−1); the input layer has none."""
        if layer == len(self.layers) - 1:
            return get_activation(self.output_activation)
        return get_activation(self.activation)

    @property
    def loss_function(self) -> Loss:
        return get_loss(self.loss)


@dataclass(frozen=True)
class Parameters:
    """weights[k] is (n_k, n_{k+1}) with weights[k][i, j] from node i of layer k to node j
    of layer k+1; biases[k] is (n_{k+1},), the biases of layer k+1."""

    weights: tuple[Array, ...]
    biases: tuple[Array, ...]

    def copy(self) -> Parameters:
        return Parameters(tuple(w.copy() for w in self.weights),
                          tuple(b.copy() for b in self.biases))

    def is_finite(self) -> bool:
        return all(np.isfinite(a).all() for a in (*self.weights, *self.biases))

    def equals(self, other: Parameters) -> bool:
        """Exact equality of every number."""
        return all(
            np.array_equal(a, b)
            for a, b in zip((*self.weights, *self.biases), (*other.weights, *other.biases),
                            strict=True)
        )


InitName = Literal["glorot_uniform", "he_normal", "small_uniform", "zeros"]
SMALL_UNIFORM_BOUND = 0.05  # Keras's RandomUniform default


@dataclass(frozen=True)
class Initializer:
    """How a layer's first weights are drawn, from its fan-in n_in and fan-out n_out."""

    name: InitName
    title: str
    formula: str
    draw: Callable[[int, int, np.random.Generator], Array]


def _glorot(n_in: int, n_out: int, rng: np.random.Generator) -> Array:
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out))


INITIALIZERS: dict[str, Initializer] = {i.name: i for i in (
    Initializer("glorot_uniform", "Glorot (Xavier) uniform",
                "w ~ U(−r, r), r = √(6 / (n_in + n_out))", _glorot),
    Initializer("he_normal", "He normal", "w ~ N(0, σ²), σ = √(2 / n_in)",
                lambda n_in, n_out, rng: rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out))),
    Initializer("small_uniform", "Small uniform", f"w ~ U(−{SMALL_UNIFORM_BOUND:g}, "
                f"{SMALL_UNIFORM_BOUND:g})", lambda n_in, n_out, rng: rng.uniform(
                    -SMALL_UNIFORM_BOUND, SMALL_UNIFORM_BOUND, (n_in, n_out))),
    Initializer("zeros", "Zeros (a constant)", "w = 0",
                lambda n_in, n_out, rng: np.zeros((n_in, n_out))),
)}
INIT_BIAS = 0.1


def init_parameters(layers: tuple[int, ...], rng: np.random.Generator,
                    init: str = "glorot_uniform") -> Parameters:
    """Each layer's weights drawn as `init` says (INITIALIZERS; by default Glorot uniform,
    U(−√(6/(n_in+n_out)), +…), layer after layer from one generator), and biases of 0.1, as
    in TensorFlow Playground, so that every bias starts visible and non-zero."""
    draw = INITIALIZERS[init].draw
    weights = []
    biases = []
    for n_in, n_out in pairwise(layers):
        weights.append(draw(n_in, n_out, rng))
        biases.append(np.full(n_out, INIT_BIAS))
    return Parameters(tuple(weights), tuple(biases))


@dataclass(frozen=True)
class ForwardPass:
    """x[l] and y[l] are (batch, n_l) for every layer l; error is (batch,), E per sample."""

    x: tuple[Array, ...]
    y: tuple[Array, ...]
    error: Array

    @property
    def mean_error(self) -> float:
        """The mean of `error`: np.mean's own arithmetic (one add.reduce, one division),
        without its Python layers. Infinite, silently, when the sum overflows (every error
        finite, their sum not): the caller checks it."""
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.add.reduce(self.error, axis=None) / self.error.size)


@dataclass(frozen=True)
class Gradients:
    """dE_dy[l], dE_dx[l]: (batch, n_l) per layer, per sample (the input layer's too);
    dE_dw[k]: (n_k, n_{k+1}) and dE_db[k]: (n_{k+1},), means over the batch."""

    dE_dy: tuple[Array, ...]
    dE_dx: tuple[Array, ...]
    dE_dw: tuple[Array, ...]
    dE_db: tuple[Array, ...]


def _as_batch(a: Array, n: int, name: str) -> Array:
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 1:
        a = a[np.newaxis, :]
    if a.ndim != 2 or a.shape[1] != n:
        raise ValueError(f"{name}: expected shape (batch, {n}), got {a.shape}")
    return a


def forward(arch: Architecture, params: Parameters, X: Array, T: Array) -> ForwardPass:
    """Propagate the raw inputs X (batch, arch.inputs) layer by layer and measure the error
    against T (batch, n_L−1).

    Input nodes have no activation: their x and y are the input values, the raw ones and then
    each derived feature's (computed here from the raw ones: x[0] is (batch, n_0)).
    """
    X = arch.expand(_as_batch(X, arch.inputs, "input"))
    T = _as_batch(T, arch.layers[-1], "target")
    if X.shape[0] != T.shape[0]:
        raise ValueError(f"input has {X.shape[0]} samples but target has {T.shape[0]}")
    xs, ys = [X], [X]
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked by the caller
        for k, (W, b) in enumerate(zip(params.weights, params.biases, strict=True)):
            x = ys[-1] @ W + b  # x_j = Σ_i y_i·w_ij + b_j
            xs.append(x)
            ys.append(arch.activation_of(k + 1).f(x))
        error = arch.loss_function.value(xs[-1], ys[-1], T)
    return ForwardPass(tuple(xs), tuple(ys), error)


def backward(arch: Architecture, params: Parameters, fwd: ForwardPass, T: Array) -> Gradients:
    """Walk the layers in reverse, applying the chain rule at each step:

    output layer:  dE/dy = loss′(y, t)
    every layer:   dE/dx_j = f′(x_j)·dE/dy_j   (at the output, the loss's own dE/dx if it
                                                 has one: cross-entropy's y − t)
    weights:       dE/dw_ij = y_i·dE/dx_j         (mean over the batch)
    biases:        dE/db_j = dE/dx_j              (mean over the batch)
    layer below:   dE/dy_i = Σ_j w_ij·dE/dx_j
    """
    T = _as_batch(T, arch.layers[-1], "target")
    L = len(arch.layers)
    batch = fwd.x[0].shape[0]
    dE_dy: list[Array] = [np.empty(0)] * L
    dE_dx: list[Array] = [np.empty(0)] * L
    dE_dw: list[Array] = [np.empty(0)] * (L - 1)
    dE_db: list[Array] = [np.empty(0)] * (L - 1)
    loss = arch.loss_function
    with np.errstate(over="ignore", invalid="ignore"):
        dE_dy[-1] = loss.dE_dy(fwd.x[-1], fwd.y[-1], T)
        for layer in range(L - 1, 0, -1):
            if layer == L - 1 and loss.dE_dx is not None:
                dE_dx[layer] = loss.dE_dx(fwd.x[layer], fwd.y[layer], T)
            else:
                dE_dx[layer] = (arch.activation_of(layer).df(fwd.x[layer], fwd.y[layer])
                                * dE_dy[layer])
            k = layer - 1
            dE_dw[k] = fwd.y[k].T @ dE_dx[layer] / batch
            dE_db[k] = np.add.reduce(dE_dx[layer], axis=0) / batch  # the mean, as np.mean
            dE_dy[k] = dE_dx[layer] @ params.weights[k].T
        dE_dx[0] = dE_dy[0]  # input nodes: y = x
    return Gradients(tuple(dE_dy), tuple(dE_dx), tuple(dE_dw), tuple(dE_db))


def update(params: Parameters, grads: Gradients, learning_rate: float,
           l2: float = 0.0) -> Parameters:
    """w ← w − α·(dE/dw + λ·w) and b ← b − α·dE/db; new arrays, `params` untouched.
    (L2 regularization acts on weights only, as is usual; λ = 0 gives plain gradient descent.)"""
    with np.errstate(over="ignore", invalid="ignore"):
        weights = tuple(W - learning_rate * (dW + l2 * W)
                        for W, dW in zip(params.weights, grads.dE_dw, strict=True))
        biases = tuple(b - learning_rate * db
                       for b, db in zip(params.biases, grads.dE_db, strict=True))
    return Parameters(weights, biases)
