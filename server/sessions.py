"""Networks held in memory for clients: create, get, delete, bounded in number.

Each network serializes its own calls with a lock, so one step never sees half of another's
update. Every operation computes its results first and commits them only when every number is
finite, so a diverging step leaves the network exactly as it was.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from .engine.activations import Array
from .engine.gradcheck import NumericGradients, numeric_gradients
from .engine.mlp import (
    Architecture,
    ForwardPass,
    Gradients,
    Parameters,
    backward,
    forward,
    init_parameters,
    make_parameters,
    update,
)
from .training import DataError, Dataset, TrainOutcome, Workbench, function_grid

Phase = Literal["forward", "backward", "update"]

DEFAULT_LAYERS = (1, 2, 2, 1)
DEFAULT_LEARNING_RATE = 0.5
MAX_SEED = 2**32 - 1
GRADIENT_CHECK_STEP = 1e-6  # h of the central differences: truncation ~h², rounding ~ε/h


class InvalidInput(ValueError):
    """A value a client sent cannot be used; `field` names it (the API answers 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class PhaseConflict(Exception):
    """A phase was asked for out of order (the API answers 409)."""


class Diverged(Exception):
    """The computation would produce a non-finite number; nothing was changed (409)."""


class NetworkNotFound(LookupError):
    """No network has this id; `expired` tells whether it once existed and was evicted."""

    def __init__(self, network_id: str, expired: bool) -> None:
        self.network_id = network_id
        self.expired = expired
        super().__init__(network_id)


@dataclass(frozen=True)
class Trace:
    """One pass over one sample, frozen at a phase.

    `params` are the parameters in force at this phase: for "update", the new ones, with the
    old ones in `params_before` and the error the new ones give on the same sample in
    `error_after`. `gradients` is None until the backward phase.
    """

    phase: Phase
    step: int
    learning_rate: float
    input: Array  # (n_0,)
    target: Array  # (n_L−1,)
    forward: ForwardPass
    gradients: Gradients | None
    params: Parameters
    params_before: Parameters | None = None
    error_after: float | None = None


@dataclass(frozen=True)
class Snapshot:
    """A consistent copy of a network's state, taken under its lock."""

    id: str
    seed: int
    arch: Architecture
    learning_rate: float
    step: int
    params: Parameters
    trace: Trace | None


@dataclass(frozen=True)
class PlotRequest:
    """One node's output over the plot grid; `layer` None means the output layer."""

    layer: int | None
    node: int
    resolution: int


@dataclass(frozen=True)
class Trained:
    """A training call's outcome, the network after it, and the plot from the same weights."""

    outcome: TrainOutcome
    snapshot: Snapshot
    layer: int | None
    grid: Array | None
    seconds: float  # the work, under the lock


@dataclass(frozen=True)
class GradientCheck:
    """Backprop's dE/dw and dE/db beside central finite differences, on one sample."""

    trace: Trace
    numeric: NumericGradients
    h: float


def _diverged(what: str) -> Diverged:
    return Diverged(
        f"{what} would produce a number too large to represent (overflow): training has "
        "diverged. Nothing was changed; lower the learning rate, reset the network, or use "
        "smaller inputs."
    )


def _require_finite(what: str, *arrays: Array | float) -> None:
    for a in arrays:
        if not np.isfinite(a).all():
            raise _diverged(what)


def _check_forward(fwd: ForwardPass) -> None:
    _require_finite("the forward pass", *fwd.x, *fwd.y, fwd.error)


def _check_gradients(grads: Gradients) -> None:
    _require_finite("the backward pass", *grads.dE_dy, *grads.dE_dx, *grads.dE_dw,
                    *grads.dE_db)


class Network:
    """One client's network: its architecture, parameters, learning rate and current pass."""

    def __init__(self, network_id: str, seed: int, arch: Architecture, learning_rate: float,
                 initial: Parameters, current: Parameters | None = None, step: int = 0,
                 on_data_size: Callable[[str, int], None] | None = None) -> None:
        self.id = network_id
        self._on_data_size = on_data_size  # told the bytes of its data after each change
        self.seed = seed
        self.lock = threading.Lock()
        self._arch = arch
        self._learning_rate = learning_rate
        self._initial = initial.copy()
        self._params = (current or initial).copy()
        self._step = step
        self._trace: Trace | None = None
        self._workbench = Workbench(seed)

    # -- reading ------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        with self.lock:
            return self._snapshot()

    def _snapshot(self) -> Snapshot:
        return Snapshot(self.id, self.seed, self._arch, self._learning_rate, self._step,
                        self._params, self._trace)

    @property
    def arch(self) -> Architecture:
        return self._arch

    # -- the phases ------------------------------------------------------------------------

    def _sample(self, values: list[float], field: str, n: int) -> Array:
        if len(values) != n:
            layer = "input" if field == "input" else "output"
            raise InvalidInput(field, f"expected {n} value{'s' if n != 1 else ''} (one per "
                               f"{layer} node), got {len(values)}")
        return np.array(values, dtype=np.float64)

    def _forward_trace(self, arch: Architecture, params: Parameters, x: Array,
                       t: Array, learning_rate: float | None = None) -> Trace:
        fwd = forward(arch, params, x, t)
        _check_forward(fwd)
        rate = self._learning_rate if learning_rate is None else learning_rate
        return Trace("forward", self._step, rate, x, t, fwd, None, params)

    def _backward_trace(self, arch: Architecture, trace: Trace) -> Trace:
        grads = backward(arch, trace.params, trace.forward, trace.target)
        _check_gradients(grads)
        return replace(trace, phase="backward", gradients=grads)

    def _update_trace(self, trace: Trace) -> Trace:
        assert trace.gradients is not None
        new = update(trace.params, trace.gradients, self._learning_rate)
        _require_finite("the update", *new.weights, *new.biases)
        error_after = forward(self._arch, new, trace.input, trace.target).mean_error
        _require_finite("the update", error_after)
        return replace(trace, phase="update", step=self._step + 1,
                       learning_rate=self._learning_rate, params=new,
                       params_before=trace.params, error_after=error_after)

    def forward(self, values: list[float], targets: list[float]) -> Trace:
        with self.lock:
            x = self._sample(values, "input", self._arch.layers[0])
            t = self._sample(targets, "target", self._arch.layers[-1])
            self._trace = self._forward_trace(self._arch, self._params, x, t)
            return self._trace

    def backward(self) -> Trace:
        with self.lock:
            if self._trace is None or self._trace.phase == "update":
                raise PhaseConflict("no forward pass is pending: call forward (with an input "
                                    "and a target) before backward")
            self._trace = self._backward_trace(self._arch, self._trace)
            return self._trace

    def update(self) -> Trace:
        with self.lock:
            if self._trace is None or self._trace.phase != "backward":
                raise PhaseConflict("no backward pass is pending: call forward and then "
                                    "backward before update")
            return self._commit_update(self._trace)

    def step(self, values: list[float], targets: list[float]) -> Trace:
        with self.lock:
            x = self._sample(values, "input", self._arch.layers[0])
            t = self._sample(targets, "target", self._arch.layers[-1])
            trace = self._backward_trace(self._arch,
                                         self._forward_trace(self._arch, self._params, x, t))
            return self._commit_update(trace)

    def _commit_update(self, trace: Trace) -> Trace:
        trace = self._update_trace(trace)
        self._params = trace.params
        self._step = trace.step
        self._trace = trace
        return trace

    # -- changes that keep the weights -------------------------------------------------------

    def _recompute(self, arch: Architecture, params: Parameters,
                   learning_rate: float | None = None) -> Trace | None:
        """The current pass redone on the same sample with new settings or parameters: a
        pending forward or backward pass is recomputed; after an update, a new forward pass
        on the same sample is what the next pass would show."""
        old = self._trace
        if old is None:
            return None
        trace = self._forward_trace(arch, params, old.input, old.target, learning_rate)
        if old.phase == "backward":
            trace = self._backward_trace(arch, trace)
        return trace

    def configure(self, *, learning_rate: float | None = None, activation: str | None = None,
                  output_activation: str | None = None, loss: str | None = None) -> Snapshot:
        """Change settings; weights are kept and the current pass is recomputed."""
        with self.lock:
            try:
                arch = replace(
                    self._arch,
                    activation=activation or self._arch.activation,
                    output_activation=output_activation or self._arch.output_activation,
                    loss=loss or self._arch.loss,
                )
            except ValueError as e:
                raise InvalidInput("loss" if loss else "output_activation", str(e)) from None
            rate = self._learning_rate if learning_rate is None else learning_rate
            # Everything is computed before anything changes: a recomputation that would
            # diverge leaves the settings as they were. An update trace is never relabelled
            # with a rate it was not computed with: after any change it becomes a new
            # forward pass on the same sample, which shows the new rate.
            trace = self._trace
            if arch != self._arch or rate != self._learning_rate:
                trace = self._recompute(arch, self._params, rate)
            self._arch, self._learning_rate, self._trace = arch, rate, trace
            return self._snapshot()

    def set_weight(self, k: int, i: int, j: int, value: float) -> Snapshot:
        with self.lock:
            layers = self._arch.layers
            if not 0 <= k < len(layers) - 1:
                raise InvalidInput("k", f"weights go from layer k = 0 … {len(layers) - 2}, "
                                   f"got {k}")
            if not 0 <= i < layers[k]:
                raise InvalidInput("i", f"layer {k} has nodes 0 … {layers[k] - 1}, got {i}")
            if not 0 <= j < layers[k + 1]:
                raise InvalidInput("j", f"layer {k + 1} has nodes 0 … {layers[k + 1] - 1}, "
                                   f"got {j}")
            params = self._params.copy()
            params.weights[k][i, j] = value
            return self._replace_params(params)

    def set_bias(self, k: int, j: int, value: float) -> Snapshot:
        with self.lock:
            layers = self._arch.layers
            if not 0 <= k < len(layers) - 1:
                raise InvalidInput("k", f"biases belong to layers 1 … {len(layers) - 1}, "
                                   f"indexed k = 0 … {len(layers) - 2}, got {k}")
            if not 0 <= j < layers[k + 1]:
                raise InvalidInput("j", f"layer {k + 1} has nodes 0 … {layers[k + 1] - 1}, "
                                   f"got {j}")
            params = self._params.copy()
            params.biases[k][j] = value
            return self._replace_params(params)

    def _replace_params(self, params: Parameters) -> Snapshot:
        self._trace = self._recompute(self._arch, params)
        self._params = params
        return self._snapshot()

    def reset(self) -> Snapshot:
        """Back to the initial parameters and step 0; settings are kept."""
        with self.lock:
            self._params = self._initial.copy()
            self._step = 0
            self._trace = None
            self._workbench.restart()
            return self._snapshot()

    # -- data and training ------------------------------------------------------------------

    def _data(self, call: Callable[[], Dataset]) -> Dataset:
        """A Workbench call under the lock, its errors as InvalidInput; the store hears of
        the data's new size."""
        with self.lock:
            try:
                dataset = call()
            except DataError as e:
                raise InvalidInput(e.field, e.message) from None
            if self._on_data_size:
                self._on_data_size(self.id, self._workbench.nbytes())
            return dataset

    def dataset(self) -> Dataset | None:
        with self.lock:
            return self._workbench.dataset

    def generate_dataset(self, name: str, size: int, noise: float, seed: int,
                         test_fraction: float) -> Dataset:
        return self._data(lambda: self._workbench.generate(self._arch, name, size, noise, seed,
                                                           test_fraction))

    def use_points(self, inputs: list[list[float]], targets: list[list[float]],
                   test_fraction: float) -> Dataset:
        return self._data(lambda: self._workbench.use_points(self._arch, inputs, targets,
                                                             test_fraction))

    def add_point(self, part: str, x: list[float], t: list[float]) -> Dataset:
        return self._data(lambda: self._workbench.add_point(self._arch, part, x, t))

    def remove_point(self, part: str, index: int) -> Dataset:
        return self._data(lambda: self._workbench.remove_point(part, index))

    def train(self, steps: int, batch_size: int | None, l2: float,
              plot: PlotRequest | None = None) -> Trained:
        """`steps` updates on the dataset; the pending pass, now stale, is dropped. With
        `plot`, also one node's output over the plot grid, from the same new weights. Every
        request is checked before anything changes; `seconds` times the work, not the wait
        for the lock."""
        with self.lock:
            started = time.perf_counter()
            layer = self._plot_layer(plot, "resolution") if plot else None
            try:
                outcome = self._workbench.train(self._arch, self._params, steps=steps,
                                                batch_size=batch_size,
                                                learning_rate=self._learning_rate, l2=l2)
            except DataError as e:
                if e.field == "dataset":
                    raise PhaseConflict(e.message) from None
                raise InvalidInput(e.field, e.message) from None
            if outcome is None:
                raise _diverged("training")
            grid = None
            if plot is not None and layer is not None:
                grid = function_grid(self._arch, outcome.result.params, layer, plot.node,
                                     plot.resolution)
                _require_finite("the plot", grid)
            self._params = outcome.result.params
            self._step += steps
            self._trace = None
            seconds = time.perf_counter() - started
            return Trained(outcome, self._snapshot(), layer, grid, seconds)

    def _plot_layer(self, plot: PlotRequest, inputs_field: str) -> int:
        """The layer of the plotted node (default: the output layer), after checking that
        the node exists and that the network has 1 or 2 inputs."""
        layers = self._arch.layers
        layer = len(layers) - 1 if plot.layer is None else plot.layer
        if not 0 <= layer < len(layers):
            raise InvalidInput("layer", f"the network has layers 0 … {len(layers) - 1}, "
                               f"got {layer}")
        if not 0 <= plot.node < layers[layer]:
            raise InvalidInput("node", f"layer {layer} has nodes 0 … {layers[layer] - 1}, "
                               f"got {plot.node}")
        if layers[0] > 2:
            raise InvalidInput(inputs_field, "the plot shows networks with 1 or 2 inputs "
                               f"only; this one has {layers[0]}")
        return layer

    def function(self, plot: PlotRequest) -> tuple[int, Array]:
        """The output of one node over the plot domain, with the current weights, and the
        node's layer."""
        with self.lock:
            layer = self._plot_layer(plot, "layers")
            values = function_grid(self._arch, self._params, layer, plot.node,
                                   plot.resolution)
            _require_finite("the plot", values)
            return layer, values

    def gradient_check(self) -> GradientCheck:
        """Backprop and finite differences on the current sample, with the current weights."""
        with self.lock:
            if self._trace is None:
                raise PhaseConflict("no sample yet: call forward (with an input and a target) "
                                    "before the gradient check")
            trace = self._backward_trace(
                self._arch,
                self._forward_trace(self._arch, self._params, self._trace.input,
                                    self._trace.target))
            numeric = numeric_gradients(self._arch, self._params, trace.input, trace.target,
                                        h=GRADIENT_CHECK_STEP)
            _require_finite("the finite-difference estimate", *numeric.dE_dw, *numeric.dE_db)
            return GradientCheck(trace, numeric, GRADIENT_CHECK_STEP)


def _given_parameters(arch: Architecture, weights: list[list[list[float]]] | None,
                      biases: list[list[float]] | None, prefix: str) -> Parameters | None:
    """Parameters a client sent, checked for shape; None if it sent none."""
    if (weights is None) != (biases is None):
        missing = f"{prefix}biases" if biases is None else f"{prefix}weights"
        raise InvalidInput(missing, f"give {prefix}weights and {prefix}biases together, or "
                           "neither")
    if weights is None or biases is None:
        return None
    try:
        return make_parameters(arch.layers, weights, biases)
    except ValueError as e:
        field, message = str(e).split(": ", 1)
        raise InvalidInput(prefix + field, message) from None


class NetworkStore:
    """At most `capacity` networks, and their datasets together at most `data_bytes`; the
    least recently used networks are evicted first. The ids of the last evicted ones are
    remembered (ids only) so that a late request hears "expired"."""

    def __init__(self, capacity: int = 2000, data_bytes: int = 256 * 2**20,
                 remembered_evictions: int = 100_000) -> None:
        self.capacity = capacity
        self.data_bytes = data_bytes
        self._networks: OrderedDict[str, Network] = OrderedDict()
        self._data_sizes: dict[str, int] = {}
        self._evicted: OrderedDict[str, None] = OrderedDict()
        self._remembered = remembered_evictions
        self._lock = threading.Lock()

    @property
    def data_in_use(self) -> int:
        """Bytes held by the datasets of the networks held now."""
        return sum(self._data_sizes.values())

    def _evict_oldest(self, keep: str | None = None) -> bool:
        """Evicts the least recently used network other than `keep`; False if none is left."""
        for old_id in self._networks:
            if old_id != keep:
                del self._networks[old_id]
                self._data_sizes.pop(old_id, None)
                self._evicted[old_id] = None
                if len(self._evicted) > self._remembered:
                    self._evicted.popitem(last=False)
                return True
        return False

    def _data_resized(self, network_id: str, nbytes: int) -> None:
        # Called with that network's lock held; takes only the store's lock.
        with self._lock:
            if network_id not in self._networks:
                return
            self._data_sizes[network_id] = nbytes
            while self.data_in_use > self.data_bytes and self._evict_oldest(keep=network_id):
                pass

    def __len__(self) -> int:
        return len(self._networks)

    def create(
        self,
        layers: tuple[int, ...] = DEFAULT_LAYERS,
        activation: str = "sigmoid",
        output_activation: str = "sigmoid",
        loss: str = "squared",
        learning_rate: float = DEFAULT_LEARNING_RATE,
        seed: int | None = None,
        weights: list[list[list[float]]] | None = None,
        biases: list[list[float]] | None = None,
        current_weights: list[list[list[float]]] | None = None,
        current_biases: list[list[float]] | None = None,
        step: int = 0,
    ) -> Network:
        """A new network. `weights` and `biases` are its initial parameters (the ones a reset
        restores); `current_weights`, `current_biases` and `step` resume a network where it
        stood, as when a page re-creates a network the server has forgotten."""
        try:
            arch = Architecture(tuple(layers), activation, output_activation, loss)
        except ValueError as e:
            field = "loss" if "loss" in str(e) else "layers"
            raise InvalidInput(field, str(e)) from None
        if seed is None:
            seed = secrets.randbelow(MAX_SEED + 1)
        initial = (_given_parameters(arch, weights, biases, "")
                   or init_parameters(arch.layers, np.random.default_rng(seed)))
        current = _given_parameters(arch, current_weights, current_biases, "current_")
        network = Network(secrets.token_urlsafe(24), seed, arch, learning_rate, initial,
                          current, step, on_data_size=self._data_resized)
        with self._lock:
            self._networks[network.id] = network
            while len(self._networks) > self.capacity and self._evict_oldest(keep=network.id):
                pass
        return network

    def get(self, network_id: str) -> Network:
        with self._lock:
            network = self._networks.get(network_id)
            if network is None:
                raise NetworkNotFound(network_id, expired=network_id in self._evicted)
            self._networks.move_to_end(network_id)
            return network

    def delete(self, network_id: str) -> None:
        with self._lock:
            if self._networks.pop(network_id, None) is None:
                raise NetworkNotFound(network_id, expired=network_id in self._evicted)
            self._data_sizes.pop(network_id, None)
