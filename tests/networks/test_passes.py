"""The pure pass transitions: each returns a new trace, consistent with the rate it shows."""

import numpy as np
import pytest

from server.engine.mlp import Architecture, Parameters, init_parameters
from server.errors import Diverged, PhaseConflict
from server.networks import passes

ARCH = Architecture((1, 2, 1), "tanh", "sigmoid", "squared")
PARAMS = init_parameters(ARCH.layers, np.random.default_rng(3))
X, T = np.array([0.4]), np.array([0.9])


def _forward(rate: float = 0.5) -> passes.Trace:
    return passes.forward_trace(ARCH, PARAMS, X, T, step=7, learning_rate=rate)


def test_passes_update_uses_the_rate_the_trace_shows() -> None:
    backward = passes.backward_trace(ARCH, _forward(0.25))
    updated = passes.update_trace(ARCH, backward)
    assert (updated.phase, updated.step, updated.learning_rate) == ("update", 8, 0.25)
    assert backward.gradients is not None and updated.params_before is PARAMS
    for W, W0, dW in zip(updated.params.weights, PARAMS.weights, backward.gradients.dE_dw,
                         strict=True):
        np.testing.assert_array_equal(W, W0 - 0.25 * dW)
    assert updated.error_after is not None and updated.error_after < backward.forward.mean_error


def test_passes_recompute_after_an_update_is_a_new_forward_pass() -> None:
    updated = passes.update_trace(ARCH, passes.backward_trace(ARCH, _forward()))
    again = passes.recompute(ARCH, updated.params, updated, learning_rate=2.0)
    assert again is not None
    assert (again.phase, again.step, again.learning_rate) == ("forward", 8, 2.0)
    assert again.params is updated.params and again.params_before is None
    pending = passes.recompute(ARCH, PARAMS, passes.backward_trace(ARCH, _forward()),
                               learning_rate=1.0)
    assert pending is not None and pending.phase == "backward"
    assert passes.recompute(ARCH, PARAMS, None, learning_rate=1.0) is None


def test_passes_phase_rules() -> None:
    with pytest.raises(PhaseConflict, match="no forward pass"):
        passes.require_pending_forward(None)
    with pytest.raises(PhaseConflict, match="no backward pass"):
        passes.require_pending_backward(_forward())
    backward = passes.backward_trace(ARCH, _forward())
    assert passes.require_pending_forward(backward) is backward  # backward may be asked again
    updated = passes.update_trace(ARCH, backward)
    with pytest.raises(PhaseConflict):
        passes.require_pending_forward(updated)


def test_passes_overflow_is_diverged() -> None:
    huge = Parameters((np.array([[1e300, 1e300]]), np.array([[1e300], [1e300]])),
                      (np.zeros(2), np.zeros(1)))
    linear = Architecture((1, 2, 1), "linear", "linear", "squared")
    with pytest.raises(Diverged, match="diverged"):
        passes.forward_trace(linear, huge, np.array([1e6]), T, step=0, learning_rate=0.5)


LINEAR_1_1 = Architecture((1, 1), "linear", "linear", "squared")


def test_passes_a_batch_mean_error_that_overflows_is_diverged() -> None:
    """Each sample's error finite (8.45e305 and 1.25e307), their mean not: refused, as is
    every other number that would not be finite (orjson writes infinity as null)."""
    params = Parameters((np.array([[1.3e153]]),), (np.zeros(1),))
    X = np.ones((3, 1))
    assert np.isfinite(passes.forward_trace(LINEAR_1_1, params, X, np.zeros((3, 1)), step=0,
                                            learning_rate=1.0).forward.mean_error)
    wide = Parameters((np.array([[5e153]]),), (np.zeros(1),))
    with pytest.raises(Diverged):
        passes.forward_trace(LINEAR_1_1, wide, np.ones((100, 1)), np.zeros((100, 1)), step=0,
                             learning_rate=1.0)


def test_passes_an_error_after_the_update_whose_mean_overflows_is_diverged() -> None:
    params = Parameters((np.array([[6.16e152]]),), (np.zeros(1),))
    trace = passes.forward_trace(LINEAR_1_1, params, np.ones((3, 1)), np.zeros((3, 1)), step=0,
                                 learning_rate=10.0)
    backward = passes.backward_trace(LINEAR_1_1, trace)
    with pytest.raises(Diverged):  # y becomes −1.17e154: each error 6.8e307, their sum not
        passes.update_trace(LINEAR_1_1, backward)


def test_passes_gradient_sizes_that_overflow_are_diverged() -> None:
    """Every dE/dw of the last layer 1.5e308, their mean |dE/dw| (the trace's gradient size)
    not finite: the backward pass is refused."""
    arch = Architecture((1, 2, 1), "linear", "linear", "squared")
    params = Parameters((np.full((1, 2), 1e150), np.full((2, 1), 7.5e-293)),
                        (np.zeros(2), np.zeros(1)))
    trace = passes.forward_trace(arch, params, np.array([1e150]), np.array([0.0]), step=0,
                                 learning_rate=0.5)
    with pytest.raises(Diverged):
        passes.backward_trace(arch, trace)
