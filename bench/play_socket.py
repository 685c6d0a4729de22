"""Play over the WebSocket alone, without a page: a client that acknowledges every frame at once
(what the server can give when drawing costs nothing). The digits' network, 64-32-10 on the
1,797 images at batch 32, beside the page's default network, 1-2-2-1 on the sine at batch 32,
in the same run: new frames per second, samples trained per second and a frame's bytes."""

from __future__ import annotations

import json
import statistics
import time
import urllib.request

from websockets.sync.client import connect

DEFAULT = ({"seed": 1}, {"name": "sine", "size": 200, "test_fraction": 0.2})
DIGITS = ({"layers": [64, 32, 10], "output_activation": "softmax",
           "loss": "categorical_cross_entropy", "seed": 1},
          {"name": "digits", "size": 1797, "noise": 0.0, "test_fraction": 0.2})


def _call(url: str, method: str, path: str, body: object | None = None) -> tuple[int, object]:
    request = urllib.request.Request(url + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read() or b"null")


def _stream(url: str, network: dict, dataset: dict, seconds: float,
            warm: float = 1.0) -> tuple[float, float, float]:
    """(frames/s, samples/s, median frame bytes) of Play at batch 32, after `warm` seconds
    for the chunk's steps to adapt."""
    status, made = _call(url, "POST", "/api/networks", network)
    assert status == 201, made
    network_id = made["id"]  # type: ignore[index]
    status, _ = _call(url, "PUT", f"/api/networks/{network_id}/dataset", dataset)
    assert status == 200
    ws_url = url.replace("http://", "ws://") + f"/api/networks/{network_id}/play"
    sizes: list[int] = []
    with connect(ws_url, max_size=None) as ws:  # no Origin: not a browser's page
        ws.send(json.dumps({"type": "play", "batch_size": 32}))
        start = time.perf_counter()
        counted_from = None
        frames = samples = 0
        while True:
            text = ws.recv()
            message = json.loads(text)
            assert message["type"] == "frame", message
            ws.send(json.dumps({"type": "ack", "frame": message["frame"]}))
            now = time.perf_counter()
            if counted_from is None:
                if now - start >= warm:
                    counted_from = now
                continue
            frames += 1
            samples += message["chunk_steps"] * 32
            sizes.append(len(text.encode()) if isinstance(text, str) else len(text))
            if now - counted_from >= seconds:
                break
        elapsed = time.perf_counter() - counted_from
        ws.send(json.dumps({"type": "pause"}))
        while json.loads(ws.recv())["type"] != "paused":
            pass
    _call(url, "DELETE", f"/api/networks/{network_id}")
    return frames / elapsed, samples / elapsed, statistics.median(sizes)


def play_socket(url: str, seconds: float) -> None:
    """Prints the digits' row beside the default network's, and their ratio."""
    base = _stream(url, *DEFAULT, seconds)
    digits = _stream(url, *DIGITS, seconds)
    print(f"{'Play over the socket, batch 32, acks at once':<44}{'frames/s':>12}{'samples/s':>14}"
          f"{'frame bytes':>13}")
    for label, (fps, rate, size) in (("  1-2-2-1 sine (baseline)", base),
                                     ("  64-32-10 digits", digits)):
        print(f"{label:<44}{fps:>12.1f}{rate:>14,.0f}{size:>13,.0f}")
    print(f"{'  digits / baseline':<44}{digits[0] / base[0]:>12.2f}{digits[1] / base[1]:>14.2f}"
          f"{digits[2] / base[2]:>13.1f}")
