"""The benchmark: prints training throughput, the longest call, HTTP overhead under load, the
Step key's latency to the screen, and Play in Chromium.

    .venv/bin/python -m bench [--quick]

1. The engine alone, samples per second: the NumPy reference (server/engine/sgd.py) beside
   the path the server takes (the compiled kernel where it is faster), on the rows of the
   issue "Server speed" beside TensorFlow Playground's nn.ts on the same shapes (fixed
   reference figures, measured in Node on this machine), and on the default 1-2-2-1 network
   with batch sizes 1, 32 and the full batch of 10,000. Then the 8×8 digits' network
   (64-32-10, softmax): NumPy, the compiled kernel and PyTorch on the CPU in the same run
   (bench/torch_digits.py, in this interpreter if it has torch, else in the one
   BACKPROP_TORCH_PYTHON names; skipped, saying why, without either).
2. The longest training call the API accepts, per activation (it must stay about a second).
3. One step over HTTP (POST /step) beside a no-op (GET /api/health), in the same run, with a
   keep-alive http.client connection (a client that adds little; not TestClient); then the
   same while 48 clients run the heaviest accepted training calls (p50 and p99).
4. The Step key in Debian's Chromium (reduced motion): from the key press to the step's new
   numbers on screen, beside a key that only fetches /api/health and waits for the next frame,
   timed the same way on the same page, in turn.
5. Play in Debian's Chromium: frames per second of the page and samples per second trained
   meanwhile, for batch sizes 1, 32 and the full batch.
6. Play over the WebSocket alone (bench/play_socket.py), a client that acknowledges each frame
   at once: the digits' 64-32-10 at batch 32 beside the default 1-2-2-1 on the sine in the
   same run (frames/s, samples/s, a frame's bytes, and their ratios).

Figures, not assertions: the machine is shared and noisy. Targets (issues "Training mode",
"Server speed" and 22 §3): full batch ≥ 5 million samples/s; at least Playground's rate on each
of its rows; the digits' network at least 10× PyTorch's rate at batch 1 and 2× at batch 32;
every accepted call about 1 s at most; /step at most 1.5 × the no-op, over HTTP and from the
Step key to the screen; /api/health and /step p99 ≤ 50 ms under 48 training clients;
Play ≥ 55 frames/s while training ≥ 1 million samples/s with batches of 32 or more, and
≥ 30,000 samples/s with batch size 1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import threading
import time
from urllib.parse import urlsplit

import numpy as np

from server.engine import kernel, sgd
from server.engine.datasets import make_dataset
from server.engine.mlp import Architecture, forward, init_parameters
from server.engine.optimizers import SGD, Optimizer
from server.engine.sgd import new_cursor
from server.limits import MAX_CALL_SECONDS, MAX_STEPS_PER_CALL
from server.networks.workbench import estimated_seconds

from .server import running_server
from .visit import print_visits

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


# TensorFlow Playground's nn.ts compiled and run in Node on the same shapes (issue "Server
# speed"): (label, layers, activation, batch, points, Playground's samples/s).
PLAYGROUND_ROWS = (
    ("1-2-2-1 sigmoid, batch 1", (1, 2, 2, 1), "sigmoid", 1, 200, 2_684_677),
    ("1-2-2-1 sigmoid, batch 10", (1, 2, 2, 1), "sigmoid", 10, 200, 3_371_892),
    ("2-8-8-8-1 tanh, batch 10", (2, 8, 8, 8, 1), "tanh", 10, 200, 276_676),
    ("2-8-8-8-1 tanh, batch 32 (10,000 points)", (2, 8, 8, 8, 1), "tanh", 32, 10_000, 281_789),
)
ENGINE_ROWS = (
    ("1-2-2-1 sigmoid, batch 1", (1, 2, 2, 1), "sigmoid", 1, 10_000, None),
    ("1-2-2-1 sigmoid, batch 32", (1, 2, 2, 1), "sigmoid", 32, 10_000, None),
    ("1-2-2-1 sigmoid, full batch of 10,000", (1, 2, 2, 1), "sigmoid", 10_000, 10_000, None),
)
ADAM = Optimizer("adam")
ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "linear")


def _rate(train, layers: tuple[int, ...], activation: str, batch: int, points: int,
          seconds: float, optimizer: Optimizer = SGD) -> float:
    """Samples per second of `train` (sgd.train or kernel.train) on `points` points, with
    `optimizer` (its state carried from call to call, as the server keeps it)."""
    arch = Architecture(layers, activation, activation, "squared")
    data = make_dataset("sine" if layers[0] == 1 else "circle", points, 0.1, seed=0)
    rng = np.random.default_rng(0)
    params = init_parameters(arch.layers, rng)
    cursor = new_cursor(data.X, data.T, rng)
    steps = max(1, min(10_000, 20_000 // batch))
    done, start = 0, time.perf_counter()
    state = None
    while time.perf_counter() - start < seconds:
        result = train(arch, params, data.X, data.T, steps=steps, batch_size=batch,
                       learning_rate=0.01, l2=0.0, cursor=cursor, rng=rng,
                       optimizer=optimizer, state=state)
        params, state = result.params, result.state
        done += steps * min(batch, points)
    return done / (time.perf_counter() - start)


def engine(seconds: float) -> None:
    ready = kernel.warm_up()
    print(f"engine, samples/s{'':<27}{'NumPy':>12}{'server':>12}{'Playground':>12}"
          f"{'ratio':>8}{'Adam':>12}{'ratio':>8}")
    for label, layers, activation, batch, points, playground in PLAYGROUND_ROWS + ENGINE_ROWS:
        numpy_rate = _rate(sgd.train, layers, activation, batch, points, seconds)
        served = _rate(kernel.train, layers, activation, batch, points, seconds)
        path = kernel.path_for(Architecture(layers, activation, activation, "squared"),
                               min(batch, points)).name
        reference = f"{playground:>12,}{served / playground:>8.2f}" if playground else ""
        adam = ""
        if playground:  # the server's trainer with Adam, against Playground's plain descent
            rate = _rate(kernel.train, layers, activation, batch, points, seconds, ADAM)
            adam = f"{rate:>12,.0f}{rate / playground:>8.2f}"
        print(f"  {label:<42}{numpy_rate:>12,.0f}{served:>12,.0f}{reference}{adam}"
              f"   ({path if ready else 'numpy: no kernel'})")


# The 8×8 handwritten digits' network (issue 22 §3): 64 inputs, 32 sigmoid hidden nodes, 10
# softmax outputs with categorical cross entropy, on as many points as the digits (1,797),
# here random 8×8-like images in {0, …, 16}/16 with one-hot targets. Targets: the compiled
# kernel at least 10× PyTorch CPU's rate at batch 1, 2× at batch 32 (float64, one thread).
DIGITS_LAYERS, DIGITS_POINTS = (64, 32, 10), 1797
DIGITS_ROWS = ((1, "sgd", 10.0), (32, "sgd", 2.0), (1, "adam", None), (32, "adam", None))


def _torch_python() -> tuple[str | None, str]:
    """An interpreter with PyTorch (this one, or the one BACKPROP_TORCH_PYTHON names), or
    None and why not."""
    import importlib.util
    import os
    import subprocess
    import sys

    if importlib.util.find_spec("torch") is not None:
        return sys.executable, ""
    other = os.environ.get("BACKPROP_TORCH_PYTHON")
    if not other:
        return None, ("torch is not installed here and BACKPROP_TORCH_PYTHON names no "
                      "interpreter that has it")
    try:
        found = subprocess.run([other, "-c", "import torch"], capture_output=True,
                               timeout=120).returncode == 0
    except OSError as error:
        return None, f"BACKPROP_TORCH_PYTHON={other} does not run ({error})"
    return (other, "") if found else (None, f"BACKPROP_TORCH_PYTHON={other} cannot import torch")


def _digits_rate(train, batch: int, optimizer: str, seconds: float, rounds: int) -> float:
    """Samples per second of `train` on the digits' network: the best of `rounds`."""
    arch = Architecture(DIGITS_LAYERS, "sigmoid", "softmax", "categorical_cross_entropy")
    rng = np.random.default_rng(0)
    X = rng.integers(0, 17, (DIGITS_POINTS, DIGITS_LAYERS[0])) / 16.0
    T = np.eye(DIGITS_LAYERS[-1])[rng.integers(0, DIGITS_LAYERS[-1], DIGITS_POINTS)]
    rule = Optimizer(optimizer)
    rate = 0.001 if optimizer == "adam" else 0.01
    steps = max(1, 2_000 // batch)
    best = 0.0
    for _ in range(rounds):
        params, state = init_parameters(arch.layers, rng), None
        cursor = new_cursor(X, T, rng)
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            result = train(arch, params, X, T, steps=steps, batch_size=batch,
                           learning_rate=rate, l2=0.0, cursor=cursor, rng=rng, optimizer=rule,
                           state=state)
            result = getattr(result, "result", result)
            params, state = result.params, result.state
            done += steps * batch
        best = max(best, done / (time.perf_counter() - start))
    return best


def digits(seconds: float, rounds: int = 3) -> None:
    """The digits' network: NumPy's reference, the compiled kernel and PyTorch (CPU, float64,
    one thread, run in its own interpreter in this same run), samples per second, the best
    of `rounds` each."""
    import subprocess
    from pathlib import Path

    ready = kernel.warm_up()
    python, why = _torch_python()
    print(f"digits 64-32-10 (sigmoid, softmax), samples/s{'':<6}{'NumPy':>12}{'compiled':>12}"
          f"{'PyTorch':>12}{'ratio':>8}  target")
    for batch, optimizer, target in DIGITS_ROWS:
        numpy_rate = _digits_rate(sgd.train, batch, optimizer, seconds / 2, rounds)
        ours = (_digits_rate(kernel.train_compiled, batch, optimizer, seconds / 2, rounds)
                if ready else float("nan"))
        theirs, version = float("nan"), ""
        if python:
            settings = {"layers": list(DIGITS_LAYERS), "batch": batch,
                        "points": DIGITS_POINTS, "seconds": seconds / 2, "rounds": rounds,
                        "optimizer": optimizer}
            out = subprocess.run([python, str(Path(__file__).with_name("torch_digits.py")),
                                  json.dumps(settings)], capture_output=True, text=True,
                                 timeout=600, check=True)
            answer = json.loads(out.stdout)
            theirs, version = answer["rate"], answer["torch"]
        ratio = f"{ours / theirs:>8.1f}" if python and ready else f"{'':>8}"
        goal = f"  ≥ {target:g}×" if target else ""
        print(f"  batch {batch:<3} {optimizer:<33}{numpy_rate:>12,.0f}{ours:>12,.0f}"
              f"{theirs:>12,.0f}{ratio}{goal}")
    if not ready:
        print("  (the compiled kernel is unavailable: see the log)")
    if python:
        print(f"  (PyTorch {version}, {python})")
    else:
        print(f"  (PyTorch skipped: {why})")


def largest_calls(batches: tuple[int, ...]) -> None:
    """The longest training call the server accepts, per activation: the largest network,
    steps chosen just under the limit of about a second for each batch size, on 10,000
    points (their losses are computed after the call, as the server does)."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (10_000, 8))
    T = rng.uniform(0, 1, (10_000, 8))
    print("longest accepted train call, 8 layers of 8, 10,000 points, s (steps × batch)")
    for activation in ACTIVATION_NAMES:
        arch = Architecture((8,) * 8, activation, "sigmoid", "squared")
        cells = []
        for batch in batches:
            low, high = 0, MAX_STEPS_PER_CALL
            while low < high:  # the most steps the estimate accepts
                middle = (low + high + 1) // 2
                if estimated_seconds(arch, middle, batch, len(X)) <= MAX_CALL_SECONDS:
                    low = middle
                else:
                    high = middle - 1
            params = init_parameters(arch.layers, rng)
            start = time.perf_counter()
            result = kernel.train(arch, params, X, T, steps=low, batch_size=batch,
                                  learning_rate=0.01, l2=0.0, cursor=new_cursor(X, T, rng),
                                  rng=rng)
            forward(arch, result.params, X, T)  # the training loss, as the server computes
            cells.append(f"{time.perf_counter() - start:5.2f} ({low} × {batch})")
        print(f"  {activation:<12}" + "  ".join(cells))


class Connection:
    """A keep-alive HTTP connection to the server, JSON both ways. `address`, if given, is
    forwarded as the client's own (X-Forwarded-For, trusted from loopback), so that the
    server's limits per client count each learner apart."""

    def __init__(self, url: str, address: str | None = None) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        self.headers = {"content-type": "application/json"}
        if address:
            self.headers["x-forwarded-for"] = address

    def call(self, method: str, path: str, body: object | None = None) -> tuple[int, object]:
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None,
                          headers=self.headers)
        response = self.conn.getresponse()
        return response.status, json.loads(response.read() or b"null")

    def timed(self, method: str, path: str, body: object | None = None) -> float:
        start = time.perf_counter()
        status, _ = self.call(method, path, body)
        assert status == 200, (method, path, status)
        return time.perf_counter() - start


SAMPLE = {"input": [0.5], "target": [0.2]}


def _cheap_calls(client: Connection, network: str, calls: int,
                 pause: float = 0.0) -> dict[str, list[float]]:
    """GET /api/health and POST /step, interleaved so that both see the same machine."""
    timings: dict[str, list[float]] = {"no-op (GET /api/health)": [], "step (POST /step)": []}
    for _ in range(calls):
        timings["no-op (GET /api/health)"].append(client.timed("GET", "/api/health"))
        timings["step (POST /step)"].append(
            client.timed("POST", f"/api/networks/{network}/step", SAMPLE))
        time.sleep(pause)
    return timings


def http_overhead(url: str, calls: int) -> None:
    client = Connection(url)
    network = client.call("POST", "/api/networks", {"seed": 1})[1]["id"]  # type: ignore[index]
    timings = _cheap_calls(client, network, calls)
    medians = {label: statistics.median(t) * 1e3 for label, t in timings.items()}
    for label, ms in medians.items():
        print(f"{'HTTP ' + label + ', median ms':<44}{ms:>16.3f}")
    noop, step = medians.values()
    print(f"{'HTTP step / no-op':<44}{step / noop:>16.2f}")


def heaviest_train_body(client: Connection, network: str) -> dict:
    """The most steps the server accepts on the full batch of `network`'s data."""
    steps = MAX_STEPS_PER_CALL
    while steps > 1:
        status, body = client.call("POST", f"/api/networks/{network}/train",
                                   {"steps": steps, "batch_size": None})
        if status == 200:
            return {"steps": steps, "batch_size": None}
        assert status == 422, body
        steps = max(1, steps * 9 // 10)
    return {"steps": 1, "batch_size": None}


def under_load(url: str, clients: int, seconds: float) -> None:
    """/api/health and /step while `clients` clients run the heaviest accepted training call
    (8 layers, softplus, the full batch of a 10,000-point dataset) over and over."""
    setup = Connection(url)
    network = {"layers": [2, 8, 8, 8, 8, 8, 8, 1], "activation": "softplus", "seed": 1}
    data = {"name": "circle", "size": 10_000, "noise": 0.1, "seed": 0, "test_fraction": 0.0}
    networks = []
    for _ in range(clients):
        created = setup.call("POST", "/api/networks", network)[1]["id"]  # type: ignore[index]
        setup.call("PUT", f"/api/networks/{created}/dataset", data)
        networks.append(created)
    body = heaviest_train_body(setup, networks[0])
    stop = threading.Event()
    seconds_of_work: list[float] = []
    latencies: list[float] = []

    def trainer(network_id: str) -> None:
        client = Connection(url, f"10.2.0.{networks.index(network_id) + 1}")  # a learner
        while not stop.is_set():
            start = time.perf_counter()
            status, result = client.call("POST", f"/api/networks/{network_id}/train", body)
            latencies.append(time.perf_counter() - start)
            if status == 200:
                seconds_of_work.append(result["seconds"])  # type: ignore[index]

    threads = [threading.Thread(target=trainer, args=(n,), daemon=True) for n in networks]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # every client has a call queued
    probe_network = setup.call("POST", "/api/networks", {"seed": 2})[1]["id"]  # type: ignore[index]
    started = time.perf_counter()
    timings: dict[str, list[float]] = {"no-op (GET /api/health)": [], "step (POST /step)": []}
    while time.perf_counter() - started < seconds:
        for label, values in _cheap_calls(setup, probe_network, 1, pause=0.01).items():
            timings[label].extend(values)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    label = f"{clients} clients training ({body['steps']} steps of 10,000, softplus, 8 layers)"
    print(label)
    for name, values in timings.items():
        cuts = statistics.quantiles(values, n=100)
        print(f"  {'HTTP ' + name + ', p50 / p99 ms':<42}{cuts[49] * 1e3:>9.2f} /"
              f"{cuts[98] * 1e3:>7.2f}")
    print(f"  {'train calls done, longest work s':<42}{len(seconds_of_work):>9} /"
          f"{max(seconds_of_work, default=0.0):>7.2f}")


def play(url: str, seconds: float) -> list[tuple[str, float, float, str]]:
    """Play in Chromium: new frames/s and samples/s for three batch sizes, the transport
    used; then, at batch 32, how many frames were drawn between a change of the learning
    rate (its answer) and the first frame trained with it. Each row is measured twice, once
    with the network scrolled into view and once with the plot and the loss chart (what is
    off screen is not painted); the row gives the lower frame rate of the two."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for label, batch, size in (("Play, batch 1", "1", 1000), ("Play, batch 32", "32", 10_000),
                                   ("Play, full batch of 10,000", "full", 10_000)):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(url + "/")
            page.wait_for_selector("body[data-ready=true]")
            for field, value in (("#data-size", size), ("#test-fraction", 0)):
                page.fill(field, str(value))
                page.press(field, "Enter")
                page.evaluate(NEXT_FRAME)  # the field's action rendered as queued first
                page.wait_for_selector('body[data-pending="0"]')
            page.get_by_text(f"all {size:,} training points".replace(",", "")).wait_for()
            page.select_option("#batch-size", batch)
            page.select_option("#play-speed", "max")  # no cap on the updates per frame
            page.get_by_role("button", name="Play").click()
            page.wait_for_timeout(2000)  # the steps per call adapt first
            measured = []
            for view in ("#network", "#data-plot"):
                page.locator(view).evaluate("e => e.scrollIntoView({block: 'start'})")
                page.wait_for_timeout(300)
                before = page.evaluate("({...window.backpropPlayStats, now: performance.now()})")
                page.wait_for_timeout(seconds * 1000)
                after = page.evaluate("({...window.backpropPlayStats, now: performance.now()})")
                elapsed = (after["now"] - before["now"]) / 1000
                measured.append(((after["frames"] - before["frames"]) / elapsed,
                                 (after["samples"] - before["samples"]) / elapsed))
            fps = min(f for f, _ in measured)
            rate = statistics.mean(r for _, r in measured)
            rows.append((label, fps, rate, after["transport"]))
            if batch == "32":
                rows.append(("  frames until a new rate shows", _frames_until_shown(page),
                             0.0, after["transport"]))
            page.get_by_role("button", name="Pause").click()
            page.close()
            if batch == "32":  # alone: no other page playing meanwhile
                rows.append(_play_digits(browser, url, seconds))
        browser.close()
    return rows


def _play_digits(browser, url: str, seconds: float) -> tuple[str, float, float, str]:
    """Play on the handwritten digits (64-32-10, softmax, 1,438 training images) at batch
    32: the new frames a second the page draws (each with the new weights' 32 tile pictures,
    the 10 bars, the accuracy and both confusion tables), with the network in view."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(url + "/")
    page.wait_for_selector("body[data-ready=true]")
    page.select_option("#dataset", "digits")
    page.evaluate(NEXT_FRAME)
    page.wait_for_selector('body[data-pending="0"]')
    page.select_option("#batch-size", "32")
    page.select_option("#play-speed", "max")
    page.get_by_role("button", name="Play").click()
    page.wait_for_timeout(2000)
    page.locator("#network").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    before = page.evaluate("({...window.backpropPlayStats, now: performance.now()})")
    page.wait_for_timeout(seconds * 1000)
    after = page.evaluate("({...window.backpropPlayStats, now: performance.now()})")
    elapsed = (after["now"] - before["now"]) / 1000
    page.get_by_role("button", name="Pause").click()
    page.close()
    return ("  digits 64-32-10, batch 32", (after["frames"] - before["frames"]) / elapsed,
            (after["samples"] - before["samples"]) / elapsed, after["transport"])


# Inside the page: the frames drawn when the answer to a change of settings (a PATCH) came.
PATCH_PROBE = """() => {
  const stats = window.backpropPlayStats;
  const fetched = window.fetch;
  window.benchAnswered = [];
  window.fetch = async (input, init) => {
    const response = await fetched(input, init);
    if (init?.method === "PATCH") window.benchAnswered.push(stats.frames);
    return response;
  };
}"""


def _frames_until_shown(page, changes: int = 5) -> float:
    """The most frames drawn, over `changes` changes of the learning rate during Play,
    after the change's answer came to the page, up to and with the first frame trained with
    the new rate; both ends counted inside the page (the frames drawn and what each trained
    with, and the count when the answer came)."""
    page.evaluate(PATCH_PROBE)
    worst = 0
    for n in range(changes):
        rate = 0.5 + 0.125 * (n + 1)
        field = page.get_by_label("Learning rate", exact=True)
        before = page.evaluate("window.benchAnswered.length")
        with page.expect_response(lambda r: r.request.method == "PATCH"):
            field.fill(str(rate))
            field.press("Enter")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            answered, shown = page.evaluate("""([rate, before]) => [
              window.benchAnswered[before],
              window.backpropPlayStats.drawn.find(([, s]) => s?.learning_rate === rate)]""",
                                            [rate, before])
            if answered is not None and shown:
                worst = max(worst, shown[0] - answered)
                break
            page.wait_for_timeout(5)
        page.wait_for_timeout(300)
    return float(worst)


# Timed inside the page, from the keydown event's timestamp: for the Step key, until the
# first frame that draws the network's new numbers has been rendered (a MutationObserver on
# the drawing sees its text change; the page changes it while it renders a display frame, so
# that frame is the one that shows them, and a message posted then runs once it is rendered;
# a change made outside a frame would show in the next one: requestAnimationFrame, then the
# message), split by the call's resource timing into the page's work before the call, the
# call, and the page's work after the answer up to that frame; for the no-op, a key the page
# ignores starts fetch('/api/health'), and the same frame wait follows its answer. The probe
# knows it is inside a frame's rendering from a frame callback of its own (registered a frame
# ahead, so it runs before the page's) until a message posted from it, which runs once that
# frame is rendered.
KEY_LATENCY_PROBE = """() => {
  const svg = document.getElementById("network");
  const probe = window.benchKeyLatency = { step: [], noop: [], shown: [], armed: null };
  const channel = new MessageChannel();
  const waiting = [];
  channel.port1.onmessage = (e) => {
    if (e.data === "frame-end") { inFrame = false; return; }
    waiting.shift()();
  };
  const afterFrame = (then) => { waiting.push(then); channel.port2.postMessage(null); };
  const afterNextFrame = (then) => requestAnimationFrame(() => afterFrame(then));
  let inFrame = false;
  const tick = () => requestAnimationFrame(() => {
    inFrame = true;
    channel.port2.postMessage("frame-end");
    tick();
  });
  tick();
  new MutationObserver(() => {
    const armed = probe.armed;
    if (!armed || svg.textContent === armed.before) return;
    probe.armed = null;
    const text = svg.textContent;
    (inFrame ? afterFrame : afterNextFrame)(() => {
      const done = performance.now();
      const call = performance.getEntriesByType("resource")
        .filter((e) => e.name.endsWith("/step")).pop();
      performance.clearResourceTimings();
      probe.step.push([done - armed.t0, call.fetchStart - armed.t0,
                       call.responseEnd - call.fetchStart, done - call.responseEnd]);
      probe.shown.push(text);
    });
  }).observe(svg, { subtree: true, childList: true, characterData: true });
  window.addEventListener("keydown", (e) => {
    if (e.key === "s") {
      probe.armed = { t0: e.timeStamp, before: svg.textContent };
    } else if (e.key === "q") {
      const t0 = e.timeStamp;
      fetch("/api/health").then((r) => r.json()).then(() => afterNextFrame(() => {
        probe.noop.push(performance.now() - t0);
      }));
    }
  }, true);
}"""


# Resolves after the page's next display frame (the page renders its state once per frame).
NEXT_FRAME = "() => new Promise((resolve) => requestAnimationFrame(() => resolve(null)))"

# Resolves once two frames have been drawn: what the last key's answers left to draw is done
# before the next key is pressed, so that neither key's figure carries the other's frames.
SETTLE = """() => new Promise((resolve) =>
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0))))"""


def key_latency(url: str, presses: int) -> dict[str, float]:
    """Medians (ms) of the Step key to the new numbers on screen (`step`; `before`, `call` and
    `after` its parts), and of a no-op fetch and frame started from a key press the same way
    (`noop`), pressed in turn on one page with reduced motion; `early` counts the steps timed
    on text other than the page's once it was idle (0 unless the probe stopped early, on
    numbers not yet final)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900},
                                      reduced_motion="reduce")
        page = context.new_page()
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready=true]")
        page.evaluate(KEY_LATENCY_PROBE)
        rows: list[list[float]] = []
        early = 0
        jitter = random.Random(0)
        for n in range(presses + 3):  # the first three warm up
            # Each press at a random point of the display's frame, so that neither key's
            # wait for the next frame is favoured by the rhythm of the presses.
            page.evaluate(SETTLE)
            page.wait_for_timeout(jitter.uniform(0, 1000 / 60))
            page.keyboard.press("s")
            page.wait_for_function("() => window.benchKeyLatency.step.length > 0")
            page.evaluate(NEXT_FRAME)
            page.wait_for_selector('body[data-pending="0"]')  # the pictures, the landscape
            page.evaluate(SETTLE)
            page.wait_for_timeout(jitter.uniform(0, 1000 / 60))
            page.keyboard.press("q")
            page.wait_for_function("() => window.benchKeyLatency.noop.length > 0")
            step, noop, final = page.evaluate("""() => {
              const probe = window.benchKeyLatency;
              const final = probe.shown.pop() === document.getElementById("network").textContent;
              return [probe.step.pop(), probe.noop.pop(), final];
            }""")
            if n >= 3:
                rows.append([*step, noop])
                early += not final
        browser.close()
    names = ("step", "before", "call", "after", "noop")
    medians = {name: statistics.median(row[k] for row in rows) for k, name in enumerate(names)}
    return {**medians, "early": early}


def main() -> None:
    parser = argparse.ArgumentParser(description="Backprop Playground benchmark")
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=SECTIONS,
                        help="run only these parts (default: all)")
    args = parser.parse_args()
    only = set(args.only)
    seconds = 0.5 if args.quick else 2.0
    print(time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    if "engine" in only:
        engine(seconds)
        digits(seconds)
    if "calls" in only:
        largest_calls((100, 10_000) if args.quick else (1, 100, 10_000))
    if not only & {"http", "load", "key", "visit", "play", "socket"}:
        return
    with running_server() as url:
        if "http" in only:
            http_overhead(url, 300 if args.quick else 1500)
        if "load" in only:
            under_load(url, 48, 3 if args.quick else 10)
        if "key" in only:
            print_key_latency(key_latency(url, 15 if args.quick else 60))
        if "visit" in only:
            print_visits(url, args.quick)
        if "socket" in only:
            from .play_socket import play_socket

            play_socket(url, 3 if args.quick else 6)
        if "play" in only:
            for label, fps, rate, transport in play(url, 3 if args.quick else 6):
                if label.startswith("  frames"):
                    print(f"{label + ' (target ≤ 2)':<44}{fps:>16.0f}")
                    continue
                print(f"{label + ', new frames/s':<44}{fps:>16.1f}   over {transport}")
                print(f"{label + ', samples/s':<44}{rate:>16,.0f}")


def print_key_latency(key: dict[str, float]) -> None:
    print(f"{'Step key to new numbers on screen, median ms':<44}{key['step']:>16.1f}")
    print(f"{'  page before the call / call / page after':<44}"
          f"{key['before']:>6.1f} /{key['call']:>5.1f} /{key['after']:>5.1f}")
    print(f"{'no-op key: fetch /api/health + frame, median':<44}{key['noop']:>16.1f}")
    print(f"{'Step key / no-op key':<44}{key['step'] / key['noop']:>16.2f}")
    if key["early"]:
        print(f"  ({key['early']:.0f} of the steps were timed on numbers the page then "
              "changed)")


SECTIONS = ["engine", "calls", "http", "load", "key", "visit", "play", "socket"]


if __name__ == "__main__":
    main()
