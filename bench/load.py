"""A bounded load test on loopback: N clients for S seconds mixing create (with a dataset),
forward-backward-update ("phases", three calls), step, train and read; prints throughput and
p50/p99 latency per operation, and errors.

    .venv/bin/python -m bench.load [--clients 8] [--seconds 30] [--url http://127.0.0.1:8000]
                                   [--workers N] [--store memory|redis|redis://...]
    .venv/bin/python -m bench.load --compare [--clients 32] [--seconds 20]
    .venv/bin/python -m bench.load --play 1,4,8,16 [--seconds 10]
    .venv/bin/python -m bench.load --heavy [--clients 48] [--seconds 10] [--store ...]
    .venv/bin/python -m bench.load --memory 2000 [--store ...]
    .venv/bin/python -m bench.load --connections 16,64,256 [--seconds 10]

Without --url it starts its own server on a free loopback port, in `--workers` processes,
keeping networks in memory or in Redis (`--store redis` starts a redis-server of its own).
`--compare` runs 1 worker in memory, then 1, 2 and 4 workers on Redis, and prints a table
with each one's throughput, latencies, errors, and the median of one step alone; by default
with 32 clients (a class): each keeps its connection, and so its worker, so with only a few
clients the workers get uneven shares.
`--play` runs that many Play learners at once (WebSockets, batch 32 on 200 points, each
drawing at most 60 frames/s) against one worker pinned to one core, and prints the frames
per second each learner got, the samples trained, and Redis operations and bytes per
learner per second.
`--heavy` runs 48 clients (each a learner of its own: its own address, forwarded as a proxy
would, and its own network with 10,000 points) looping on one kind of heavy call at a time,
in turn: training, the loss landscape over the training set, reading the dataset, the
gradient check on a mini-batch of 100 on 8 layers of 8; meanwhile one more client times
GET /api/health and POST /step, and prints their p50 and p99 under each kind (target: p99 at
most 50 ms), with the heavy calls answered per second and their statuses.
`--memory N` measures what a held network costs: N networks of 8 layers of 8, created one
after the other, first bare, then each holding a step of 100 samples, on a server of its
own each time: the server's resident memory (and Redis's used memory) before and after,
per network, and how many networks the server still holds (the byte budget evicts the
least recently used past MAX_DATA_BYTES).
`--connections` measures how one worker's throughput holds as keep-alive connections grow:
Debian's `wrk` (`apt-get install wrk`: one thread, so the client takes little of the
machine) posts steps of one sample on 256 networks (or as many as connections), each network
with at most one step in flight (as each learner steps their own), at each count of
connections in turn, against one worker pinned to one core, first with networks in memory,
then in Redis (its own redis-server, on wrk's core); it prints requests per second, wrk's
p50 and p99, how many steps were sent on a network that another step held (none: the
column checks it), and the worker's CPU time: its share of its core, and per step answered
(what other processes on the machine change least).
Only loopback is allowed.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import multiprocessing
import os
import random
import re
import statistics
import threading
import time
import urllib.request
from collections import defaultdict
from urllib.parse import urlsplit

from .redis_server import running_redis
from .server import running_server

TRAIN_BODY = {"steps": 20, "batch_size": 16}


class Client:
    """One learner: a keep-alive connection and a network of its own. `address`, if given,
    is forwarded as the learner's own (X-Forwarded-For, which uvicorn trusts from loopback),
    so that the server's limits per client count each learner apart."""

    def __init__(self, url: str, seed: int, address: str | None = None) -> None:
        parts = urlsplit(url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("the load test only targets loopback")
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.rng = random.Random(seed)
        self.network: str | None = None
        self.has_train = True
        self.headers = {"x-forwarded-for": address} if address else {}

    def raw(self, method: str, path: str, body: object | None = None) -> tuple[int, bytes]:
        """The status and the body's bytes (not parsed: a client that costs little)."""
        payload = json.dumps(body).encode() if body is not None else None
        headers = dict(self.headers)
        if payload is not None:
            headers["content-type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed a connection left idle past its keep-alive (5 s):
                # open a new one, once.
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def call(self, method: str, path: str, body: object | None = None) -> tuple[int, dict]:
        status, data = self.raw(method, path, body)
        return status, (json.loads(data) if data else {})

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
        client = Client(url, n, f"10.3.{n // 250}.{n % 250 + 1}")  # a learner of its own
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


HEAVY_KINDS = ("train", "landscape", "dataset", "gradcheck")
PROBE_SAMPLE = {"input": [0.5], "target": [0.2]}


def _percentiles(values: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    cuts = statistics.quantiles(values, n=100)
    return cuts[49] * 1e3, cuts[98] * 1e3


def _heavy_setup(url: str, clients: int) -> tuple[list[dict[str, str]], dict[str, object]]:
    """Per client: a network of 1-8-8-1 with 10,000 points (sine; 8,000 for training), and
    one of 8 layers of 8 with a pending mini-batch of 100; the heaviest landscape over the
    training set that the server accepts."""
    networks = []
    for n in range(clients):
        client = Client(url, n, f"10.1.{n // 250}.{n % 250 + 1}")
        small = client.call("POST", "/api/networks", {"seed": n, "layers": [1, 8, 8, 1]})[1]
        client.call("PUT", f"/api/networks/{small['id']}/dataset",
                    {"name": "sine", "size": 10_000, "test_fraction": 0.2})
        deep = client.call("POST", "/api/networks", {"seed": n, "layers": [8] * 8})[1]
        batch = [{"input": [(k % 17) / 17] * 8, "target": [0.5] * 8} for k in range(100)]
        client.call("POST", f"/api/networks/{deep['id']}/forward", {"samples": batch})
        networks.append({"small": small["id"], "deep": deep["id"]})
    probe = Client(url, 0, "10.1.9.9")
    resolution = 61
    while resolution > 3:
        status, _ = probe.raw("POST", f"/api/networks/{networks[0]['small']}/landscape",
                              _landscape_body(resolution))
        if status == 200:
            break
        resolution -= 2
    return networks, {"landscape_resolution": resolution}


def _landscape_body(resolution: int) -> dict[str, object]:
    return {"a": {"kind": "weight", "k": 1, "i": 0, "j": 0},
            "b": {"kind": "weight", "k": 1, "i": 1, "j": 0}, "over": "train",
            "resolution": resolution, "span": 2.0}


def _heavy_call(kind: str, network: dict[str, str], settings: dict[str, object],
                ) -> tuple[str, str, object | None]:
    if kind == "train":
        return "POST", f"/api/networks/{network['small']}/train", {
            "steps": 1000, "batch_size": 32, "resolution": 40, "functions_resolution": 16}
    if kind == "landscape":
        return "POST", f"/api/networks/{network['small']}/landscape", _landscape_body(
            int(settings["landscape_resolution"]))  # type: ignore[call-overload]
    if kind == "dataset":
        return "GET", f"/api/networks/{network['small']}/dataset", None
    return "GET", f"/api/networks/{network['deep']}/gradcheck", None


def _loop_heavy(url: str, kind: str, networks: list[dict[str, str]],
                settings: dict[str, object], stop, results) -> None:
    """In a process of its own (so that its threads, reading large answers, do not slow the
    probe's): every client loops on `kind` until `stop`; puts the statuses counted after
    the first second (when every client has a call queued)."""
    statuses: dict[int, int] = defaultdict(int)
    lock = threading.Lock()
    counting = threading.Event()

    def loop(n: int) -> None:
        client = Client(url, n, f"10.1.{n // 250}.{n % 250 + 1}")
        method, path, body = _heavy_call(kind, networks[n], settings)
        while not stop.is_set():
            status, _ = client.raw(method, path, body)
            if counting.is_set():
                with lock:
                    statuses[status] += 1
            if status >= 400:
                time.sleep(0.05)

    threads = [threading.Thread(target=loop, args=(n,), daemon=True)
               for n in range(len(networks))]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    counting.set()
    stop.wait()
    with lock:
        results.put(dict(statuses))
    for thread in threads:
        thread.join(timeout=120)


def _heavy_round(url: str, kind: str, networks: list[dict[str, str]],
                 settings: dict[str, object], probe: Client, probe_network: str,
                 seconds: float) -> tuple[dict[int, int], float, list[float], list[float]]:
    """One kind of heavy call, looped by every client, while `probe` times health and a
    step: the heavy calls' statuses, the seconds measured, and the two lists of times."""
    context = multiprocessing.get_context("fork")
    stop, results = context.Event(), context.Queue()
    loopers = context.Process(target=_loop_heavy,
                              args=(url, kind, networks, settings, stop, results))
    loopers.start()
    time.sleep(1.0)  # every client has a call queued
    health: list[float] = []
    step: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for timings, method, path, body in (
                (health, "GET", "/api/health", None),
                (step, "POST", f"/api/networks/{probe_network}/step", PROBE_SAMPLE)):
            begun = time.perf_counter()
            status, _ = probe.raw(method, path, body)
            timings.append(time.perf_counter() - begun)
            assert status == 200, (path, status)
        time.sleep(0.01)
    elapsed = time.perf_counter() - started
    stop.set()
    done = results.get(timeout=120)
    loopers.join(timeout=120)
    return done, elapsed, health, step


def heavy_load(url: str, clients: int, seconds: float, label: str) -> None:
    """/api/health and /step p50 and p99 while `clients` loop on each kind of heavy call."""
    networks, settings = _heavy_setup(url, clients)
    probe = Client(url, 1, "10.1.9.10")
    probe_network = probe.call("POST", "/api/networks", {"seed": 1})[1]["id"]
    print(f"{clients} clients looping on each kind of heavy call in turn, {seconds:.0f} s "
          f"each, {label}, {_now()}")
    print(f"{'heavy call':<34}{'per s':>7}{'statuses':>22}   {'health p50 / p99 ms':>20}"
          f"   {'step p50 / p99 ms':>18}")
    described = {"train": "train (1,000 steps of 32, plots)",
                 "landscape": f"landscape ({settings['landscape_resolution']}², 8,000 pts)",
                 "dataset": "GET dataset (10,000 points)",
                 "gradcheck": "gradcheck (100 samples, 8×8)"}
    for kind in HEAVY_KINDS:
        done, elapsed, health, step = _heavy_round(url, kind, networks, settings, probe,
                                                   probe_network, seconds)
        others = ", ".join(f"{code}: {count}" for code, count in sorted(done.items()))
        h50, h99 = _percentiles(health)
        s50, s99 = _percentiles(step)
        print(f"{described[kind]:<34}{done.get(200, 0) / elapsed:>7.1f}{others:>22}   "
              f"{h50:>9.2f} / {h99:>7.2f}   {s50:>8.2f} / {s99:>7.2f}", flush=True)


def _resident(pid: int) -> int:
    """A process's resident memory and its children's (uvicorn's worker), in bytes."""
    import subprocess

    total = 0
    for each in [pid, *map(int, subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                               text=True).stdout.split())]:
        try:
            with open(f"/proc/{each}/status") as status:
                total += next(int(line.split()[1]) * 1024 for line in status
                              if line.startswith("VmRSS"))
        except (FileNotFoundError, StopIteration):
            pass
    return total


def memory(count: int, store_spec: str) -> None:
    """What `count` held 8×8 networks cost, bare and each with a step of 100 samples."""
    import redis

    batch = {"samples": [{"input": [(k % 17) / 17] * 8, "target": [0.5] * 8}
                         for k in range(100)]}
    print(f"{count} networks of 8 layers of 8, one worker, {store_spec}, {_now()}")
    print(f"{'each network':<20}{'server MB':>10}{'KB per held':>13}{'Redis MB':>10}"
          f"{'KB per held':>13}{'still held':>12}")
    with _store(store_spec) as store:
        for label, step in (("bare", False), ("with a step of 100", True)):
            info = redis.Redis.from_url(store) if store != "memory" else None
            if info is not None:
                info.flushdb()
            pids: list[int] = []
            with running_server(store=store, pids=pids) as url:
                ids = []
                warm = Client(url, 0, "10.4.0.1")
                warm.call("POST", "/api/networks", {"layers": [8] * 8})
                time.sleep(1.0)
                rss = _resident(pids[0])
                used = info.info("memory")["used_memory"] if info else 0
                for n in range(count):
                    client = Client(url, n, f"10.4.{n // 250}.{n % 250 + 1}")
                    created = client.call("POST", "/api/networks",
                                          {"layers": [8] * 8, "seed": n})[1]
                    ids.append(created["id"])
                    if step:
                        client.call("POST", f"/api/networks/{created['id']}/step", batch)
                    client.conn.close()
                grown = _resident(pids[0]) - rss
                stored = (info.info("memory")["used_memory"] - used) if info else 0
                probe = Client(url, 1, "10.4.9.9")
                held = sum(probe.raw("GET", f"/api/networks/{i}")[0] == 200 for i in ids)
            per = max(1, held)
            redis_cells = (f"{stored / 2**20:>10.1f}{stored / per / 1000:>13.1f}" if info
                           else f"{'':>10}{'':>13}")
            print(f"{label:<20}{grown / 2**20:>10.1f}{grown / per / 1000:>13.1f}"
                  f"{redis_cells}{held:>12}", flush=True)


WRK_SCRIPT = """
-- Each network has at most one step in flight, as each learner steps their own network: a
-- request takes a network that no other request holds, and its answer (which begins with
-- the network's id) gives it back. Taking the networks in turn instead, with as many
-- connections as networks, made a third of the steps at 256 connections wait for another
-- step on the same network: the load test then timed the networks' locks, not the store.
local ids = {}
for id in string.gmatch(os.getenv("BENCH_IDS"), "[^,]+") do ids[#ids + 1] = id end
local free = {}
for i = #ids, 1, -1 do free[#free + 1] = ids[i] end
local n, shared = 0, 0
request = function()
  local id = table.remove(free)
  if not id then  -- more connections than networks, or an answer without its id
    n, shared = n + 1, shared + 1
    id = ids[(n % #ids) + 1]
  end
  return wrk.format("POST", "/api/networks/" .. id .. "/step",
                    {["Content-Type"] = "application/json"},
                    '{"input": [0.5, -0.25], "target": [0.3]}')
end
response = function(status, headers, body)
  local id = string.match(body, '^{"id":"([^"]+)"')
  if id then free[#free + 1] = id end
end
done = function(summary, latency, requests)
  io.write(string.format("shared: %d\\n", shared))
end
"""


def connections(counts: list[int], seconds: float) -> None:
    """One worker pinned to one core: steps per second and latency as the keep-alive
    connections grow, networks in memory and then in Redis."""
    import shutil
    import subprocess
    import tempfile

    if shutil.which("wrk") is None:
        raise SystemExit("--connections needs wrk: apt-get install -y wrk")
    networks = max(256, *counts)
    print(f"One worker on one core (Redis and wrk on the other), POST /step (1 sample, "
          f"2-4-4-1) on {networks} networks, each with at most one step in flight, wrk with 1 "
          f"thread, {seconds:.0f} s each, {_now()}")
    print(f"{'store':<8}{'connections':>12}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
          f"{'shared':>8}{'CPU %':>7}{'CPU ms/step':>13}")
    # Redis on wrk's core: left to the scheduler, it ran on the worker's core a third to
    # three quarters of the time, and the worker got 70 to 76 % of its core at 16 connections
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script, \
            running_redis(cpus="1") as redis_url:
        script.write(WRK_SCRIPT)
        script.flush()
        for store in ("memory", redis_url):
            pids: list[int] = []
            with running_server(store=store, cpus="0", pids=pids) as url:
                ids = []
                for seed in range(networks):
                    request = urllib.request.Request(
                        f"{url}/api/networks", method="POST",
                        data=json.dumps({"seed": seed, "layers": [2, 4, 4, 1]}).encode(),
                        headers={"content-type": "application/json",
                                 "x-forwarded-for": f"10.0.{seed // 100}.{seed % 100}"})
                    with urllib.request.urlopen(request) as answer:
                        ids.append(json.load(answer)["id"])
                env = dict(os.environ, BENCH_IDS=",".join(ids))
                for count in counts:
                    cpu, started = _cpu_seconds(pids[0]), time.monotonic()
                    out = subprocess.run(
                        ["taskset", "-c", "1", "wrk", "-t1", f"-c{count}", f"-d{seconds:.0f}s",
                         "--latency", "-s", script.name, f"{url}/"],
                        env=env, capture_output=True, text=True, check=True).stdout
                    # the worker's own CPU time: its share of its core, and per step answered
                    cpu, elapsed = _cpu_seconds(pids[0]) - cpu, time.monotonic() - started
                    answered = int(re.search(r"(\d+) requests in", out).group(1))
                    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
                    p50, p99 = (_wrk_ms(out, q) for q in ("50%", "99%"))
                    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
                    errors = sum(int(m) for m in re.findall(r"Socket errors: connect (\d+)", out))
                    errors += int(bad.group(1)) if bad else 0
                    # steps sent on a network another step held (none, unless answers lacked
                    # their id)
                    shared = int(re.search(r"shared: (\d+)", out).group(1))
                    label = "memory" if store == "memory" else "Redis"
                    print(f"{label:<8}{count:>12}{rate:>9.0f}{p50:>9.2f}{p99:>9.2f}{errors:>8}"
                          f"{shared:>8}{100 * cpu / elapsed:>7.0f}"
                          f"{1000 * cpu / max(1, answered):>13.3f}", flush=True)


def _cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) a process has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wrk_ms(out: str, quantile: str) -> float:
    """A latency percentile of wrk's --latency table, in milliseconds."""
    value, unit = re.search(rf"{quantile}\s+([\d.]+)(us|ms|s)\b", out).groups()
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


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
    parser.add_argument("--heavy", action="store_true",
                        help="/api/health and /step while clients loop on heavy calls")
    parser.add_argument("--memory", type=int, metavar="N",
                        help="what N held 8×8 networks cost, bare and with a step of 100")
    parser.add_argument("--connections",
                        help="one worker's steps/s at these keep-alive connections (wrk), "
                             "e.g. 16,64,256")
    args = parser.parse_args()
    if args.connections:
        connections([int(n) for n in args.connections.split(",")], min(args.seconds, 60))
        return
    if args.clients is None:
        args.clients = 32 if args.compare else 48 if args.heavy else 8
    if not 1 <= args.clients <= 64 or not 0 < args.seconds <= 300:
        raise SystemExit("use 1 to 64 clients and at most 300 seconds")
    if args.workers > 1 and args.store == "memory":
        raise SystemExit("more than one worker needs --store redis (or a redis:// URL)")
    if args.memory:
        memory(args.memory, args.store)
    elif args.heavy:
        with _store(args.store) as store, running_server(workers=args.workers,
                                                         store=store) as url:
            where = "memory" if store == "memory" else "Redis"
            heavy_load(url, args.clients, args.seconds,
                       f"{args.workers} worker{'s' if args.workers > 1 else ''}, {where}")
    elif args.compare:
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
