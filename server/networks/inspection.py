"""What a network's weights compute, looked at without changing anything: the plotted
functions, the gradient check and the loss landscape, each under the network's lock.
"""

from __future__ import annotations

from typing import Literal

from ..engine.activations import Array
from ..engine.gradcheck import numeric_gradients
from ..engine.mlp import Architecture
from ..errors import FieldError, PhaseConflict
from ..limits import GRADIENT_CHECK_STEP
from . import passes
from .landscape import Landscape, ParameterRef, check_ref, landscape
from .passes import Trace
from .plot import PlotRequest, check_plottable, every_function, function_grid, plotted_layer
from .results import GradientCheck
from .state import NetworkState


def check_trace(arch: Architecture, trace: Trace) -> GradientCheck:
    """Backprop's dE/dw and dE/db of `trace` (its backward pass, computed if still pending)
    beside central finite differences of its error, with the weights those derivatives were
    computed with: for an update trace, the weights before the update."""
    if trace.gradients is None:
        trace = passes.backward_trace(arch, trace)
    before = trace.phase == "update"
    params = trace.params_before if before and trace.params_before else trace.params
    numeric = numeric_gradients(arch, params, trace.input, trace.target,
                                h=GRADIENT_CHECK_STEP)
    passes.require_finite("the finite-difference estimate", *numeric.dE_dw, *numeric.dE_db)
    return GradientCheck(trace, numeric, GRADIENT_CHECK_STEP,
                         weights="before_update" if before else "current",
                         weights_step=trace.step - 1 if before else trace.step)


class Inspections(NetworkState):
    """The calls that look at a network and change nothing."""

    def function(self, plot: PlotRequest) -> tuple[int, Array]:
        """The plotted node's layer, and its output over the plot domain with the current
        weights."""
        with self.lock:
            layer = plotted_layer(self._arch, plot, "layers")
            values = function_grid(self._arch, self._params, layer, plot.node, plot.resolution)
            passes.require_finite("the plot", values)
            return layer, values

    def functions(self, resolution: int) -> list[list[Array]]:
        """Every node's output over the plot domain with the current weights (grids[0], the
        input layer, empty)."""
        with self.lock:
            check_plottable(self._arch, "layers")
            grids = every_function(self._arch, self._params, resolution)
            passes.require_finite("the plot", *(g for row in grids for g in row))
            return grids

    def gradient_check(self) -> GradientCheck:
        """Backprop and finite differences on the current pass's sample, with the weights
        whose dE/dw the trace holds: after an update, the weights before it."""
        with self.lock:
            if self._trace is None:
                raise PhaseConflict("no sample yet: call forward (with an input and a target) "
                                    "before the gradient check")
            return check_trace(self._arch, self._trace)

    def gradient_check_of(self, x: Array, t: Array) -> GradientCheck:
        """Backprop and finite differences on the sample (x, t) with the current weights;
        nothing changes."""
        with self.lock:
            passes.check_targets(self._arch, t, "target")
            return check_trace(self._arch, self._forward(x, t))

    def landscape(self, a: ParameterRef, b: ParameterRef, over: Literal["sample", "train"],
                  resolution: int, span: float) -> Landscape:
        """E over a grid of parameters a and b (a0 ± span, b0 ± span), on the current pass's
        samples with the current weights, or the mean over the training set."""
        with self.lock:
            check_ref(self._arch.layers, a, "a")
            check_ref(self._arch.layers, b, "b")
            if a == b:
                raise FieldError("b", "a and b must be two different parameters")
            if over == "sample":
                if self._trace is None:
                    raise PhaseConflict("no sample yet: call forward (with an input and a "
                                        "target) before the landscape over the sample")
                X, T = self._trace.input, self._trace.target
            else:
                data = self._workbench.dataset
                if data is None or len(data.train) == 0:
                    raise PhaseConflict("there is no training data: choose a dataset or add "
                                        "points first")
                X, T = data.train.X, data.train.T
            return landscape(self._arch, self._params, X, T, a, b, resolution, span)
