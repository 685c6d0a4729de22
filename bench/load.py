"""A bounded load test on loopback: N clients for S seconds mixing create (with a dataset),
forward-backward-update ("phases", three calls), step, train and read; prints throughput and
p50/p99 latency per operation, and errors.

    .venv/bin/python -m bench.load [--clients 8] [--seconds 30] [--url http://127.0.0.1:8000]
                                   [--workers N] [--store memory|redis|redis://...]
    .venv/bin/python -m bench.load --compare [--clients 32] [--seconds 20]
    .venv/bin/python -m bench.load --play 1,4,8,16 [--seconds 10]

Without --url it starts its own server on a free loopback port, in `--workers` processes,
keeping networks in memory or in Redis (`--store redis` starts a redis-server of its own).
`--compare` runs 1 worker in memory, then 1, 2 and 4 workers on Redis, and prints a table
with each one's throughput, latencies, errors, and the median of one step alone; by default
with 32 clients (a class): each keeps its connection, and so its worker, so with only a few
clients the workers get uneven shares.
`--play` runs that many Play learners at once (WebSockets, batch 32 on 200 points, each
drawing at most 60 frames/s) against one worker pinned to one core, and prints the frames
per second each learner got, the samples trained, and Redis operations and bytes per
learner per second. Only loopback is allowed.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import random
import statistics
import threading
import time
from collections import defaultdict
from urllib.parse import urlsplit

from .redis_server import running_redis
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


def lone_step_ms(url: str, calls: int = 400) -> float:
    """The median time of one POST /step, one client alone (after a warm-up)."""
    client = Client(url, 0)
    _, body = client.call("POST", "/api/networks", {"seed": 1})
    path = f"/api/networks/{body['id']}/step"
    times = []
    for n in range(calls + 50):
        start = time.perf_counter()
        client.call("POST", path, client.sample())
        if n >= 50:
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def run(url: str, clients: int, seconds: float, quiet: bool = False) -> dict[str, list[float]]:
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
    latencies["errors"] = [float(sum(errors.values()))]
    if quiet:
        return latencies
    print(f"{clients} clients, {seconds:.0f} s, on {url}")
    print(f"{'operation':<10}{'count':>8}{'per s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    total = 0
    for name, values in sorted(latencies.items()):
        if name == "errors":
            continue
        values.sort()
        total += len(values)
        p50 = statistics.median(values) * 1e3
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))] * 1e3
        print(f"{name:<10}{len(values):>8}{len(values) / seconds:>10.0f}{p50:>10.2f}{p99:>10.2f}")
    print(f"{'all':<10}{total:>8}{total / seconds:>10.0f}")
    print(f"errors: {sum(errors.values())}" + (f" {dict(errors)}" if errors else ""))
    return latencies


def _summary(latencies: dict[str, list[float]], seconds: float) -> tuple[float, float, float]:
    every = sorted(v for name, values in latencies.items() if name != "errors"
                   for v in values)
    return (len(every) / seconds, statistics.median(every) * 1e3,
            every[min(len(every) - 1, int(len(every) * 0.99))] * 1e3)


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


@contextlib.contextmanager
def _store(spec: str):
    """The store URL for a --store argument ("redis" starts a redis-server of its own)."""
    if spec == "redis":
        with running_redis() as url:
            yield url
    else:
        yield spec


def compare(clients: int, seconds: float) -> None:
    """1 worker in memory, then 1, 2 and 4 workers on Redis, one after the other."""
    print(f"{clients} clients, {seconds:.0f} s each, {_now()}")
    print(f"{'server':<22}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'1 step ms':>11}")
    with running_redis() as redis_url:
        for workers, store in ((1, "memory"), (1, redis_url), (2, redis_url), (4, redis_url)):
            with running_server(workers=workers, store=store) as url:
                step = lone_step_ms(url)
                latencies = run(url, clients, seconds, quiet=True)
            rate, p50, p99 = _summary(latencies, seconds)
            label = f"{workers} worker{'s' if workers > 1 else ''}, " + (
                "memory" if store == "memory" else "Redis")
            print(f"{label:<22}{rate:>8.0f}{p50:>9.2f}{p99:>9.2f}"
                  f"{int(latencies['errors'][0]):>8}{step:>11.3f}")


def play_learners(counts: list[int], seconds: float) -> None:
    """Play learners at once against one worker on one core (Redis on the other)."""
    import redis

    print(f"Play learners on one worker pinned to one core, batch 32 on 200 points, {_now()}")
    print(f"{'learners':>8}{'frames/s min':>14}{'median':>8}{'samples/s each':>16}"
          f"{'Redis ops/s each':>18}{'Redis kB/s each':>17}")
    with running_redis() as redis_url, running_server(store=redis_url, cpus="0") as url:
        info = redis.Redis.from_url(redis_url)
        for count in counts:
            rates, trained, ops, traffic = _play_round(url, info, count, seconds)
            print(f"{count:>8}{rates[0]:>14.1f}{statistics.median(rates):>8.1f}"
                  f"{trained:>16,.0f}{ops / count:>18.0f}{traffic / count / 1000:>17.1f}")


def _play_round(url: str, info, count: int, seconds: float,
                ) -> tuple[list[float], float, float, float]:
    """`count` Play learners at once for `seconds`: each one's frames/s (sorted), the median
    samples/s, and Redis commands and bytes per second (all learners)."""
    from websockets.sync.client import connect

    frames = [0] * count
    samples = [0] * count
    ready = threading.Barrier(count + 1)
    stop = threading.Event()

    def learner(n: int) -> None:
        client = Client(url, n)
        _, body = client.call("POST", "/api/networks", {"seed": n})
        network = body["id"]
        client.call("PUT", f"/api/networks/{network}/dataset",
                    {"name": "sine", "size": 200, "test_fraction": 0})
        ws_url = url.replace("http://", "ws://") + f"/api/networks/{network}/play"
        with connect(ws_url, max_size=2**24) as ws:
            ready.wait()
            ws.send(json.dumps({"type": "play", "batch_size": 32, "resolution": 100,
                                "functions_resolution": 16}))
            last, first = 0.0, None
            while not stop.is_set():
                message = json.loads(ws.recv())
                if message["type"] != "frame":
                    continue
                if first is None:
                    first = message["samples_trained"]
                frames[n] += 1
                samples[n] = message["samples_trained"] - first
                wait = last + 1 / 60 - time.perf_counter()  # a page draws at most 60/s
                if wait > 0:
                    time.sleep(wait)
                last = time.perf_counter()
                ws.send(json.dumps({"type": "ack", "frame": message["frame"]}))
            ws.send(json.dumps({"type": "pause"}))

    threads = [threading.Thread(target=learner, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    ready.wait()
    time.sleep(1.0)  # the chunks adapt first
    before_frames, before_samples = list(frames), list(samples)
    stats = info.info("stats")
    started = time.perf_counter()
    time.sleep(seconds)
    elapsed = time.perf_counter() - started
    after = info.info("stats")
    rates = sorted((f - b) / elapsed for f, b in zip(frames, before_frames, strict=True))
    trained = statistics.median((a - b) / elapsed
                                for a, b in zip(samples, before_samples, strict=True))
    ops = (after["total_commands_processed"] - stats["total_commands_processed"]) / elapsed
    traffic = (after["total_net_input_bytes"] + after["total_net_output_bytes"]
               - stats["total_net_input_bytes"] - stats["total_net_output_bytes"]) / elapsed
    stop.set()
    for t in threads:
        t.join()
    return rates, trained, ops, traffic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=None,
                        help="clients at once (default 8; with --compare 32, a class)")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--url", help="a running server on loopback; default: start one")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--store", default="memory",
                        help="memory (default), redis (starts its own), or a redis:// URL")
    parser.add_argument("--compare", action="store_true",
                        help="1 worker in memory, 1, 2 and 4 workers on Redis, in one run")
    parser.add_argument("--play", help="Play learners at once, e.g. 1,4,8,16")
    args = parser.parse_args()
    if args.clients is None:
        args.clients = 32 if args.compare else 8
    if not 1 <= args.clients <= 64 or not 0 < args.seconds <= 300:
        raise SystemExit("use 1 to 64 clients and at most 300 seconds")
    if args.workers > 1 and args.store == "memory":
        raise SystemExit("more than one worker needs --store redis (or a redis:// URL)")
    if args.compare:
        compare(args.clients, args.seconds)
    elif args.play:
        play_learners([int(n) for n in args.play.split(",")], args.seconds)
    elif args.url:
        run(args.url.rstrip("/"), args.clients, args.seconds)
    else:
        with _store(args.store) as store, running_server(workers=args.workers,
                                                         store=store) as url:
            run(url, args.clients, args.seconds)


if __name__ == "__main__":
    main()
