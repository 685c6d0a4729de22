"""Several uvicorn worker processes on one Redis: calls on one network stay serialized
across processes, and killing a worker (kill -9) in the middle of the load loses no network
and leaves no inconsistent trace."""

import http.client
import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from bench.server import running_server
from server.networks.store import MemoryStore
from server.networks.store_redis import RedisStore

SAMPLE = {"input": [0.3], "target": [0.9]}


def _call(url: str, method: str, path: str, body: object | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def workers(redis_url: str) -> Iterator[tuple[str, int]]:
    """4 uvicorn workers on Redis (a database of their own); yields (URL, main pid)."""
    store = redis_url.rsplit("/", 1)[0] + "/3"
    RedisStore(store).flush()
    pids: list[int] = []
    with running_server(workers=4, store=store, pids=pids) as url:
        yield url, pids[0]


def _sequential(seed: int, steps: int) -> MemoryStore:
    network = MemoryStore().create(seed=seed)
    for _ in range(steps):
        network.step(np.array(SAMPLE["input"]), np.array(SAMPLE["target"]))
    return network.snapshot()


def _worker_pids(main: int) -> list[int]:
    """The worker processes (not multiprocessing's resource tracker)."""
    out = subprocess.run(["pgrep", "-P", str(main)], capture_output=True, text=True)
    pids = []
    for pid in out.stdout.split():
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            if b"resource_tracker" not in f.read():
                pids.append(int(pid))
    return pids


def test_workers_fifty_concurrent_steps_equal_fifty_sequential(workers) -> None:
    url, _ = workers
    network = _call(url, "POST", "/api/networks", {"seed": 9})["id"]
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda _: _call(url, "POST", f"/api/networks/{network}/step", SAMPLE),
                      range(50)))
    got = _call(url, "GET", f"/api/networks/{network}")
    expected = _sequential(9, 50)
    assert got["step"] == 50
    assert got["weights"] == [w.tolist() for w in expected.params.weights]
    assert got["biases"] == [b.tolist() for b in expected.params.biases]


def test_workers_kill_9_of_a_worker_loses_no_network_and_no_consistency(workers) -> None:
    url, main = workers
    networks = [_call(url, "POST", "/api/networks", {"seed": s})["id"] for s in range(8)]
    for n in networks:
        _call(url, "PUT", f"/api/networks/{n}/dataset", {"name": "sine", "size": 100})
    done = {n: 0 for n in networks}
    failed = {n: 0 for n in networks}
    stop = threading.Event()
    lock = threading.Lock()

    def load(n: str) -> None:
        while not stop.is_set():
            try:
                _call(url, "POST", f"/api/networks/{n}/step", SAMPLE)
                with lock:
                    done[n] += 1
            except (urllib.error.URLError, OSError, http.client.HTTPException):
                # (HTTPException: the answer cut short, e.g. IncompleteRead, once its
                # headers were sent)
                with lock:
                    failed[n] += 1  # the call was on the killed worker: it may or may not
                    # have been written, but never half

    threads = [threading.Thread(target=load, args=(n,)) for n in networks for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    victims = _worker_pids(main)
    assert len(victims) == 4
    os.kill(victims[0], signal.SIGKILL)
    time.sleep(2.0)
    stop.set()
    for t in threads:
        t.join()
    # uvicorn starts a new worker in its place; every network is there and consistent.
    for n, seed in zip(networks, range(8), strict=True):
        got = _call(url, "GET", f"/api/networks/{n}")
        assert done[n] <= got["step"] <= done[n] + failed[n]
        expected = _sequential(seed, got["step"])
        assert got["weights"] == [w.tolist() for w in expected.params.weights]
        trace = got["trace"]
        assert trace["step"] == got["step"]
        assert trace["phase"] == "update"
        assert [[[w["w"] for w in row] for row in layer]
                for layer in trace["weights"]] == got["weights"]
        # The trace's dE/dw are those of the step before: the weights of step − 1.
        before = _sequential(seed, got["step"] - 1)
        assert [[[w["w_before"] for w in row] for row in layer]
                for layer in trace["weights"]] == [w.tolist() for w in before.params.weights]
        assert _call(url, "GET", f"/api/networks/{n}/dataset")["train"]
    assert sum(done.values()) > 50
