"""The benchmark: prints training throughput, HTTP overhead, and Play in Chromium.

    .venv/bin/python -m bench [--quick]

1. The engine alone: samples per second with batch size 1 (plain SGD) and with the full batch
   of 10,000 samples, on the default 1-2-2-1 sigmoid network; and the time of the longest
   training call the API accepts (it must stay about a second).
2. One step over HTTP (POST /step) beside a no-op (GET /api/health), in the same run, with a
   keep-alive http.client connection (a client that adds little; not TestClient).
3. Play in Debian's Chromium: frames per second of the page and samples per second trained
   meanwhile, for batch sizes 1, 32 and the full batch.

Figures, not assertions: the machine is shared and noisy. Targets (issue "Training mode"):
full batch ≥ 5 million samples/s; Play ≥ 55 frames/s while training ≥ 1 million samples/s
with batches of 32 or more, and ≥ 30,000 samples/s with batch size 1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import time
from urllib.parse import urlsplit

import numpy as np

from server.engine.datasets import make_dataset
from server.engine.mlp import Architecture, init_parameters
from server.engine.sgd import new_cursor, train

from .server import running_server

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def engine(seconds: float) -> list[tuple[str, float]]:
    arch = Architecture((1, 2, 2, 1), "sigmoid", "sigmoid", "squared")
    data = make_dataset("sine", 10_000, 0.1, seed=0)
    rows = []
    for label, batch, steps in (("engine, batch 1", 1, 2_000), ("engine, batch 32", 32, 1_000),
                                ("engine, full batch of 10,000", 10_000, 20)):
        rng = np.random.default_rng(0)
        params = init_parameters(arch.layers, rng)
        cursor = new_cursor(data.X, data.T, rng)
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            result = train(arch, params, data.X, data.T, steps=steps, batch_size=batch,
                           learning_rate=0.1, l2=0.0, cursor=cursor, rng=rng)
            params = result.params
            done += steps * batch
        rows.append((label, done / (time.perf_counter() - start)))
    return rows


def largest_call() -> list[tuple[str, float]]:
    """The longest training call the server accepts: the largest network, steps and batch
    chosen just under the limit of about a second."""
    from server.limits import MAX_CALL_SECONDS
    from server.networks.workbench import estimated_seconds

    arch = Architecture((8,) * 8, "tanh", "sigmoid", "squared")
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (10_000, 8))
    T = rng.uniform(0, 1, (10_000, 8))
    rows = []
    for batch in (1, 100, 10_000):
        steps = 10_000
        while estimated_seconds(arch, steps, batch) > MAX_CALL_SECONDS:
            steps -= max(1, steps // 50)
        params = init_parameters(arch.layers, rng)
        start = time.perf_counter()
        train(arch, params, X, T, steps=steps, batch_size=batch, learning_rate=0.01, l2=0.0,
              cursor=new_cursor(X, T, rng), rng=rng)
        rows.append((f"largest train call, 8×8 net, {steps} × batch {batch}, s",
                     time.perf_counter() - start))
    return rows


def http_overhead(url: str, calls: int) -> list[tuple[str, float]]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port)

    def call(method: str, path: str, body: object | None = None) -> dict:
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers={"content-type": "application/json"})
        response = conn.getresponse()
        return json.loads(response.read() or b"null")

    network = call("POST", "/api/networks", {"seed": 1})["id"]
    sample = {"input": [0.5], "target": [0.2]}
    timings: dict[str, list[float]] = {"no-op (GET /api/health)": [], "step (POST /step)": []}
    for _ in range(calls):  # interleaved, so that both see the same machine
        for label, (method, path, body) in (
                ("no-op (GET /api/health)", ("GET", "/api/health", None)),
                ("step (POST /step)", ("POST", f"/api/networks/{network}/step", sample))):
            start = time.perf_counter()
            call(method, path, body)
            timings[label].append(time.perf_counter() - start)
    return [(f"HTTP {label}, median ms", statistics.median(t) * 1e3)
            for label, t in timings.items()]


def play(url: str, seconds: float) -> list[tuple[str, float, float]]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for label, batch, size in (("Play, batch 1", "1", 1000), ("Play, batch 32", "32", 10_000),
                                   ("Play, full batch of 10,000", "full", 10_000)):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(url + "/")
            page.wait_for_selector("body[data-ready=true]")
            page.fill("#data-size", str(size))
            page.fill("#test-fraction", "0")
            page.press("#test-fraction", "Enter")
            page.wait_for_selector('body[data-pending="0"]')
            page.select_option("#batch-size", batch)
            page.get_by_role("button", name="Play").click()
            page.wait_for_timeout(2000)  # the steps per call adapt first
            before = page.evaluate("({...window.backpropPlayStats, now: performance.now()})")
            page.wait_for_timeout(seconds * 1000)
            after = page.evaluate("({...window.backpropPlayStats, now: performance.now()})")
            page.get_by_role("button", name="Pause").click()
            elapsed = (after["now"] - before["now"]) / 1000
            rows.append((label, (after["frames"] - before["frames"]) / elapsed,
                         (after["samples"] - before["samples"]) / elapsed))
            page.close()
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description="Backprop Playground benchmark")
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    args = parser.parse_args()
    seconds = 1.0 if args.quick else 3.0
    print(f"{'measure':<44}{'value':>16}")
    for label, rate in engine(seconds):
        print(f"{label + ', samples/s':<44}{rate:>16,.0f}")
    for label, value in largest_call():
        print(f"{label:<54}{value:>6.2f}")
    with running_server() as url:
        for label, ms in http_overhead(url, 300 if args.quick else 1500):
            print(f"{label:<44}{ms:>16.3f}")
        for label, fps, rate in play(url, 3 if args.quick else 6):
            print(f"{label + ', frames/s':<44}{fps:>16.1f}")
            print(f"{label + ', samples/s':<44}{rate:>16,.0f}")


if __name__ == "__main__":
    main()
