"""One client's network: its settings, parameters, current pass and data, behind one lock.

Each call takes the lock for all its work, so one step never sees half of another's update.
Every call checks what it was asked and computes its results first, and commits them only
when every number is finite: a refused or diverging call leaves the network exactly as it was.
Inputs arrive as NumPy arrays already shaped for this network (the API checks shapes).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..engine.activations import Array
from ..engine.datasets import Points
from ..engine.mlp import Architecture, Parameters, output_mismatch
from ..errors import Diverged, FieldError
from . import passes
from .inspection import Inspections
from .passes import Trace
from .plot import PlotRequest, check_plottable, every_function, function_grid, plotted_layer
from .results import Snapshot, Trained
from .workbench import Dataset


def architecture(layers: tuple[int, ...], activation: str, output_activation: str, loss: str,
                 *, blame: str) -> Architecture:
    """The architecture; a loss that cannot follow the output activation is a FieldError
    naming `blame` (the layers and names were checked by the API)."""
    mismatch = output_mismatch(output_activation, loss)
    if mismatch:
        raise FieldError(blame, mismatch)
    return Architecture(tuple(layers), activation, output_activation, loss)


class Network(Inspections):
    """A network's calls that change it: the phases, its settings and parameters, its data
    and training (the calls that only look at it are in Inspections)."""

    # -- the phases ----------------------------------------------------------------------

    def forward(self, x: Array, t: Array, fields: str | list[str] = "target") -> Trace:
        """One sample, x: (n_0,) and t: (n_L−1,), or a batch, x: (batch, n_0) and t: (batch,
        n_L−1); `fields` names the targets (or each sample's), for a target the loss
        refuses."""
        with self.lock:
            passes.check_targets(self._arch, t, fields)
            self._trace = self._forward(x, t)
            return self._trace

    def backward(self) -> Trace:
        with self.lock:
            pending = passes.require_pending_forward(self._trace)
            self._trace = passes.backward_trace(self._arch, pending)
            return self._trace

    def update(self) -> Trace:
        with self.lock:
            return self._commit_update(passes.require_pending_backward(self._trace))

    def step(self, x: Array, t: Array, fields: str | list[str] = "target") -> Trace:
        with self.lock:
            passes.check_targets(self._arch, t, fields)
            return self._commit_update(passes.backward_trace(self._arch, self._forward(x, t)))

    def _commit_update(self, trace: Trace) -> Trace:
        trace = passes.update_trace(self._arch, trace)
        self._params, self._step, self._trace = trace.params, trace.step, trace
        return trace

    # -- changes that keep the weights -----------------------------------------------------

    def configure(self, *, learning_rate: float | None = None, activation: str | None = None,
                  output_activation: str | None = None, loss: str | None = None,
                  l2: float | None = None) -> Snapshot:
        """Change settings; weights are kept. After any change the current pass is
        recomputed on the same sample (after an update: a new forward pass), so a trace
        always shows the rate and λ it was computed with."""
        with self.lock:
            old = self._arch
            arch = architecture(old.layers, activation or old.activation,
                                output_activation or old.output_activation, loss or old.loss,
                                blame="loss" if loss else "output_activation")
            rate = self._learning_rate if learning_rate is None else learning_rate
            l2 = self._l2 if l2 is None else l2
            if arch.loss != old.loss:
                self._check_targets_for(arch)
            trace = self._trace
            if arch != self._arch or rate != self._learning_rate or l2 != self._l2:
                # Computed before anything changes: a diverging recomputation changes nothing.
                trace = passes.recompute(arch, self._params, trace, learning_rate=rate, l2=l2)
            self._arch, self._learning_rate, self._l2, self._trace = arch, rate, l2, trace
            return self._snapshot()

    def _check_targets_for(self, arch: Architecture) -> None:
        """FieldError naming `loss` if the pending sample or the dataset has a target that
        the loss of `arch` cannot take."""
        data = self._workbench.dataset
        held = [("the current sample", self._trace.target if self._trace else None)]
        if data is not None:
            held += [("the training set", data.train.T), ("the test set", data.test.T)]
        for what, T in held:
            outside = None if T is None else passes.target_outside(arch, T)
            if outside is not None:
                raise FieldError("loss", f"{passes.target_rule(arch)}, but {what} has the "
                                 f"target {outside[1]:g}: change that target or keep the "
                                 f"{self._arch.loss.replace('_', ' ')} loss")

    def set_weight(self, k: int, i: int, j: int, value: float) -> Snapshot:
        with self.lock:
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
        with self.lock:
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
        self._trace = passes.recompute(self._arch, params, self._trace,
                                       learning_rate=self._learning_rate, l2=self._l2)
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

    # -- data, training and what the network computes ------------------------------------------

    def _data(self, call: Callable[[], Dataset]) -> Dataset:
        """A Workbench call under the lock; the store hears of the data's new size."""
        with self.lock:
            dataset = call()
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

    def use_points(self, points: Points, test_fraction: float) -> Dataset:
        def use() -> Dataset:
            passes.check_targets(self._arch, points.T,
                                 [f"points[{n}]" for n in range(len(points))])
            return self._workbench.use_points(points, test_fraction)

        return self._data(use)

    def add_point(self, part: str, x: Array, t: Array) -> Dataset:
        def add() -> Dataset:
            passes.check_targets(self._arch, t, "target")
            return self._workbench.add_point(part, x, t)

        return self._data(add)

    def remove_point(self, part: str, index: int) -> Dataset:
        return self._data(lambda: self._workbench.remove_point(part, index))

    def steps_within(self, batch_size: int | None, seconds: float) -> int:
        """The most steps of `batch_size` (None: the full batch) on the dataset as it is that
        the estimate of a training call puts within `seconds` (at least 1)."""
        with self.lock:
            return self._workbench.steps_within(self._arch, batch_size, seconds)

    def train(self, steps: int, batch_size: int | None, l2: float | None,
              plot: PlotRequest | None = None, functions_resolution: int = 0) -> Trained:
        """`steps` updates on the dataset, with the L2 rate `l2` (None: the network's own);
        the pending pass, now stale, is dropped. With
        `plot`, also one node's output over the plot grid, from the same new weights. The
        plot is checked before anything changes; `seconds` times the work, not the wait for
        the lock."""
        with self.lock:
            started = time.perf_counter()
            layer = plotted_layer(self._arch, plot, "resolution") if plot else None
            if functions_resolution:
                check_plottable(self._arch, "functions_resolution")
            checkpoint = self._workbench.checkpoint()
            outcome = self._workbench.train(self._arch, self._params, steps=steps,
                                            batch_size=batch_size,
                                            learning_rate=self._learning_rate,
                                            l2=self._l2 if l2 is None else l2)
            if outcome is None:
                raise Diverged("training")
            grid, grids = None, None
            try:
                if plot is not None and layer is not None:
                    grid = function_grid(self._arch, outcome.result.params, layer, plot.node,
                                         plot.resolution)
                    passes.require_finite("the plot", grid)
                if functions_resolution:
                    grids = every_function(self._arch, outcome.result.params,
                                           functions_resolution)
                    passes.require_finite("the plot", *(g for row in grids for g in row))
            except Diverged:
                self._workbench.rollback(checkpoint)  # as if it had never trained
                raise
            self._params = outcome.result.params
            self._step += outcome.steps
            self._trace = None
            seconds = time.perf_counter() - started
            return Trained(outcome, self._snapshot(), layer, grid, seconds, grids)
