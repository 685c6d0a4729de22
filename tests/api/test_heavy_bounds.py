"""The heavy pool's bounds: a full queue answers 503, one client over its share 429, both with
Retry-After and nothing done; a call whose client has gone while it waited never runs; an
answer says how long it waited apart from how long it worked; /api/health never waits for a
thread. No timing is asserted beyond the waits the tests cause themselves."""

import asyncio
import json
import threading
import time
from collections.abc import Iterator

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from server.api.heavy import HeavyPool
from server.main import create_app
from server.networks.network import Network


class Blocked:
    """Network.train held at its start until released; counts the calls that got there."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.entered = threading.Semaphore(0)
        self.release = threading.Event()
        self.calls: list[str] = []
        train = Network.train

        def held(network, *args, **kwargs):
            self.calls.append(network.id)
            self.entered.release()
            self.release.wait(30)
            return train(network, *args, **kwargs)

        monkeypatch.setattr(Network, "train", held)


def _network(client: TestClient) -> str:
    network = client.post("/api/networks", json={"seed": 1}).json()["id"]
    assert client.put(f"/api/networks/{network}/dataset",
                      json={"name": "sine", "size": 20}).status_code == 200
    return network


def _in_background(call) -> tuple[threading.Thread, list]:
    out: list = []
    thread = threading.Thread(target=lambda: out.append(call()))
    thread.start()
    return thread, out


@pytest.fixture
def app_with_small_pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple]:
    app = create_app()
    app.state.calls.heavy = HeavyPool(1, max_queue=1, per_client=2)
    blocked = Blocked(monkeypatch)
    yield app, blocked
    blocked.release.set()


def test_heavy_bounds_a_full_queue_is_503_and_one_client_over_its_share_429(
        app_with_small_pool) -> None:
    app, blocked = app_with_small_pool
    alice = TestClient(app, client=("10.0.0.1", 5000))
    bob = TestClient(app, client=("10.0.0.2", 5000))
    carol = TestClient(app, client=("10.0.0.3", 5000))
    with alice, bob, carol:
        networks = [_network(alice) for _ in range(4)]
        train = {"steps": 3}
        running, _ = _in_background(
            lambda: alice.post(f"/api/networks/{networks[0]}/train", json=train))
        assert blocked.entered.acquire(timeout=10)  # the pool's one worker is taken
        queued, answers = _in_background(
            lambda: alice.post(f"/api/networks/{networks[1]}/train", json=train))
        deadline = time.monotonic() + 10
        while app.state.calls.heavy._slots.waiting < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        # Alice has two heavy calls waiting or running: a third is hers too many.
        over = alice.post(f"/api/networks/{networks[2]}/train", json=train)
        assert over.status_code == 429, over.text
        assert int(over.headers["retry-after"]) >= 1 and "this client" in over.json()["detail"]
        # Bob is within his share, but the queue (1) is full.
        full = bob.post(f"/api/networks/{networks[3]}/train", json=train)
        assert full.status_code == 503, full.text
        assert int(full.headers["retry-after"]) >= 1 and "busy" in full.json()["detail"]
        # The cheap routes still answer, and the refused calls did nothing.
        assert carol.get("/api/health").status_code == 200
        for network in networks[2:]:
            assert alice.get(f"/api/networks/{network}").json()["step"] == 0
        blocked.release.set()
        running.join(30)
        queued.join(30)
        assert answers[0].status_code == 200
        options = carol.get("/api/options").json()["limits"]
        assert options["max_heavy_calls_per_client"] >= 5  # a page keeps about 5
        assert options["max_heavy_queue"] >= 1


def test_heavy_bounds_a_call_whose_client_went_while_it_waited_never_runs(
        app_with_small_pool) -> None:
    """Driven at the ASGI level, where the test tells when the client goes (a test client
    stays until its answer)."""
    app, blocked = app_with_small_pool
    with TestClient(app) as client:
        first, second = _network(client), _network(client)
        running, _ = _in_background(
            lambda: client.post(f"/api/networks/{first}/train", json={"steps": 3}))
        assert blocked.entered.acquire(timeout=10)

        async def call_then_go() -> list[dict]:
            sent: list[dict] = []
            gone = asyncio.Event()
            body = json.dumps({"steps": 3}).encode()
            messages = [{"type": "http.request", "body": body, "more_body": False}]

            async def receive() -> dict:
                if messages:
                    return messages.pop()
                await gone.wait()
                return {"type": "http.disconnect"}

            async def send(message: dict) -> None:
                sent.append(message)

            scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                     "method": "POST", "scheme": "http", "path": f"/api/networks/{second}/train",
                     "raw_path": f"/api/networks/{second}/train".encode(), "query_string": b"",
                     "root_path": "", "headers": [(b"content-type", b"application/json"),
                                                  (b"content-length", str(len(body)).encode())],
                     "client": ("10.0.0.9", 1), "server": ("testserver", 80)}
            call = asyncio.create_task(app(scope, receive, send))
            while app.state.calls.heavy._slots.waiting < 1:
                await asyncio.sleep(0.01)
            gone.set()  # the client goes while its call waits for the worker
            await asyncio.wait_for(call, 10)
            return sent

        client.portal.call(call_then_go)
        blocked.release.set()
        running.join(30)
        assert blocked.calls == [first]  # the second call never trained
        assert client.get(f"/api/networks/{second}").json()["step"] == 0


def test_heavy_bounds_an_answer_says_how_long_it_waited_apart_from_its_work(
        app_with_small_pool) -> None:
    app, blocked = app_with_small_pool
    with TestClient(app) as client:
        first, second = _network(client), _network(client)
        running, _ = _in_background(
            lambda: client.post(f"/api/networks/{first}/train", json={"steps": 3}))
        assert blocked.entered.acquire(timeout=10)
        queued, answers = _in_background(lambda: client.post(
            f"/api/networks/{second}/train", json={"steps": 3}))
        time.sleep(0.3)
        blocked.release.set()
        running.join(30)
        queued.join(30)
        timing = dict(part.split(";", 1) for part in
                      answers[0].headers["server-timing"].split(", "))
        wait = float(timing["wait"].split("dur=")[1].split(";")[0])
        work = float(timing["work"].split("dur=")[1])
        assert wait >= 250  # it waited for the worker, behind the held call (ms)
        assert answers[0].json()["seconds"] * 1000 <= work + 1
        step = client.post(f"/api/networks/{first}/step", json={"input": [0.1], "target": [0.2]})
        assert step.headers["server-timing"].startswith("wait;dur=")


def test_heavy_bounds_health_answers_while_every_thread_is_busy() -> None:
    """/api/health runs on the event loop: it answers while the default pool of threads is
    taken (it was a synchronous route, run in that pool)."""
    app = create_app()
    with TestClient(app) as client:
        release = threading.Event()

        async def one_thread_taken() -> None:
            anyio.to_thread.current_default_thread_limiter().total_tokens = 1

        client.portal.call(one_thread_taken)
        client.portal.start_task_soon(anyio.to_thread.run_sync, lambda: release.wait(30))
        time.sleep(0.1)
        try:
            checking, answers = _in_background(lambda: client.get("/api/health"))
            checking.join(5)
            assert answers and answers[0].status_code == 200
        finally:
            release.set()
