"""Concurrent calls over real HTTP, against a live uvicorn."""

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def _call(base_url: str, method: str, path: str, body: object | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base_url + path, data=data, method=method,
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_concurrency_fifty_steps_on_one_network_equal_fifty_sequential(base_url: str) -> None:
    shared = _call(base_url, "POST", "/api/networks", {"seed": 9})["id"]
    alone = _call(base_url, "POST", "/api/networks", {"seed": 9})["id"]
    sample = {"input": [0.6], "target": [0.1]}
    with ThreadPoolExecutor(max_workers=50) as pool:
        traces = list(pool.map(
            lambda _: _call(base_url, "POST", f"/api/networks/{shared}/step", sample),
            range(50)))
    assert sorted(t["step"] for t in traces) == list(range(1, 51))  # each saw a whole step
    for _ in range(50):
        _call(base_url, "POST", f"/api/networks/{alone}/step", sample)
    a = _call(base_url, "GET", f"/api/networks/{shared}")
    b = _call(base_url, "GET", f"/api/networks/{alone}")
    assert a["step"] == b["step"] == 50
    assert a["weights"] == b["weights"] and a["biases"] == b["biases"]


def test_concurrency_a_step_on_a_busy_network_waits_without_holding_up_the_loop() -> None:
    """A step on a network held by another call (here: this test) waits for it without
    blocking the event loop or a thread, and the app answers others meanwhile. Released,
    the step goes on, as one whole step."""
    import threading

    from fastapi.testclient import TestClient

    from server.main import create_app
    from server.networks.store import MemoryStore

    app = create_app(store=MemoryStore())  # whatever store the other tests run on
    with TestClient(app) as client:
        network_id = client.post("/api/networks", json={"seed": 4}).json()["id"]
        other = client.post("/api/networks", json={"seed": 4}).json()["id"]
        sample = {"input": [0.6], "target": [0.1]}
        answers: list[int] = []
        held = app.state.store.open(network_id)
        held.__enter__()  # another call holds the network
        try:
            waiting = threading.Thread(target=lambda: answers.append(client.post(
                f"/api/networks/{network_id}/step", json=sample).status_code))
            waiting.start()
            waiting.join(0.3)
            assert waiting.is_alive() and not answers  # it waits for the network
            # ... while the loop serves other calls: a step on another network, a read.
            assert client.post(f"/api/networks/{other}/step", json=sample).status_code == 200
            assert client.get("/api/health").status_code == 200
        finally:
            held.__exit__(None, None, None)
        waiting.join(10)
        assert answers == [200]
        mine, theirs = (client.get(f"/api/networks/{n}").json() for n in (network_id, other))
        assert mine["step"] == theirs["step"] == 1 and mine["weights"] == theirs["weights"]


def test_concurrency_only_small_passes_run_on_the_event_loop(monkeypatch) -> None:
    """A step on one sample runs on the loop; a mini-batch of 100 on 8 layers of 8 (about 3 ms
    of work), and the backward pass of that batch, go to the thread pool."""
    from fastapi.testclient import TestClient
    from starlette.concurrency import run_in_threadpool

    from server.api import calls
    from server.main import create_app
    from server.networks.store import MemoryStore

    hops: list[int] = []

    async def counted(func, *args, **kwargs):
        hops.append(1)
        return await run_in_threadpool(func, *args, **kwargs)

    monkeypatch.setattr(calls, "run_in_threadpool", counted)
    with TestClient(create_app(store=MemoryStore())) as client:
        small = client.post("/api/networks", json={"seed": 1}).json()["id"]
        assert client.post(f"/api/networks/{small}/step",
                           json={"input": [0.5], "target": [0.5]}).status_code == 200
        assert hops == []
        large = client.post("/api/networks", json={"layers": [8] * 8}).json()["id"]
        batch = {"samples": [{"input": [0.1 * k] * 8, "target": [0.5] * 8} for k in range(100)]}
        assert client.post(f"/api/networks/{large}/forward", json=batch).status_code == 200
        assert client.post(f"/api/networks/{large}/backward").status_code == 200
        assert hops == [1, 1]
        assert client.post(f"/api/networks/{large}/step",
                           json={"input": [0.5] * 8, "target": [0.5] * 8}).status_code == 200
        assert hops == [1, 1]  # one sample on 8 layers of 8: on the loop


def test_concurrency_a_request_that_does_not_fit_the_network_is_refused_without_its_lock(
        ) -> None:
    """A request is checked against the network's shape (which never changes) before its
    call takes the network's lock: while another call holds the network, a misshapen one
    is refused at once, and a well-shaped one waits its turn."""
    import asyncio
    import threading

    from fastapi.testclient import TestClient

    from server.main import create_app

    app = create_app()  # on the store the tests run on (memory, or Redis)
    with TestClient(app) as client:
        network_id = client.post("/api/networks", json={"seed": 4}).json()["id"]
        url = f"/api/networks/{network_id}"
        held, release = threading.Event(), threading.Event()

        def hold() -> None:  # another call holds the network, on a loop of its own
            async def holding() -> None:
                lease = await app.state.store.acquire(network_id)
                held.set()
                while not release.is_set():
                    await asyncio.sleep(0.01)
                await lease.release(unchanged=True)

            asyncio.run(holding())

        holder = threading.Thread(target=hold)
        holder.start()
        try:
            assert held.wait(10)
            for path, body, field in [
                ("/forward", {"input": [0.1, 0.2], "target": [0.5]}, "input"),
                ("/step", {"samples": [{"input": [0.1], "target": [0.5, 0.5]}]},
                 "samples[0].target"),
                ("/gradcheck", {"input": [], "target": [0.5]}, "input"),
                ("/dataset/train", {"input": [0.1, 0.3], "target": [0.5]}, "input"),
            ]:
                response = client.post(url + path, json=body)
                assert response.status_code == 422, (path, response.text)
                assert response.json()["errors"][0]["field"] == field
            assert not release.is_set() and holder.is_alive()  # refused while still held
        finally:
            release.set()
            holder.join(10)
        assert client.get(url).json()["step"] == 0
