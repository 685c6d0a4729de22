"""The cost model that bounds a training call and picks its path (no timing asserted)."""

import pytest

from server.engine import costs
from server.engine.activations import ACTIVATIONS, ALL_ACTIVATIONS
from server.engine.mlp import Architecture

PATHS = [costs.NUMPY, costs.COMPILED]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_costs_cover_every_activation(path) -> None:
    assert set(path.per_node_sample) == set(ALL_ACTIVATIONS)
    assert set(path.per_link_step) == set(ALL_ACTIVATIONS)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_costs_grow_with_steps_batch_and_network(path, activation) -> None:
    small = Architecture((1, 2, 2, 1), activation, "sigmoid", "squared")
    large = Architecture((8,) * 8, activation, "sigmoid", "squared")
    for arch in (small, large):
        assert (costs.seconds(arch, 10, 4, path) < costs.seconds(arch, 20, 4, path)
                < costs.seconds(arch, 20, 8, path))
    assert costs.seconds(small, 10, 4, path) < costs.seconds(large, 10, 4, path)


def test_costs_of_exp_and_log_activations_are_counted() -> None:
    arch = {name: Architecture((8,) * 8, name, name, "squared") for name in ACTIVATIONS}
    cost = {name: costs.seconds(a, 10, 10_000, costs.NUMPY) for name, a in arch.items()}
    assert cost["softplus"] > cost["elu"] > cost["relu"] > cost["linear"]
    cross = Architecture((8,) * 8, "relu", "sigmoid", "cross_entropy")
    assert costs.seconds(cross, 10, 100, costs.NUMPY) > costs.seconds(
        Architecture((8,) * 8, "relu", "sigmoid", "squared"), 10, 100, costs.NUMPY)
