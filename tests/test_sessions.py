"""The store of networks: serialized calls on one network, bounded size, LRU eviction."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from server.sessions import NetworkNotFound, NetworkStore


def test_sessions_concurrent_steps_equal_sequential_steps() -> None:
    store = NetworkStore()
    shared = store.create(seed=5)
    alone = store.create(seed=5)
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda _: shared.step([0.3], [0.9]), range(50)))
    for _ in range(50):
        alone.step([0.3], [0.9])
    a, b = shared.snapshot(), alone.snapshot()
    assert a.step == b.step == 50
    assert a.params.equals(b.params)


def test_sessions_store_is_bounded_and_evicts_the_least_recently_used() -> None:
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


def test_sessions_ids_are_unguessable() -> None:
    store = NetworkStore()
    ids = {store.create().id for _ in range(200)}
    assert len(ids) == 200
    assert all(len(i) == 32 for i in ids)  # 24 random bytes, base64url: 192 bits
