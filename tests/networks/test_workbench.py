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


def test_workbench_a_long_call_stops_by_time_and_says_how_far_it_got(monkeypatch) -> None:
    """However busy the machine, a call ends after about MAX_CALL_SECONDS: here the time
    limit is tiny and the estimate generous, so the call stops after some pieces; what it
    did equals training that many steps in one call."""
    import time as clock

    from server.engine import costs
    from server.networks import workbench as wb
    from server.networks.store import MemoryStore

    stopped = MemoryStore().create(seed=4, layers=(2, 8, 8, 1))
    whole = MemoryStore().create(seed=4, layers=(2, 8, 8, 1))
    for n in (stopped, whole):
        n.generate_dataset("spiral", 400, 0.1, 2, 0.0)
    real_train = wb.kernel.train

    def slow_train(*args, **kwargs):
        clock.sleep(0.01)  # a machine busy with other work
        return real_train(*args, **kwargs)

    monkeypatch.setattr(wb, "MAX_CALL_SECONDS", 0.05)
    # accepted (0.04 s for the 2,000 steps asked), yet too slow
    monkeypatch.setattr(wb, "estimate", lambda *a: costs.Cost(costs.NUMPY, 0.0, 0.04 / 2000))
    monkeypatch.setattr(wb, "PIECE_SECONDS", 1e-9)  # every call trains in pieces
    monkeypatch.setattr(wb.kernel, "train", slow_train)
    trained = stopped.train(2000, 8, None)
    done = trained.outcome.steps
    assert 1 <= done < 2000
    assert trained.snapshot.step == done
    assert len(trained.outcome.result.history_steps) <= 200
    monkeypatch.setattr(wb, "MAX_CALL_SECONDS", 1e9)
    monkeypatch.setattr(wb, "PIECE_SECONDS", 1e9)
    again = whole.train(done, 8, None)
    assert again.snapshot.params.equals(trained.snapshot.params)
    assert again.outcome.samples == trained.outcome.samples


@pytest.mark.parametrize("batch", [1, 32, None])
def test_workbench_plan_within_a_time_takes_the_most_steps_the_estimate_puts_there(batch) -> None:
    from server.errors import PhaseConflict
    from server.networks.store import MemoryStore

    network = MemoryStore().create(seed=1, layers=(2, 8, 8, 1))
    arch = network.arch
    with pytest.raises(PhaseConflict):  # no data yet: training is refused
        network.workbench.plan(arch, 10_000, batch, 0.05)
    network.generate_dataset("spiral", 4000, 0.1, 2, 0.25)
    size = 3000 if batch is None else batch
    for seconds in (0.05, 0.5):
        plan = network.workbench.plan(arch, 10**9, batch, seconds)
        steps = plan.steps
        assert plan.batch_size == size and plan.seconds == estimated_seconds(arch, steps, size,
                                                                              4000)
        assert estimated_seconds(arch, steps, size, 4000) <= seconds or steps == 1
        assert estimated_seconds(arch, steps + 1, size, 4000) > seconds
    assert network.workbench.plan(arch, 10**9, batch, 1e-9).steps == 1
    assert network.workbench.plan(arch, 3, batch, 0.5).steps == 3  # never more than asked
