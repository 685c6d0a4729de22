"""The passes of one sample or a mini-batch, as pure transitions: forward → backward → update.

Each function takes a Trace (or a sample) and returns a new Trace, or raises Diverged when a
number would stop being finite; none holds a lock or mutates anything. The phase rules
(which pass may follow which) are here too, so that the Network only applies them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from ..engine.activations import Array
from ..engine.losses import TARGET_SUM_TOLERANCE
from ..engine.mlp import Architecture, ForwardPass, Gradients, Parameters, backward, forward
from ..engine.optimizers import SGD, Optimizer, OptimizerState, apply
from ..errors import Diverged, FieldError, PhaseConflict

Phase = Literal["forward", "backward", "update"]


@dataclass(frozen=True)
class Trace:
    """One pass over one sample or a mini-batch of them, frozen at a phase.

    `params` are the parameters in force at this phase: for "update", the new ones, with the
    old ones in `params_before` and the error the new ones give on the same samples in
    `error_after` (their mean; per sample in `errors_after`). `gradients` is None until the
    backward phase; its dE/dw and dE/db are means over the batch. `learning_rate` is the
    rate the update used, or will use: an update trace is never relabelled with another.
    """

    phase: Phase
    step: int
    learning_rate: float
    input: Array  # (batch, n_0)
    target: Array  # (batch, n_L−1)
    forward: ForwardPass
    gradients: Gradients | None
    params: Parameters
    params_before: Parameters | None = None
    error_after: float | None = None
    l2: float = 0.0  # the L2 rate λ the update used, or will use: w ← w − α·(dE/dw + λ·w)
    errors_after: Array | None = None  # (batch,)
    l1: float = 0.0  # the L1 rate λ₁ the update used, or will use: + λ₁·sign(w)
    optimizer: Optimizer = SGD  # the rule the update used, or will use
    # An update's optimizer state: before it (what it started from) and after it
    state_before: OptimizerState | None = None
    state: OptimizerState | None = None

    @property
    def batch(self) -> int:
        return int(self.input.shape[0])


def trace_nbytes(trace: Trace) -> int:
    """The bytes of a trace's arrays (a mini-batch's holds every sample's numbers)."""
    arrays = [trace.input, trace.target, *trace.forward.x, *trace.forward.y, trace.forward.error]
    if trace.gradients is not None:
        grads = trace.gradients
        arrays += [*grads.dE_dy, *grads.dE_dx, *grads.dE_dw, *grads.dE_db]
    for params in (trace.params, trace.params_before):
        if params is not None:
            arrays += [*params.weights, *params.biases]
    if trace.errors_after is not None:
        arrays.append(trace.errors_after)
    for state in (trace.state_before, trace.state):
        if state is not None:
            arrays += state.arrays()
    return sum(a.nbytes for a in arrays)


def require_finite(what: str, *arrays: Array | float) -> None:
    """Raises Diverged unless every number is finite (checked in one pass over them all: a
    step checks some thirty small arrays, and a check per array cost about as much as the
    step's arithmetic)."""
    if arrays and not np.isfinite(np.concatenate(arrays, axis=None)).all():
        raise Diverged(what)


def target_outside(arch: Architecture, T: Array) -> tuple[int, float] | None:
    """The first sample (row of T, (batch, n_L−1)) whose target the loss cannot take, and
    that target value; None when every target is in the loss's range (see target_problem
    for the sum of a sample's targets too)."""
    bounds = arch.loss_function.target_range
    if bounds is None:
        return None
    low, high = bounds
    targets = np.atleast_2d(T)
    bad = np.argwhere((targets < low) | (targets > high))
    if bad.size == 0:
        return None
    row, column = bad[0]
    return int(row), float(targets[row, column])


def target_problem(arch: Architecture, T: Array) -> tuple[int, str] | None:
    """The first sample (row of T) whose targets the loss cannot take, and what is wrong
    ("the target −0.5", "targets adding up to 0.9"); None when every sample's suit it."""
    outside = target_outside(arch, T)
    if outside is not None:
        return outside[0], f"the target {outside[1]:g}"
    total = arch.loss_function.target_sum
    if total is not None:
        sums = np.add.reduce(np.atleast_2d(T), axis=-1)
        off = np.flatnonzero(~(np.abs(sums - total) <= TARGET_SUM_TOLERANCE))
        if off.size:
            return int(off[0]), f"targets adding up to {sums[off[0]]:.12g}"
    return None


def target_rule(arch: Architecture) -> str:
    """What the loss asks of a target, in words."""
    loss = arch.loss_function
    assert loss.target_range is not None
    low, high = loss.target_range
    if loss.target_sum is not None:
        return (f"with {loss.name.replace('_', ' ')} the targets of a sample are a probability "
                f"vector: each between {low:g} and {high:g}, adding up to {loss.target_sum:g} "
                f"(within {TARGET_SUM_TOLERANCE:g}), such as a one-hot class")
    return (f"with {loss.name.replace('_', ' ')} a target is a probability between {low:g} "
            f"and {high:g}")


def check_targets(arch: Architecture, T: Array, field: str | list[str]) -> None:
    """FieldError unless every target of T ((batch, n_L−1) or (n_L−1,)) suits the loss;
    `field` names the targets, or each sample's in a list."""
    problem = target_problem(arch, T)
    if problem is not None:
        row, what = problem
        name = field if isinstance(field, str) else field[row]
        raise FieldError(name, f"{target_rule(arch)}; got {what.removeprefix('the target ')}")


def gradient_sizes(grads: Gradients) -> list[float]:
    """Per weight layer, the mean |dE/dw|: np.mean's arithmetic (one add.reduce over every
    number, one division), without its Python layers. Infinite when a layer's sum
    overflows (backward_trace refuses that)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return [float(np.add.reduce(np.abs(d), axis=None) / d.size) for d in grads.dE_dw]


def forward_trace(arch: Architecture, params: Parameters, x: Array, t: Array, *, step: int,
                  learning_rate: float, l2: float = 0.0, l1: float = 0.0,
                  optimizer: Optimizer = SGD) -> Trace:
    """The forward pass of one sample, x: (n_0,) and t: (n_L−1,), or of a batch, x:
    (batch, n_0) and t: (batch, n_L−1); the trace holds them as batches. Every number is
    checked, the batch's mean error too (each sample's may be finite and their sum not)."""
    x, t = np.atleast_2d(x), np.atleast_2d(t)
    fwd = forward(arch, params, x, t)
    require_finite("the forward pass", *fwd.x, *fwd.y, fwd.error, fwd.mean_error)
    return Trace("forward", step, learning_rate, x, t, fwd, None, params, l2=l2, l1=l1,
                 optimizer=optimizer)


def backward_trace(arch: Architecture, trace: Trace) -> Trace:
    """The backward pass over `trace`'s forward pass; its gradient sizes (what the trace
    shows of it, reduced) are checked finite too."""
    grads = backward(arch, trace.params, trace.forward, trace.target)
    require_finite("the backward pass", *grads.dE_dy, *grads.dE_dx, *grads.dE_dw, *grads.dE_db,
                   *gradient_sizes(grads))
    return replace(trace, phase="backward", gradients=grads)


def update_trace(arch: Architecture, trace: Trace, state: OptimizerState | None = None,
                 ) -> Trace:
    """The update by trace.optimizer from `state` (None: fresh), with α = trace.learning_rate,
    λ₂ = trace.l2 and λ₁ = trace.l1 (plain descent: w ← w − α·(dE/dw + λ₂·w + λ₁·sign(w)),
    b ← b − α·dE/db), and the error the new parameters give on the same sample."""
    assert trace.gradients is not None
    grads = trace.gradients
    new, after_state = apply(trace.params, grads.dE_dw, grads.dE_db,
                             learning_rate=trace.learning_rate, l2=trace.l2, l1=trace.l1,
                             optimizer=trace.optimizer, state=state)
    after = forward(arch, new, trace.input, trace.target)  # silent for non-finite weights
    require_finite("the update", *new.weights, *new.biases, *after_state.arrays(), after.error,
                   after.mean_error)
    return replace(trace, phase="update", step=trace.step + 1, params=new,
                   params_before=trace.params, error_after=after.mean_error,
                   errors_after=after.error, state_before=state, state=after_state)


def recompute(arch: Architecture, params: Parameters, trace: Trace | None, *,
              learning_rate: float, l2: float = 0.0, l1: float = 0.0,
              optimizer: Optimizer = SGD) -> Trace | None:
    """The current pass redone on the same sample with new settings or parameters: a pending
    forward or backward pass is recomputed; after an update, a new forward pass on the same
    sample is what the next pass would show."""
    if trace is None:
        return None
    step = trace.step
    new = forward_trace(arch, params, trace.input, trace.target, step=step,
                        learning_rate=learning_rate, l2=l2, l1=l1, optimizer=optimizer)
    return backward_trace(arch, new) if trace.phase == "backward" else new


def require_pending_forward(trace: Trace | None) -> Trace:
    if trace is None or trace.phase == "update":
        raise PhaseConflict("no forward pass is pending: call forward (with an input and a "
                            "target) before backward")
    return trace


def require_pending_backward(trace: Trace | None) -> Trace:
    if trace is None or trace.phase != "backward":
        raise PhaseConflict("no backward pass is pending: call forward and then backward "
                            "before update")
    return trace
