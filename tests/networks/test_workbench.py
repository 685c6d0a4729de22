"""The time limit of a training call (no timing asserted: the estimate itself)."""

import pytest

from server.engine.activations import ACTIVATIONS
from server.engine.mlp import Architecture
from server.limits import MAX_CALL_SECONDS
from server.networks.workbench import estimated_seconds


def _most_steps(arch: Architecture, batch: int, points: int) -> int:
    steps = 0
    while steps < 10_000 and estimated_seconds(arch, steps + 1, batch, points) <= MAX_CALL_SECONDS:
        steps += 1
    return steps


def test_estimate_refuses_the_call_the_issue_measured_at_3_seconds() -> None:
    # softplus, 8 layers of 8, the full batch of 10,000: it took 3.46 s
    arch = Architecture((8,) * 8, "softplus", "softplus", "squared")
    assert 1 <= _most_steps(arch, 10_000, 10_000) < 100


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_estimate_allows_fewer_steps_for_costlier_activations(activation) -> None:
    arch = Architecture((8,) * 8, activation, activation, "squared")
    linear = Architecture((8,) * 8, "linear", "linear", "squared")
    assert 1 <= _most_steps(arch, 10_000, 10_000) <= _most_steps(linear, 10_000, 10_000)
    assert estimated_seconds(arch, 100, 10_000, 0) < estimated_seconds(arch, 100, 10_000, 10_000)
