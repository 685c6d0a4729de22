"""What a network's weights compute, looked at without changing them: the gradient check.

Pure functions of an architecture, parameters and a pass; the Network calls them under its
lock.
"""

from __future__ import annotations

from ..engine.gradcheck import numeric_gradients
from ..engine.mlp import Architecture
from ..limits import GRADIENT_CHECK_STEP
from . import passes
from .passes import Trace
from .results import GradientCheck


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
