"""The store of networks: serialized calls on one network, bounded size, LRU eviction."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from server.engine.datasets import Points
from server.engine.mlp import Parameters
from server.errors import Diverged, NetworkNotFound
from server.networks.store import MemoryStore as NetworkStore


def _a(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def _points(n: int, inputs: int, outputs: int) -> Points:
    return Points(np.full((n, inputs), 0.1), np.full((n, outputs), 0.2))


def test_store_concurrent_steps_equal_sequential_steps() -> None:
    store = NetworkStore()
    shared = store.create(seed=5)
    alone = store.create(seed=5)
    def step(_: int) -> None:
        with store.open(shared.id) as network:  # a call's hold on the network
            network.step(_a(0.3), _a(0.9))

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(step, range(50)))
    for _ in range(50):
        alone.step(_a(0.3), _a(0.9))
    a, b = shared.snapshot(), alone.snapshot()
    assert a.step == b.step == 50
    assert a.params.equals(b.params)


def test_store_store_is_bounded_and_evicts_the_least_recently_used() -> None:
    store = NetworkStore(capacity=100)
    first = store.create()
    ids = [store.create().id for _ in range(20_000)]
    assert len(store) == 100
    with pytest.raises(NetworkNotFound) as lost:
        store.get(first.id)
    assert lost.value.expired
    assert store.get(ids[-1]).id == ids[-1]
    with pytest.raises(NetworkNotFound) as unknown:
        store.get("never-was")
    assert not unknown.value.expired


def test_store_ids_are_unguessable() -> None:
    store = NetworkStore()
    ids = {store.create().id for _ in range(200)}
    assert len(ids) == 200
    assert all(len(i) == 32 for i in ids)  # 24 random bytes, base64url: 192 bits


def test_store_memory_stays_bounded_by_the_capacity() -> None:
    import tracemalloc

    capacity = 200
    store = NetworkStore(capacity=capacity)
    tracemalloc.start()
    try:
        def fill(count: int) -> int:
            for n in range(count):
                network = store.create(layers=(8,) * 8, seed=n)  # the largest shape
                network.step(_a(*[0.1] * 8), _a(*[0.2] * 8))  # with a full pass held
            return tracemalloc.get_traced_memory()[0]

        after_first = fill(2 * capacity)
        after_many = fill(10 * capacity)
    finally:
        tracemalloc.stop()
    assert len(store) == capacity
    # README: each network holds under 40 KB, so the store stays under capacity × 40 KB.
    assert after_many < capacity * 40_000
    assert after_many < after_first * 1.2  # more creations, no more memory


def test_store_one_busy_network_does_not_block_another() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from fastapi.testclient import TestClient

    from server.main import create_app
    from server.networks.store import MemoryStore

    app = create_app(store=MemoryStore())
    with TestClient(app) as client, ThreadPoolExecutor(max_workers=1) as pool:
        a = client.post("/api/networks", json={}).json()["id"]
        b = client.post("/api/networks", json={}).json()["id"]
        opened = app.state.store.open(a)  # as if a long call were running on network a
        opened.__enter__()
        try:
            waiting = pool.submit(client.post, f"/api/networks/{a}/step",
                                  json={"input": [1.0], "target": [0.0]})
            assert client.post(f"/api/networks/{b}/step",
                               json={"input": [1.0], "target": [0.0]}).status_code == 200
            assert not waiting.done()  # a's call waits for a's lock only
        finally:
            opened.__exit__(None, None, None)
        assert waiting.result(timeout=10).status_code == 200


def test_store_settings_change_that_would_diverge_changes_nothing() -> None:
    store = NetworkStore()
    # Weights beyond what the API accepts, to make a finite pass overflow once the hidden
    # sigmoid (which saturates at 1) becomes linear.
    network = store.create(layers=(1, 1, 1), activation="sigmoid", output_activation="sigmoid",
                           learning_rate=0.5,
                           initial=Parameters((np.array([[1e200]]), np.array([[1e200]])),
                                              (_a(0.0), _a(0.0))))
    network.forward(_a(1.0), _a(0.0))
    before = network.snapshot()
    with pytest.raises(Diverged, match="diverged"):
        network.configure(activation="linear", learning_rate=0.01)
    after = network.snapshot()
    assert after.arch == before.arch and after.learning_rate == 0.5
    assert after.trace is before.trace


def test_store_datasets_together_stay_within_the_data_budget() -> None:
    import tracemalloc

    budget = 8 * 2**20
    store = NetworkStore(capacity=1000, data_bytes=budget)
    tracemalloc.start()
    try:
        ids = []
        for n in range(12):  # each holds 10,000 points of 8 inputs and 8 targets: 2.56 MB
            network = store.create(layers=(8, 8), seed=n)
            with store.open(network.id) as held:  # the store counts it as the call ends
                held.use_points(_points(10_000, 8, 8), 0.0)
            ids.append(network.id)
            assert store.data_in_use <= budget
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert held < budget + 4 * 2**20  # the datasets, and little else
    with pytest.raises(NetworkNotFound) as lost:
        store.get(ids[0])
    assert lost.value.expired
    assert store.get(ids[-1]).dataset() is not None
    assert len(store) == 3  # three datasets of 2.56 MB fit in 8 MB


def test_store_a_network_larger_than_the_budget_is_kept_alone() -> None:
    store = NetworkStore(data_bytes=1000)
    other = store.create()
    network = store.create(layers=(8, 8))
    with store.open(network.id) as held:
        held.use_points(_points(100, 8, 8), 0.0)
    assert store.get(network.id) is network  # the one in use is never evicted for itself
    with pytest.raises(NetworkNotFound):
        store.get(other.id)


def test_store_a_mini_batch_pass_counts_in_the_budget() -> None:
    """A network holding a step of 100 samples on 8 layers of 8 keeps every sample's numbers
    (about 210 KB): they count in the store's byte budget with the datasets, so that 2,000
    such networks no longer take 456 MB where about 70 were announced."""
    import tracemalloc

    budget = 4 * 2**20
    store = NetworkStore(capacity=1000, data_bytes=budget)
    X, T = np.full((100, 8), 0.1), np.full((100, 8), 0.2)
    tracemalloc.start()
    try:
        for n in range(60):
            network = store.create(layers=(8,) * 8, seed=n)
            with store.open(network.id) as held:
                held.step(X, T)
            assert store.data_in_use <= budget
        # What the server's own code allocated and still holds (another test's app may be
        # compiling the training kernel meanwhile, in a thread of its own).
        snapshot = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(True, "*/server/*")])
        kept = sum(stat.size for stat in snapshot.statistics("filename"))
    finally:
        tracemalloc.stop()
    assert 15 <= len(store) < 60  # the least recently used went, past the budget
    assert store.data_in_use > budget * 0.9  # and it is the passes that filled it
    assert kept < budget + 60 * 45_000  # the passes within the budget, and each network's rest
