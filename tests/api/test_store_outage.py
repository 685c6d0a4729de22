"""A Redis outage, with a real redis-server stopped and started again on the same port: calls
are answered 503 with Retry-After and a message naming the store, /api/health says
"degraded", the log holds one line for the outage and one for its end (no traceback per
call), and the calls succeed again at once when Redis is back."""

import contextlib
import logging
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient

from server.main import create_app
from server.networks.store_redis import RedisStore


class RestartableRedis:
    """A redis-server on a fixed loopback port, keeping its data in an append-only file
    (so that a restart finds the networks again), stopped and started by the test."""

    def __init__(self, workdir: str) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "always", "--dir", self.workdir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture
def restartable() -> Iterator[RestartableRedis]:
    with tempfile.TemporaryDirectory() as workdir:
        server = RestartableRedis(workdir)
        server.start()
        try:
            yield server
        finally:
            if server.proc is not None:
                server.stop()


SAMPLE = {"input": [0.5], "target": [0.2]}
# The app compiles its training kernel in a thread at start, and says so when it is ready:
# on a loaded machine that line came during the test (which then counted two lines).
KERNEL_LOG = "server.engine.kernel"


def test_store_outage_is_503_with_retry_after_said_once_and_over_when_redis_is_back(
        restartable: RestartableRedis, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with TestClient(create_app(store=RedisStore(restartable.url)),
                    raise_server_exceptions=False) as client:
        network = client.post("/api/networks", json={"seed": 1}).json()["id"]
        url = f"/api/networks/{network}"
        assert client.post(f"{url}/step", json=SAMPLE).json()["step"] == 1
        assert client.get("/api/health").json() == {"status": "ok", "store": "redis"}

        restartable.stop()
        caplog.clear()
        for method, path, body in [("POST", f"{url}/step", SAMPLE), ("GET", url, None),
                                   ("POST", "/api/networks", {}), ("DELETE", url, None),
                                   ("POST", f"{url}/train", {"steps": 1})] * 3:
            response = client.request(method, path, json=body)
            assert response.status_code == 503, (path, response.text)
            assert int(response.headers["retry-after"]) >= 1
            assert "Redis at 127.0.0.1" in response.json()["detail"]
            assert "store of networks" in response.json()["detail"]
        health = client.get("/api/health")
        assert health.status_code == 503 and health.json()["status"] == "degraded"
        assert health.json()["store"] == "redis" and "retry-after" in health.headers
        told = [r for r in caplog.records if r.name.startswith(("server", "uvicorn", "fastapi"))
                and r.name != KERNEL_LOG]
        assert len(told) == 1 and "cannot be reached" in told[0].getMessage(), told
        assert not any(r.exc_info for r in caplog.records)  # no traceback per call

        restartable.start()  # the same port, its data read back from the append-only file
        caplog.clear()
        assert client.post(f"{url}/step", json=SAMPLE).json()["step"] == 2  # at once
        assert client.get("/api/health").json() == {"status": "ok", "store": "redis"}
        assert client.post("/api/networks", json={}).status_code == 201
        told = [r for r in caplog.records if r.name.startswith("server")
                and r.name != KERNEL_LOG]
        assert len(told) == 1 and "answers again" in told[0].getMessage(), told


def test_store_outage_is_said_to_play_as_over_http(restartable: RestartableRedis) -> None:
    with TestClient(create_app(store=RedisStore(restartable.url))) as client:
        network = client.post("/api/networks", json={"seed": 1}).json()["id"]
        client.put(f"/api/networks/{network}/dataset", json={"name": "sine", "size": 20})
        with client.websocket_connect(f"/api/networks/{network}/play") as ws:
            restartable.stop()
            ws.send_json({"type": "play", "batch_size": 4})
            error = ws.receive_json()
            assert error["type"] == "error" and error["status"] == 503
            assert "Redis at" in error["detail"]
            assert ws.receive_json() == {"type": "paused"}
        with contextlib.suppress(Exception):
            restartable.start()
