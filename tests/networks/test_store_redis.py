"""The Redis store against a real redis-server: it behaves as the memory store, to the last
bit; its records are JSON and raw bytes; a dead lock holder leaves nothing half-written."""

import asyncio
import contextlib
import time
from collections.abc import Iterator

import numpy as np
import pytest

from server.engine.datasets import Points
from server.errors import NetworkBusy, NetworkNotFound
from server.networks import codec, store_redis
from server.networks.network import Network
from server.networks.store import MemoryStore
from server.networks.store_redis import RedisStore


class Driven:
    """The store as a test drives it: its async calls run on one event loop of the test's,
    and `open` is a call's lease as a context manager (what the app's calls do)."""

    def __init__(self, store: RedisStore, runner: asyncio.Runner) -> None:
        self.store = store
        self.run = runner.run

    @property
    def redis(self):
        return self.store.redis

    def create(self, **fields):
        return self.run(self.store.new(**fields))

    @contextlib.contextmanager
    def open(self, network_id: str, with_data: bool = False) -> Iterator[Network]:
        lease = self.run(self.store.acquire(network_id, with_data))
        try:
            yield lease.network
        except BaseException:
            self.run(lease.release())
            raise
        lease.finish()
        self.run(lease.commit())

    def delete(self, network_id: str) -> None:
        self.run(self.store.delete(network_id))

    def __len__(self) -> int:
        return len(self.store)


@pytest.fixture
def runner() -> Iterator[asyncio.Runner]:
    with asyncio.Runner() as r:
        yield r


def _driven(url: str, runner: asyncio.Runner, **options) -> Driven:
    return Driven(RedisStore(url, **options), runner)


@pytest.fixture
def store(redis_url: str, runner: asyncio.Runner) -> Iterator[Driven]:
    s = _driven(redis_url.rsplit("/", 1)[0] + "/2", runner)  # a database of its own
    s.store.flush()
    yield s
    s.store.flush()
    s.store.close()


def _a(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def _same_network(a: Network, b: Network) -> None:
    sa, sb = a.snapshot(), b.snapshot()
    assert (sa.arch, sa.learning_rate, sa.l2, sa.step, sa.seed) == \
        (sb.arch, sb.learning_rate, sb.l2, sb.step, sb.seed)
    assert sa.params.equals(sb.params)
    assert (sa.trace is None) == (sb.trace is None)
    if sa.trace is not None:
        assert codec.pack(sa.trace) == codec.pack(sb.trace)  # every array, bit for bit


def _packed_dataset(network: Network) -> bytes | None:
    data = network.dataset()
    return None if data is None else codec.pack(
        [data.name, data.size, data.noise, data.seed, data.test_fraction, data.train, data.test])


# Calls as the API makes them: (name, function of a network).
CALLS = [
    ("forward", lambda n: n.forward(_a(0.3, -0.2), _a(1.0))),
    ("backward", lambda n: n.backward()),
    ("update", lambda n: n.update()),
    ("step", lambda n: n.step(_a(-0.5, 0.7), _a(0.0))),
    ("batch step", lambda n: n.step(np.array([[0.1, 0.2], [0.3, -0.4]]), np.array([[1.0], [0.0]]))),
    ("dataset", lambda n: n.generate_dataset("xor", 120, 0.1, 4, 0.25)),
    ("train", lambda n: n.train(37, 10, None)),
    ("train full", lambda n: n.train(5, None, 0.01)),
    ("add point", lambda n: n.add_point("train", _a(0.9, 0.9), _a(1.0))),
    ("remove point", lambda n: n.remove_point("test", 0)),
    ("configure", lambda n: n.configure(learning_rate=0.3, activation="tanh", l2=0.001)),
    ("set weight", lambda n: n.set_weight(0, 1, 2, 0.25)),
    ("set bias", lambda n: n.set_bias(1, 0, -0.1)),
    ("train again", lambda n: n.train(64, 1, None)),
    ("reset", lambda n: n.reset()),
    ("train after reset", lambda n: n.train(12, 32, None)),
    ("forward", lambda n: n.forward(_a(0.3, -0.2), _a(1.0))),
]


def test_store_redis_calls_give_what_the_memory_store_gives(store: Driven) -> None:
    memory = MemoryStore().create(seed=11, layers=(2, 3, 1))
    shared = store.create(seed=11, layers=(2, 3, 1)).id
    for name, call in CALLS:
        expected = call(memory)
        with store.open(shared, with_data=name.startswith("train")) as network:
            got = call(network)
        if hasattr(expected, "outcome"):  # a training call: the same losses, to the bit
            assert expected.outcome.train_loss == got.outcome.train_loss, name
            assert np.array_equal(expected.outcome.result.history_losses,
                                  got.outcome.result.history_losses), name
        with store.open(shared) as network:
            _same_network(memory, network)
            assert _packed_dataset(network) == _packed_dataset(memory), name


def test_store_redis_resumes_a_network_where_it_stood(store: Driven) -> None:
    memory = MemoryStore().create(seed=3, step=7, samples_trained=40)
    shared = store.create(seed=3, step=7, samples_trained=40).id
    for n in (memory,):
        n.generate_dataset("sine", 50, 0.0, 1, 0.0)
        n.train(3, 10, None)
    with store.open(shared, with_data=True) as network:
        network.generate_dataset("sine", 50, 0.0, 1, 0.0)
    with store.open(shared, with_data=True) as network:
        trained = network.train(3, 10, None)
    assert trained.outcome.samples == 70
    with store.open(shared) as network:
        _same_network(memory, network)


def test_store_redis_records_are_json_and_bytes_never_pickle(store: Driven) -> None:
    network = store.create(seed=1)
    with store.open(network.id) as n:
        n.step(_a(0.5), _a(0.2))
    core = store.redis.hget(f"bp:{network.id}:net", "core")
    header = int.from_bytes(core[:4], "little")
    assert core[4:5] == b"{" and b'"$t":"Trace"' in core[4:4 + header]
    assert b"pickle" not in core and not core.startswith(b"\x80")
    with pytest.raises(codec.CodecError):
        codec.unpack(b"\x0f\x00\x00\x00" + b'{"$t":"system"}')
    with pytest.raises(TypeError):
        codec.pack(object())


def test_store_redis_a_refused_call_changes_nothing(store: Driven) -> None:
    network = store.create(seed=1)
    before = store.redis.hgetall(f"bp:{network.id}:net")
    with pytest.raises(ValueError), store.open(network.id) as n:
        n.step(_a(0.5), _a(0.2))
        raise ValueError("a call that fails after its work")
    assert store.redis.hgetall(f"bp:{network.id}:net") == before


def test_store_redis_calls_on_one_network_are_serialized(store: Driven) -> None:
    shared = store.create(seed=5).id
    alone = MemoryStore().create(seed=5)
    stores = [RedisStore(store.store.url) for _ in range(4)]  # as four processes would

    async def step(i: int) -> None:
        lease = await stores[i % 4].acquire(shared)
        await asyncio.sleep(0)  # let the others try the lock meanwhile
        lease.network.step(_a(0.3), _a(0.9))
        lease.finish()
        await lease.commit()

    async def all_at_once() -> None:
        await asyncio.gather(*(step(i) for i in range(40)))

    store.run(all_at_once())
    for _ in range(40):
        alone.step(_a(0.3), _a(0.9))
    with store.open(shared) as n:
        assert n.snapshot().step == 40
        assert n.snapshot().params.equals(alone.snapshot().params)


def test_store_redis_a_dead_lock_holder_writes_nothing_and_its_lock_expires(
        store: Driven, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_redis, "LOCK_SECONDS", 0.3)
    network = store.create(seed=2).id
    with store.open(network) as n:
        n.step(_a(0.1), _a(0.5))
    before = store.redis.hget(f"bp:{network}:net", "core")
    # A process takes the lock, changes the network and "dies" before it writes: its event
    # loop never runs again, so nothing renews its lock.
    elsewhere = asyncio.Runner()
    dead = elsewhere.run(RedisStore(store.store.url).acquire(network))
    dead.network.step(_a(0.9), _a(0.0))
    started = time.monotonic()
    with store.open(network) as n:  # waits for the lock to expire
        waited = time.monotonic() - started
        assert n.snapshot().step == 1
    assert waited >= 0.2
    assert store.redis.hget(f"bp:{network}:net", "core") == before
    # A holder that outlived its lock cannot write any more: refused, nothing changed.
    with store.open(network) as n:
        pass
    monkeypatch.setattr(store_redis, "LOCK_SECONDS", 0.05)
    late = elsewhere.run(RedisStore(store.store.url).acquire(network))
    late.network.step(_a(0.2), _a(0.2))
    time.sleep(0.1)  # its process stalls: its loop does not run, its lock is not renewed
    with store.open(network) as n:
        n.forward(_a(0.3), _a(0.3))  # another call took the lock meanwhile
    after = store.redis.hget(f"bp:{network}:net", "core")
    late.finish()
    with pytest.raises(NetworkBusy):
        elsewhere.run(late.commit())
    assert store.redis.hget(f"bp:{network}:net", "core") == after
    elsewhere.close()


def test_store_redis_a_call_that_outlasts_the_lock_keeps_it_by_renewing(
        store: Driven, monkeypatch: pytest.MonkeyPatch) -> None:
    """A live call's lock is renewed for as long as it runs (waiting for a heavy worker or
    working): another call waits, and the first one's write is kept."""
    monkeypatch.setattr(store_redis, "LOCK_SECONDS", 0.15)
    network = store.create(seed=2).id

    async def long_then_short() -> list[str]:
        order: list[str] = []
        lease = await store.store.acquire(network)
        other = asyncio.create_task(store.store.acquire(network))
        await asyncio.sleep(0.6)  # four lock lifetimes: the lock is renewed meanwhile
        assert not other.done()
        lease.network.step(_a(0.1), _a(0.5))
        lease.finish()
        await lease.commit()
        order.append("long")
        second = await other
        order.append(f"short at step {second.network.snapshot().step}")
        await second.release(unchanged=True)
        return order

    assert store.run(long_then_short()) == ["long", "short at step 1"]


def test_store_redis_evicts_the_least_recently_used_and_says_expired(
        redis_url: str, runner: asyncio.Runner) -> None:
    url = redis_url.rsplit("/", 1)[0] + "/2"
    first, second = _driven(url, runner, capacity=3), _driven(url, runner, capacity=3)
    first.store.flush()
    ids = [first.create().id, second.create().id, first.create().id]
    with second.open(ids[0]):
        pass  # ids[1] is now the least recently used
    ids.append(second.create().id)
    assert len(first) == 3
    with pytest.raises(NetworkNotFound) as gone, first.open(ids[1]):
        pass
    assert gone.value.expired
    with pytest.raises(NetworkNotFound) as never, first.open("never-was"):
        pass
    assert not never.value.expired
    second.delete(ids[0])
    with pytest.raises(NetworkNotFound) as deleted:
        first.delete(ids[0])
    assert not deleted.value.expired
    first.store.flush()


def test_store_redis_bounds_the_data_and_every_key_expires(
        redis_url: str, runner: asyncio.Runner) -> None:
    url = redis_url.rsplit("/", 1)[0] + "/2"
    store = _driven(url, runner, data_bytes=150_000)
    store.store.flush()
    ids = []
    points = Points(np.full((2000, 2), 0.25), np.full((2000, 1), 0.5))
    for _ in range(4):
        network = store.create(layers=(2, 3, 1))
        with store.open(network.id, with_data=True) as n:
            n.use_points(points, 0.0)  # kept as their numbers: 48,000 bytes and more
        ids.append(network.id)
    assert store.store.data_in_use <= 150_000
    assert len(store) == 3  # the records' bytes, as stored (a built-in set: its spec only)
    with pytest.raises(NetworkNotFound), store.open(ids[0]):
        pass
    for key in store.redis.scan_iter("bp:*"):
        assert store.redis.ttl(key) > 0, key
    store.store.flush()


def test_store_redis_an_empty_store_given_to_the_app_is_the_one_it_uses(store: Driven) -> None:
    from server.main import create_app

    assert len(store) == 0  # an empty store is falsy: the app must not take another
    assert create_app(store=store.store).state.store is store.store


def test_store_redis_calls_at_once_share_pipelines_each_with_its_own_reply(
        store: Driven, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands one event loop's calls issue in a turn go as one pipeline, at most
    REDIS_PIPELINES in flight; each call gets its own reply, and an error reply reaches
    only the command it answers."""
    ids = [store.create(seed=n).id for n in range(40)]
    sent: list[int] = []
    in_flight = [0, 0]  # now, most
    pipeline = store_redis._Client._pipeline

    async def counted(self, commands):
        sent.append(len(commands))
        in_flight[0] += 1
        in_flight[1] = max(in_flight[1], in_flight[0])
        try:
            return await pipeline(self, commands)
        finally:
            in_flight[0] -= 1

    monkeypatch.setattr(store_redis._Client, "_pipeline", counted)

    async def step(network_id: str, x: float) -> None:
        lease = await store.store.acquire(network_id)
        lease.network.step(_a(x), _a(0.5))
        lease.finish()
        await lease.commit()

    async def all_at_once() -> list[object]:
        await asyncio.gather(*(step(i, n / 40) for n, i in enumerate(ids)))
        client = store.store._client()
        return await asyncio.gather(
            client.command("SET", "bp:test:text", "a"),
            client.command("HGET", "bp:test:text", "field"),  # not a hash: an error
            client.command("GET", "bp:test:text"), return_exceptions=True)

    replies = store.run(all_at_once())
    assert sum(sent) >= 2 * 40 + 3  # each step's lock and read, then its write
    assert len(sent) < sum(sent) / 4 and in_flight[1] <= store_redis.REDIS_PIPELINES
    assert replies[0] is True and replies[2] == b"a"
    assert isinstance(replies[1], store_redis.redis.ResponseError)
    assert "WRONGTYPE" in str(replies[1])
    for n, network_id in enumerate(ids):
        alone = MemoryStore().create(seed=n)
        alone.step(_a(n / 40), _a(0.5))
        with store.open(network_id) as network:
            assert network.snapshot().params.equals(alone.snapshot().params)


def test_store_redis_scripts_that_redis_forgot_are_loaded_again(store: Driven) -> None:
    network = store.create(seed=3).id
    store.redis.script_flush()  # as a restart of Redis without its scripts would
    with store.open(network) as n:
        n.step(_a(0.1), _a(0.5))
    assert store.create(seed=4).id
    with store.open(network) as n:
        assert n.snapshot().step == 1
