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
