"""Heavy calls (training, plot grids, the data) run in a bounded pool of their own: with it
full, the cheap routes still answer. No timing is asserted, only that nothing waits behind
the pool."""

import threading

from fastapi.testclient import TestClient

from server.limits import HEAVY_WORKERS
from server.main import create_app
from server.networks import inspection
from server.networks.network import Network


def _network_with_data(client: TestClient) -> str:
    network = client.post("/api/networks", json={"seed": 1}).json()["id"]
    assert client.put(f"/api/networks/{network}/dataset", json={"name": "sine"}).status_code == 200
    return network


def test_heavy_pool_full_leaves_health_and_step_answering(monkeypatch) -> None:
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
    with TestClient(create_app()) as client:
        busy = [_network_with_data(client) for _ in range(HEAVY_WORKERS + 3)]
        other = client.post("/api/networks", json={"seed": 2}).json()["id"]
        statuses: list[int] = []

        def heavy(network: str, index: int) -> None:
            if index % 2:
                statuses.append(client.get(f"/api/networks/{network}/function").status_code)
            else:
                statuses.append(client.post(f"/api/networks/{network}/train",
                                            json={"steps": 5}).status_code)

        callers = [threading.Thread(target=heavy, args=(network, i))
                   for i, network in enumerate(busy)]
        for caller in callers:
            caller.start()
        try:
            for _ in range(HEAVY_WORKERS):  # the pool is full ...
                assert entered.acquire(timeout=30)
            assert not entered.acquire(timeout=0.3)  # ... and bounded: the others queue
            answers: dict[str, int] = {}

            def cheap() -> None:
                answers["health"] = client.get("/api/health").status_code
                answers["step"] = client.post(f"/api/networks/{other}/step",
                                              json={"input": [0.5], "target": [0.2]}).status_code
                # a network whose heavy call waits in the queue: it holds no lock meanwhile
                queued = next(n for n in busy if n not in working)
                answers["read"] = client.get(f"/api/networks/{queued}").status_code

            reader = threading.Thread(target=cheap)
            reader.start()
            reader.join(30)
            assert not reader.is_alive(), "a cheap route waited behind the heavy calls"
            assert answers == {"health": 200, "step": 200, "read": 200}
        finally:
            release.set()
            for caller in callers:
                caller.join(60)
        assert statuses == [200] * len(busy)
