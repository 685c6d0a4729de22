"""One client's network: its settings, parameters, current pass and data.

A Network is given to one call at a time by its store (store.py), which takes the network's
lock around the whole call: a Network takes no lock of its own. Every call checks what it was
asked and computes its results first, and commits them only when every number is finite: a
refused or diverging call leaves the network exactly as it was. Inputs arrive as NumPy arrays
already shaped for this network (the API checks shapes against `arch.layers`, which never
change, before the call takes the lock).

What only looks at a network (its plots, the gradient check, the loss landscape) is in
inspection.py, as functions of a `snapshot()`; how a shared store writes a network as bytes
is in codec.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise

from ..engine.activations import Array
from ..engine.datasets import Points
from ..engine.features import feature_problem
from ..engine.mlp import Architecture, Parameters, layer_mismatch, output_mismatch
from ..engine.optimizers import SGD, Optimizer, OptimizerState, fits, fresh_state
from ..errors import Diverged, FieldError
from . import passes
from .passes import Trace
from .plot import PlotRequest, check_plottable, every_function, function_grid, plotted_layer
from .results import Snapshot, Trained
from .workbench import Dataset, Workbench


def architecture(layers: tuple[int, ...], activation: str, output_activation: str, loss: str,
                 *, blame: str, features: tuple[str, ...] = ()) -> Architecture:
    """The architecture; a loss that cannot follow the output activation is a FieldError
    naming `blame`, an activation that cannot go with the layers (softmax hidden, or on one
    output node) one naming that activation, features that do not fit the input layer one
    naming `features` (the layers and names were checked by the API)."""
    if len(features) >= layers[0]:
        raise FieldError("features", f"the input layer has {layers[0]} node(s): the raw inputs "
                         f"first, then one per feature, so {len(features)} feature(s) need at "
                         f"least {len(features) + 1} input nodes")
    feature_trouble = feature_problem(tuple(features), layers[0] - len(features))
    if feature_trouble:
        raise FieldError("features", feature_trouble)
    layer_problem = layer_mismatch(tuple(layers), activation, output_activation)
    if layer_problem:
        raise FieldError(*layer_problem)
    mismatch = output_mismatch(output_activation, loss)
    if mismatch:
        raise FieldError(blame, mismatch)
    return Architecture(tuple(layers), activation, output_activation, loss, tuple(features))


class Network:
    """A network's state and the calls that change it: the phases, its settings and
    parameters, its data and training."""

    def __init__(self, network_id: str, seed: int, arch: Architecture, learning_rate: float,
                 initial: Parameters, current: Parameters | None = None, step: int = 0, *,
                 l2: float = 0.0, trace: Trace | None = None, samples_trained: int = 0,
                 load_workbench: Callable[[], Workbench] | None = None, l1: float = 0.0,
                 optimizer: Optimizer = SGD, state: OptimizerState | None = None) -> None:
        self.id = network_id
        self.seed = seed
        self._arch = arch
        self._learning_rate = learning_rate
        self._l2 = l2
        self._l1 = l1
        self._optimizer = optimizer
        if state is not None and not fits(state, optimizer, arch.layers):
            raise FieldError("optimizer_state", f"the {optimizer.name} optimizer keeps a state "
                             "shaped as the weights and biases; this one is not")
        self._state = state or fresh_state(optimizer, arch.layers)
        self._initial = initial.copy()
        self._params = (current or initial).copy()
        self._step = step
        self._trace = trace
        # The data, or how to load it when a call first needs it (a shared store's record).
        self._bench: Workbench | None = (None if load_workbench
                                         else Workbench(seed, samples_trained))
        self._load_bench = load_workbench

    @property
    def _workbench(self) -> Workbench:
        if self._bench is None:
            assert self._load_bench is not None
            self._bench = self._load_bench()
        return self._bench

    @property
    def workbench(self) -> Workbench:
        """The dataset and where training stands (loaded now if it was not)."""
        return self._workbench

    @property
    def data_loaded(self) -> bool:
        """False while a network read from a shared store has not needed its data."""
        return self._bench is not None

    @property
    def arch(self) -> Architecture:
        """The layers never change; activations and loss may (read `snapshot` for a
        consistent view)."""
        return self._arch

    def snapshot(self) -> Snapshot:
        """The network as it stands. Its arrays are never changed in place afterwards (a
        call replaces them), so a snapshot stays valid after the call that took it."""
        return Snapshot(self.id, self.seed, self._arch, self._learning_rate, self._step,
                        self._params, self._trace, self._l2, self._initial, self._l1,
                        self._optimizer, self._state)

    def settings(self) -> dict[str, float | str]:
        """What a training call uses besides the data: the rate, λ₂ and λ₁, the optimizer
        and its constants, activations and loss."""
        arch, opt = self._arch, self._optimizer
        return {"learning_rate": self._learning_rate, "l2": self._l2, "l1": self._l1,
                "optimizer": opt.name, "momentum": opt.momentum, "beta1": opt.beta1,
                "beta2": opt.beta2, "epsilon": opt.epsilon,
                "activation": arch.activation, "output_activation": arch.output_activation,
                "loss": arch.loss}

    def _rule(self) -> dict:
        """How the next update is made, as the passes take it."""
        return {"learning_rate": self._learning_rate, "l2": self._l2, "l1": self._l1,
                "optimizer": self._optimizer}

    def pass_work(self, samples: int | None = None) -> int:
        """Samples × weights of a pass on `samples` samples (None: on the pending pass's),
        a measure of its cost."""
        batch = samples if samples is not None else (self._trace.batch if self._trace else 1)
        return batch * sum(a * b for a, b in pairwise(self._arch.layers))

    def held_nbytes(self) -> int:
        """Memory the network's arrays hold beyond its fixed size: its data (with the
        shuffled copy training keeps) and its current pass (a mini-batch of 100 on 8 layers
        of 8 holds every sample's x, y and derivatives: about 210 KB)."""
        data = self._workbench.nbytes() if self.data_loaded else 0
        state = sum(a.nbytes for a in self._state.arrays())
        return data + state + (passes.trace_nbytes(self._trace) if self._trace else 0)

    # -- the phases ----------------------------------------------------------------------

    def _forward(self, x: Array, t: Array) -> Trace:
        return passes.forward_trace(self._arch, self._params, x, t, step=self._step,
                                    **self._rule())

    def forward(self, x: Array, t: Array, fields: str | list[str] = "target") -> Trace:
        """One sample, x: (n_0,) and t: (n_L−1,), or a batch, x: (batch, n_0) and t: (batch,
        n_L−1); `fields` names the targets (or each sample's), for a target the loss
        refuses."""
        passes.check_targets(self._arch, t, fields)
        self._trace = self._forward(x, t)
        return self._trace

    def backward(self) -> Trace:
        pending = passes.require_pending_forward(self._trace)
        self._trace = passes.backward_trace(self._arch, pending)
        return self._trace

    def update(self) -> Trace:
        return self._commit_update(passes.require_pending_backward(self._trace))

    def step(self, x: Array, t: Array, fields: str | list[str] = "target") -> Trace:
        passes.check_targets(self._arch, t, fields)
        return self._commit_update(passes.backward_trace(self._arch, self._forward(x, t)))

    def _commit_update(self, trace: Trace) -> Trace:
        trace = passes.update_trace(self._arch, trace, self._state)
        assert trace.state is not None
        self._params, self._step, self._trace = trace.params, trace.step, trace
        self._state = trace.state
        return trace

    # -- changes that keep the weights -----------------------------------------------------

    def configure(self, *, learning_rate: float | None = None, activation: str | None = None,
                  output_activation: str | None = None, loss: str | None = None,
                  l2: float | None = None, l1: float | None = None,
                  optimizer_changes: dict[str, float | str] | None = None) -> Snapshot:
        """Change settings; weights are kept. After any change the current pass is
        recomputed on the same sample (after an update: a new forward pass), so a trace
        always shows the rate and λ it was computed with. Another optimizer starts from a
        fresh state (its own v, m, s and t at zero); new constants of the same optimizer
        keep its state, as a PyTorch optimizer's do. `optimizer_changes`: Optimizer's fields
        to change (name, momentum, beta1, beta2, epsilon)."""
        old = self._arch
        arch = architecture(old.layers, activation or old.activation,
                            output_activation or old.output_activation, loss or old.loss,
                            blame="loss" if loss else "output_activation",
                            features=old.features)
        rate = self._learning_rate if learning_rate is None else learning_rate
        l2 = self._l2 if l2 is None else l2
        l1 = self._l1 if l1 is None else l1
        optimizer = replace(self._optimizer, **(optimizer_changes or {}))  # type: ignore[arg-type]
        if arch.loss != old.loss:
            self._check_targets_for(arch)
        trace = self._trace
        if (arch != self._arch or rate != self._learning_rate or l2 != self._l2
                or l1 != self._l1 or optimizer != self._optimizer):
            # Computed before anything changes: a diverging recomputation changes nothing.
            trace = passes.recompute(arch, self._params, trace, learning_rate=rate, l2=l2,
                                     l1=l1, optimizer=optimizer)
        if optimizer.name != self._optimizer.name:
            self._state = fresh_state(optimizer, arch.layers)
        self._arch, self._learning_rate, self._l2, self._trace = arch, rate, l2, trace
        self._l1, self._optimizer = l1, optimizer
        return self.snapshot()

    def _check_targets_for(self, arch: Architecture) -> None:
        """FieldError naming `loss` if the pending sample or the dataset has a target that
        the loss of `arch` cannot take."""
        data = self._workbench.dataset
        held = [("the current sample", self._trace.target if self._trace else None)]
        if data is not None:
            held += [("the training set", data.train.T), ("the test set", data.test.T)]
        for what, T in held:
            problem = None if T is None else passes.target_problem(arch, T)
            if problem is not None:
                raise FieldError("loss", f"{passes.target_rule(arch)}, but {what} has "
                                 f"{problem[1]}: change that target or keep the "
                                 f"{self._arch.loss.replace('_', ' ')} loss")

    def set_weight(self, k: int, i: int, j: int, value: float) -> Snapshot:
        layers = self._arch.layers
        if not 0 <= k < len(layers) - 1:
            raise FieldError("k", f"weights go from layer k = 0 … {len(layers) - 2}, got {k}")
        if not 0 <= i < layers[k]:
            raise FieldError("i", f"layer {k} has nodes 0 … {layers[k] - 1}, got {i}")
        self._check_node(k, j)
        params = self._params.copy()
        params.weights[k][i, j] = value
        return self._replace_params(params)

    def set_bias(self, k: int, j: int, value: float) -> Snapshot:
        layers = self._arch.layers
        if not 0 <= k < len(layers) - 1:
            raise FieldError("k", f"biases belong to layers 1 … {len(layers) - 1}, indexed "
                             f"k = 0 … {len(layers) - 2}, got {k}")
        self._check_node(k, j)
        params = self._params.copy()
        params.biases[k][j] = value
        return self._replace_params(params)

    def _check_node(self, k: int, j: int) -> None:
        n = self._arch.layers[k + 1]
        if not 0 <= j < n:
            raise FieldError("j", f"layer {k + 1} has nodes 0 … {n - 1}, got {j}")

    def _replace_params(self, params: Parameters) -> Snapshot:
        self._trace = passes.recompute(self._arch, params, self._trace, **self._rule())
        self._params = params
        return self.snapshot()

    def reset(self) -> Snapshot:
        """Back to the initial parameters and step 0; settings are kept."""
        self._params = self._initial
        self._step = 0
        self._trace = None
        self._state = fresh_state(self._optimizer, self._arch.layers)
        self._workbench.restart()
        return self.snapshot()

    # -- data and training -----------------------------------------------------------------

    def dataset(self) -> Dataset | None:
        return self._workbench.dataset

    def generate_dataset(self, name: str, size: int, noise: float, seed: int,
                         test_fraction: float) -> Dataset:
        return self._workbench.generate(self._arch, name, size, noise, seed, test_fraction)

    def use_points(self, points: Points, test_fraction: float) -> Dataset:
        passes.check_targets(self._arch, points.T, [f"points[{n}]" for n in range(len(points))])
        return self._workbench.use_points(points, test_fraction)

    def add_point(self, part: str, x: Array, t: Array) -> Dataset:
        passes.check_targets(self._arch, t, "target")
        return self._workbench.add_point(part, x, t)

    def remove_point(self, part: str, index: int) -> Dataset:
        return self._workbench.remove_point(part, index)

    def train(self, steps: int, batch_size: int | None, l2: float | None,
              plot: PlotRequest | None = None, functions_resolution: int = 0,
              longest: float | None = None) -> Trained:
        """At most `steps` updates on the dataset (fewer if the estimate puts them beyond
        `longest` seconds, when given), with the L2 rate `l2` (None: the network's own); the
        pending pass, now stale, is dropped. With `plot`, also one node's output over the
        plot grid, from the same new weights. The plot is checked, and the call's cost
        estimated (once), before anything changes; `seconds` times the work."""
        started = time.perf_counter()
        layer = plotted_layer(self._arch, plot, "resolution") if plot else None
        if functions_resolution:
            check_plottable(self._arch, "functions_resolution")
        bench = self._workbench
        plan = bench.plan(self._arch, steps, batch_size, longest)
        checkpoint = bench.checkpoint()
        outcome = bench.train(self._arch, self._params, plan,
                              learning_rate=self._learning_rate,
                              l2=self._l2 if l2 is None else l2, l1=self._l1,
                              optimizer=self._optimizer, state=self._state)
        if outcome is None:
            raise Diverged("training")
        grid, grids = None, None
        try:
            if plot is not None and layer is not None:
                grid = function_grid(self._arch, outcome.result.params, layer, plot.node,
                                     plot.resolution)
                passes.require_finite("the plot", grid)
            if functions_resolution:
                grids = every_function(self._arch, outcome.result.params, functions_resolution)
                passes.require_finite("the plot", *(g for row in grids for g in row))
        except Diverged:
            bench.rollback(checkpoint)  # as if it had never trained
            raise
        self._params = outcome.result.params
        self._state = outcome.result.state
        self._step += outcome.steps
        self._trace = None
        seconds = time.perf_counter() - started
        return Trained(outcome, self.snapshot(), layer, grid, seconds, grids)
