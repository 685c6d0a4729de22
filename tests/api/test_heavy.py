"""Heavy calls (training, plot grids, the data) run in a bounded pool of their own: with it
full, the cheap routes still answer. No timing is asserted, only that nothing waits behind
the pool."""

import threading
import time

from fastapi.testclient import TestClient

from server.engine import kernel
from server.limits import HEAVY_WORKERS
from server.main import create_app
from server.networks import inspection, store_redis
from server.networks.network import Network


def _network_with_data(client: TestClient) -> str:
    network = client.post("/api/networks", json={"seed": 1}).json()["id"]
    assert client.put(f"/api/networks/{network}/dataset", json={"name": "sine"}).status_code == 200
    return network


def test_heavy_pool_full_leaves_health_and_step_answering(monkeypatch) -> None:
    """The pool's workers held by two training calls, three more heavy calls queued: health,
    a step and a read of a queued call's network answer. Deterministic: the calls that take
    the workers are started first and waited for, the queue is read off the pool, and the
    held calls outlast their network's lock three times over (with Redis, a lock lives
    LOCK_SECONDS, made 1 s here; a live call's lock is renewed every third of that).

    This test failed once in two runs on Redis: the lock of a held training call expired (5 s
    without renewal; the run was slow on a clean clone, where the training kernel compiles
    in a thread at start-up, holding the interpreter for long stretches), so its write was
    refused and it answered 503. The kernel is readied before the app starts here: its
    loading stalled the event loop (and so the renewals) by up to 0.36 s."""
    assert kernel.warm_up()
    monkeypatch.setattr(store_redis, "LOCK_SECONDS", 1.0)
    entered = threading.Semaphore(0)
    working: list[str] = []  # the networks whose heavy calls hold the pool's workers
    release = threading.Event()
    train, function = Network.train, inspection.function

    def blocked(method):
        def wait_then_call(network_or_snapshot, *args, **kwargs):
            working.append(network_or_snapshot.id)
            entered.release()
            release.wait(60)
            return method(network_or_snapshot, *args, **kwargs)
        return wait_then_call

    monkeypatch.setattr(Network, "train", blocked(train))
    monkeypatch.setattr(inspection, "function", blocked(function))
    app = create_app()
    with TestClient(app) as client:
        busy = [_network_with_data(client) for _ in range(HEAVY_WORKERS + 3)]
        other = client.post("/api/networks", json={"seed": 2}).json()["id"]
        statuses: dict[str, int] = {}

        def heavy(network: str, kind: str) -> None:
            if kind == "function":
                response = client.get(f"/api/networks/{network}/function")
            else:
                response = client.post(f"/api/networks/{network}/train", json={"steps": 5})
            statuses[network] = response.status_code

        holding = [threading.Thread(target=heavy, args=(network, "train"))
                   for network in busy[:HEAVY_WORKERS]]
        for caller in holding:
            caller.start()
        for _ in range(HEAVY_WORKERS):  # the pool is full, of training calls ...
            assert entered.acquire(timeout=30)
        queued = [threading.Thread(target=heavy, args=(network, ("train", "function")[i % 2]))
                  for i, network in enumerate(busy[HEAVY_WORKERS:])]
        for caller in queued:
            caller.start()
        pool = app.state.calls.heavy
        deadline = time.monotonic() + 30
        while pool._slots.waiting < len(queued):  # ... and the others wait in its queue
            assert time.monotonic() < deadline
            time.sleep(0.01)
        try:
            answers: dict[str, int] = {}

            def cheap() -> None:
                answers["health"] = client.get("/api/health").status_code
                answers["step"] = client.post(f"/api/networks/{other}/step",
                                              json={"input": [0.5], "target": [0.2]}).status_code
                # a network whose heavy call waits in the queue: it holds no lock meanwhile
                answers["read"] = client.get(f"/api/networks/{busy[-1]}").status_code

            reader = threading.Thread(target=cheap)
            reader.start()
            reader.join(30)
            assert not reader.is_alive(), "a cheap route waited behind the heavy calls"
            assert answers == {"health": 200, "step": 200, "read": 200}
            assert sorted(working) == sorted(busy[:HEAVY_WORKERS])
            time.sleep(3.0)  # the held calls outlast their locks' lifetime three times over
        finally:
            release.set()
            for caller in holding + queued:
                caller.join(60)
        assert [statuses[network] for network in busy] == [200] * len(busy)
