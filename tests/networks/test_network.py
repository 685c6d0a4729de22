"""One network behind its lock: a refused call changes nothing."""

import numpy as np
import pytest

from server.engine.datasets import make_dataset
from server.errors import Diverged, FieldError
from server.networks import network as network_module
from server.networks.plot import PlotRequest
from server.networks.store import MemoryStore as NetworkStore


def _trained_network():
    network = NetworkStore().create(seed=2)
    network.use_points(make_dataset("sine", 20, 0.1, 0), 0.0)
    return network


def test_network_train_refused_for_its_plot_changes_nothing(monkeypatch) -> None:
    network = _trained_network()
    before = network.snapshot()
    monkeypatch.setattr(network_module, "function_grid",
                        lambda *args: np.full(5, np.inf))
    with pytest.raises(Diverged):
        network.train(3, 2, 0.0, PlotRequest(None, 0, 5))
    monkeypatch.undo()
    after = network.snapshot()
    assert after.step == before.step and after.params.equals(before.params)
    trained = network.train(3, 2, 0.0)
    assert trained.outcome.samples == 6  # the refused call's samples were not counted


def test_network_train_checks_the_plot_before_training() -> None:
    network = _trained_network()
    with pytest.raises(FieldError) as refused:
        network.train(3, 2, 0.0, PlotRequest(1, 5, 5))
    assert refused.value.field == "node"
    assert network.snapshot().step == 0
    assert network.train(3, 2, 0.0).outcome.samples == 6
