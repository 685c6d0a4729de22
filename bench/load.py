"""A bounded load test on loopback: N clients for S seconds mixing create (with a dataset),
forward-backward-update ("phases", three calls), step, train and read; prints throughput and
p50/p99 latency per operation, and errors.

    .venv/bin/python -m bench.load [--clients 8] [--seconds 30] [--url http://127.0.0.1:8000]

Without --url it starts its own server on a free loopback port. Only loopback is allowed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import threading
import time
from collections import defaultdict
from urllib.parse import urlsplit

from .server import running_server

TRAIN_BODY = {"steps": 20, "batch_size": 16}


class Client:
    """One learner: a keep-alive connection and a network of its own."""

    def __init__(self, url: str, seed: int) -> None:
        parts = urlsplit(url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("the load test only targets loopback")
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.rng = random.Random(seed)
        self.network: str | None = None
        self.has_train = True

    def call(self, method: str, path: str, body: object | None = None) -> tuple[int, dict]:
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"content-type": "application/json"} if payload else {}
        self.conn.request(method, path, body=payload, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, (json.loads(data) if data else {})

    def sample(self) -> dict:
        x = self.rng.uniform(-1, 1)
        return {"input": [x], "target": [0.5 + 0.4 * x]}

    def one_operation(self) -> tuple[str, int]:
        if self.network is None or self.rng.random() < 0.02:
            status, body = self.call("POST", "/api/networks", {"seed": self.rng.randrange(1000)})
            self.network = body.get("id")
            if status == 201:
                status, _ = self.call("PUT", f"/api/networks/{self.network}/dataset",
                                      {"name": "sine", "size": 100})
            return "create", status
        base = f"/api/networks/{self.network}"
        choice = self.rng.random()
        if choice < 0.45:
            # a learner clicking through one step, phase by phase (three calls)
            for name in ("forward", "backward", "update"):
                status, _ = self.call("POST", f"{base}/{name}",
                                      self.sample() if name == "forward" else None)
                if status != 200:
                    return name, status
            return "phases", status
        if choice < 0.85:
            return "step", self.call("POST", f"{base}/step", self.sample())[0]
        if choice < 0.95 and self.has_train:
            status, _ = self.call("POST", f"{base}/train", TRAIN_BODY)
            if status == 404 and self.call("GET", base)[0] == 200:
                self.has_train = False  # a server without the train endpoint
            return "train", status
        return "read", self.call("GET", base)[0]


def run(url: str, clients: int, seconds: float) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(n: int) -> None:
        client = Client(url, n)
        while time.monotonic() < stop:
            start = time.perf_counter()
            name, status = client.one_operation()
            elapsed = time.perf_counter() - start
            with lock:
                latencies[name].append(elapsed)
                if status >= 400:
                    errors[f"{name} {status}"] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"{clients} clients, {seconds:.0f} s, on {url}")
    print(f"{'operation':<10}{'count':>8}{'per s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    total = 0
    for name, values in sorted(latencies.items()):
        values.sort()
        total += len(values)
        p50 = statistics.median(values) * 1e3
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))] * 1e3
        print(f"{name:<10}{len(values):>8}{len(values) / seconds:>10.0f}{p50:>10.2f}{p99:>10.2f}")
    print(f"{'all':<10}{total:>8}{total / seconds:>10.0f}")
    print(f"errors: {sum(errors.values())}" + (f" {dict(errors)}" if errors else ""))
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--url", help="a running server on loopback; default: start one")
    args = parser.parse_args()
    if not 1 <= args.clients <= 64 or not 0 < args.seconds <= 300:
        raise SystemExit("use 1 to 64 clients and at most 300 seconds")
    if args.url:
        run(args.url.rstrip("/"), args.clients, args.seconds)
    else:
        with running_server() as url:
            run(url, args.clients, args.seconds)


if __name__ == "__main__":
    main()
