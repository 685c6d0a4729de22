"""What a network's weights compute, looked at without changing anything: the plotted
functions, the fit over its data, the gradient check and the loss landscape.

Each is a function of a Snapshot (and, for the landscape over the training set, the
dataset): taken under the network's lock, it stays valid after it, so that these calls
compute with the lock let go and never hold up the network's other calls.
"""

from __future__ import annotations

from typing import Literal

from ..engine.activations import Array
from ..engine.gradcheck import numeric_gradients
from ..errors import Diverged, PhaseConflict
from ..limits import GRADIENT_CHECK_STEP
from . import passes, python_code
from .landscape import Landscape, ParameterRef, check_pair, landscape
from .passes import Trace
from .plot import PlotRequest, check_plottable, every_function, function_grid, plotted_layer
from .results import GradientCheck, Snapshot
from .workbench import Dataset, Fit, fit_on


def function(snap: Snapshot, plot: PlotRequest) -> tuple[int, Array]:
    """The plotted node's layer, and its output over the plot domain."""
    layer = plotted_layer(snap.arch, plot, "layers")
    values = function_grid(snap.arch, snap.params, layer, plot.node, plot.resolution)
    passes.require_finite("the plot", values)
    return layer, values


def functions(snap: Snapshot, resolution: int) -> list[list[Array]]:
    """Every node's output over the plot domain (grids[0], the input layer, empty)."""
    check_plottable(snap.arch, "layers")
    grids = every_function(snap.arch, snap.params, resolution)
    passes.require_finite("the plot", *(g for row in grids for g in row))
    return grids


def fit(snap: Snapshot, dataset: Dataset | None) -> tuple[Fit, Fit]:
    """E and accuracy over the training and the test points, with the current weights (no
    points: both None). A mean that overflows is divergence (409), as in training."""
    if dataset is None:
        return Fit(None, None), Fit(None, None)
    train, test = (fit_on(snap.arch, snap.params, part) for part in (dataset.train, dataset.test))
    if not (train.finite and test.finite):
        raise Diverged("E over the data")
    return train, test


def code_step(snap: Snapshot, x: Array | None, t: Array | None) -> python_code.Step:
    """The step a script writes out: on the sample (x, t) with the current weights, if given;
    else the current pass's sample(s) with the weights its numbers were computed with (after
    an update, those before it) and the rates it uses. PhaseConflict with neither."""
    if x is not None and t is not None:
        passes.check_targets(snap.arch, t, "target")
        return python_code.Step(snap.arch, snap.params, x[None, :], t[None, :],
                                snap.learning_rate, snap.l2, snap.l1, snap.optimizer,
                                snap.state)
    trace = snap.trace
    if trace is None:
        raise PhaseConflict("there is no step to write out yet: press Next (a pass), or give "
                            "an input and a target")
    params = trace.params_before if trace.params_before is not None else trace.params
    state = trace.state_before if trace.phase == "update" else snap.state
    return python_code.Step(snap.arch, params, trace.input, trace.target, trace.learning_rate,
                            trace.l2, trace.l1, trace.optimizer, state)


def _check(snap: Snapshot, trace: Trace) -> GradientCheck:
    """Backprop's dE/dw and dE/db of `trace` (its backward pass, computed if still pending)
    beside central finite differences of its error, with the weights those derivatives were
    computed with: for an update trace, the weights before the update."""
    if trace.gradients is None:
        trace = passes.backward_trace(snap.arch, trace)
    before = trace.phase == "update"
    params = trace.params_before if before and trace.params_before else trace.params
    numeric = numeric_gradients(snap.arch, params, trace.input, trace.target,
                                h=GRADIENT_CHECK_STEP)
    passes.require_finite("the finite-difference estimate", *numeric.dE_dw, *numeric.dE_db)
    return GradientCheck(trace, numeric, GRADIENT_CHECK_STEP,
                         weights="before_update" if before else "current",
                         weights_step=trace.step - 1 if before else trace.step)


def gradient_check(snap: Snapshot) -> GradientCheck:
    """Backprop and finite differences on the current pass's sample(s), with the weights
    whose dE/dw the trace holds: after an update, the weights before it."""
    if snap.trace is None:
        raise PhaseConflict("no sample yet: call forward (with an input and a target) before "
                            "the gradient check")
    return _check(snap, snap.trace)


def gradient_check_of(snap: Snapshot, x: Array, t: Array) -> GradientCheck:
    """Backprop and finite differences on the sample (x, t) with the current weights."""
    passes.check_targets(snap.arch, t, "target")
    trace = passes.forward_trace(snap.arch, snap.params, x, t, step=snap.step,
                                 learning_rate=snap.learning_rate, l2=snap.l2)
    return _check(snap, trace)


def loss_landscape(snap: Snapshot, dataset: Dataset | None, a: ParameterRef, b: ParameterRef,
                   over: Literal["sample", "train"], resolution: int,
                   span: float) -> Landscape:
    """E over a grid of parameters a and b (a0 ± span, b0 ± span), on the current pass's
    samples, or the mean over the training set of `dataset`."""
    check_pair(snap.arch.layers, a, b)
    if over == "sample":
        if snap.trace is None:
            raise PhaseConflict("no sample yet: call forward (with an input and a target) "
                                "before the landscape over the sample")
        X, T = snap.trace.input, snap.trace.target
    else:
        if dataset is None or len(dataset.train) == 0:
            raise PhaseConflict("there is no training data: choose a dataset or add points "
                                "first")
        X, T = dataset.train.X, dataset.train.T
    return landscape(snap.arch, snap.params, X, T, a, b, resolution, span)
