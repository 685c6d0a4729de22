"""Play over a WebSocket (/api/networks/{id}/play): frames of real training, paced by the
page's acknowledgements; pause; settings by PATCH show in the next frames; refused messages
name their field and change nothing; a forgotten network is said, as over HTTP."""

import itertools
import json
import time

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from server.engine import kernel
from server.limits import MAX_BODY_BYTES, MAX_UNACKED_FRAMES, PLAY_HISTORY_POINTS

PLAY = {"type": "play", "batch_size": 10, "resolution": 8, "functions_resolution": 4}


def _network(client: TestClient, **fields) -> str:
    network = client.post("/api/networks", json={"seed": 3, **fields}).json()["id"]
    client.put(f"/api/networks/{network}/dataset", json={"name": "sine", "size": 50})
    return network


def _frames(ws, count: int) -> list[dict]:
    frames = []
    while len(frames) < count:
        message = ws.receive_json()
        assert message["type"] == "frame", message
        frames.append(message)
        ws.send_json({"type": "ack", "frame": message["frame"]})
    return frames


def _pause(ws) -> list[dict]:
    ws.send_json({"type": "pause"})
    late = []
    while (message := ws.receive_json())["type"] != "paused":
        late.append(message)
    return late


def test_play_trains_in_frames_and_pauses(client: TestClient) -> None:
    network = _network(client)
    with client.websocket_connect(f"/api/networks/{network}/play") as ws:
        ws.send_json(PLAY)
        frames = _frames(ws, 8)
        late = _pause(ws)
    frames += late
    assert [f["frame"] for f in frames] == list(range(1, len(frames) + 1))
    steps = [f["step"] for f in frames]
    assert steps == sorted(steps) and len(set(steps)) == len(steps)
    for before, after in itertools.pairwise(frames):
        assert after["step"] - before["step"] == after["chunk_steps"]
    last = frames[-1]
    state = client.get(f"/api/networks/{network}").json()
    assert state["step"] == last["step"] and state["weights"] == last["weights"]
    assert last["function"]["resolution"] == 8 and last["functions"]["resolution"] == 4
    assert last["settings"]["learning_rate"] == 0.5
    # What a frame says equals what training the same steps over HTTP gives.
    copy = client.post("/api/networks", json={"seed": 3}).json()["id"]
    client.put(f"/api/networks/{copy}/dataset", json={"name": "sine", "size": 50})
    longest = 0
    for f in frames:
        answer = client.post(f"/api/networks/{copy}/train",
                             json={"steps": f["chunk_steps"], "batch_size": 10}).json()
        assert answer["weights"] == f["weights"] and answer["train_loss"] == f["train_loss"]
        # A frame's loss samples: at most PLAY_HISTORY_POINTS of the call's, first and last
        # kept, spread evenly.
        full, thin = answer["history"], f["history"]
        assert len(thin) == min(len(full), PLAY_HISTORY_POINTS)
        assert thin[0] == full[0] and thin[-1] == full[-1] and all(p in full for p in thin)
        gaps = [b["step"] - a["step"] for a, b in itertools.pairwise(thin)]
        assert not gaps or max(gaps) <= 2 * min(gaps) + 1
        longest = max(longest, len(full))
    assert longest > PLAY_HISTORY_POINTS  # the thinning was tested


def test_play_sends_no_more_than_its_frames_ahead_of_the_page(client: TestClient) -> None:
    network = _network(client)
    ahead = client.get("/api/options").json()["limits"]["play_frames_ahead"]
    assert ahead == MAX_UNACKED_FRAMES
    with client.websocket_connect(f"/api/networks/{network}/play") as ws:
        ws.send_json(PLAY)
        sent = [ws.receive_json() for _ in range(ahead)]
        assert [f["frame"] for f in sent] == list(range(1, ahead + 1))
        step = client.get(f"/api/networks/{network}").json()["step"]
        assert step == sent[-1]["step"]  # nothing trains until a frame is acknowledged
        ws.send_json({"type": "ack", "frame": 1})
        assert ws.receive_json()["frame"] == ahead + 1
        _pause(ws)


def test_play_settings_changed_by_patch_apply_to_the_next_frames(client: TestClient) -> None:
    network = _network(client)
    with client.websocket_connect(f"/api/networks/{network}/play") as ws:
        ws.send_json(PLAY)
        _frames(ws, 3)
        client.patch(f"/api/networks/{network}", json={"learning_rate": 0.125,
                                                       "activation": "tanh"})
        frames = _frames(ws, 4)
        ws.send_json({**PLAY, "batch_size": None})
        # the frames on their way may be of batches of 10; the first of the full batch may
        # end the epoch under way with a shorter step; the two after it are whole
        later = _frames(ws, MAX_UNACKED_FRAMES + 3)
        _pause(ws)
    # Sent before the change: at most the frames already on their way.
    assert all(f["settings"] == {"learning_rate": 0.125, "l2": 0.0, "l1": 0.0,
                                 "optimizer": "sgd", "momentum": 0.9, "beta1": 0.9,
                                 "beta2": 0.999, "epsilon": 1e-8, "activation": "tanh",
                                 "output_activation": "sigmoid", "loss": "squared"}
               for f in frames[MAX_UNACKED_FRAMES:])
    # The full batch: one update per step on all 50 points (none held out for testing).
    assert later[-1]["samples_trained"] - later[-2]["samples_trained"] == \
        50 * later[-1]["chunk_steps"]


def test_play_refuses_bad_messages_by_name_and_keeps_the_network(client: TestClient) -> None:
    network = _network(client)
    before = client.get(f"/api/networks/{network}").json()
    with client.websocket_connect(f"/api/networks/{network}/play") as ws:
        for message, field in (({"type": "play", "batch_size": 0}, "batch_size"),
                               ({"type": "play", "resolution": 1000}, "resolution"),
                               ({"type": "play", "steps": 5, "nodes": 1}, "nodes"),
                               ({"type": "jump"}, "type"), ([1, 2], "type")):
            ws.send_json(message)
            error = ws.receive_json()
            assert error["type"] == "error" and error["status"] == 422
            assert error["errors"][0]["field"] == field, error
        ws.send_text("{not json")
        assert ws.receive_json()["errors"][0]["field"] == "body"
    assert client.get(f"/api/networks/{network}").json() == before


def test_play_says_a_network_is_gone_as_http_would(client: TestClient) -> None:
    network = _network(client)
    with client.websocket_connect("/api/networks/never-was/play") as ws:
        ws.send_json(PLAY)
        error = ws.receive_json()
    assert error == {"type": "error", "status": 404,
                     "detail": "no network has the id 'never-was'"}
    with client.websocket_connect(f"/api/networks/{network}/play") as ws:
        ws.send_json(PLAY)
        _frames(ws, 2)
        client.delete(f"/api/networks/{network}")
        while (message := ws.receive_json())["type"] == "frame":
            ws.send_json({"type": "ack", "frame": message["frame"]})
        assert message["status"] == 404 and "no network has the id" in message["detail"]
        assert ws.receive_json() == {"type": "paused"}  # an error pauses the stream


def test_play_without_data_is_a_conflict(client: TestClient) -> None:
    network = client.post("/api/networks", json={}).json()["id"]
    with client.websocket_connect(f"/api/networks/{network}/play") as ws:
        ws.send_json(PLAY)
        error = ws.receive_json()
    assert error["status"] == 409 and "no training data" in error["detail"]


def test_play_steps_caps_the_updates_per_frame(client: TestClient) -> None:
    network = _network(client)
    with client.websocket_connect(f"/api/networks/{network}/play") as ws:
        ws.send_json({**PLAY, "steps": 3})
        frames = _frames(ws, 6)
        ws.send_json({**PLAY, "steps": None})
        later = _frames(ws, 8)
        _pause(ws)
    assert all(f["chunk_steps"] <= 3 for f in frames)
    assert later[-1]["chunk_steps"] > 3  # no cap: as many as fit the chunk's time


def test_play_a_larger_batch_or_dataset_during_play_trains_on_without_refusal(
        client: TestClient) -> None:
    """The updates per frame grown for batches of 1 are not asked of the full batch (nor of
    a dataset grown meanwhile): such a chunk would be refused as longer than a call may be."""
    assert kernel.warm_up()  # batches of 1 train fast enough to grow many steps a frame
    network = _network(client)
    client.put(f"/api/networks/{network}/dataset",
               json={"name": "sine", "size": 10_000, "test_fraction": 0})
    with client.websocket_connect(f"/api/networks/{network}/play") as ws:
        ws.send_json({**PLAY, "batch_size": 1})
        small = _frames(ws, 30)
        assert small[-1]["chunk_steps"] > 50  # grown to fill a chunk's time
        ws.send_json({**PLAY, "batch_size": None})
        large = _frames(ws, 6)
        client.put(f"/api/networks/{network}/dataset", json={"name": "sine", "size": 100})
        ws.send_json({**PLAY, "batch_size": None})
        _frames(ws, 30)
        client.put(f"/api/networks/{network}/dataset",
                   json={"name": "sine", "size": 10_000, "test_fraction": 0})
        grown = _frames(ws, 6)
        _pause(ws)
    for frame in large + grown:  # every one a frame (_frames asserts it), none an error
        assert frame["chunk_steps"] >= 1


def test_play_refuses_an_l2_rate_and_says_to_patch_it(client: TestClient) -> None:
    """Play trains with the network's own λ: one sent with Play is refused by name (it was
    checked, then ignored), and null means not given."""
    network = _network(client)
    with client.websocket_connect(f"/api/networks/{network}/play") as ws:
        ws.send_json({**PLAY, "l2": 0.01})
        error = ws.receive_json()
        assert error["type"] == "error" and error["status"] == 422
        assert error["errors"][0]["field"] == "l2" and "PATCH" in error["errors"][0]["message"]
        ws.send_json({**PLAY, "l2": None})
        frames = _frames(ws, 2)
        _pause(ws)
    assert all(f["settings"]["l2"] == 0.0 for f in frames)


def test_play_refuses_an_acknowledgement_that_is_not_a_frame_sent(client: TestClient) -> None:
    network = _network(client)
    with client.websocket_connect(f"/api/networks/{network}/play") as ws:
        for frame in ("x", 1.5, -5, None, 1):  # 1: no frame was sent yet
            ws.send_json({"type": "ack", "frame": frame})
            error = ws.receive_json()
            assert error["type"] == "error" and error["status"] == 422, frame
            assert error["errors"][0]["field"] == "frame", error
        ws.send_json({"type": "ack"})
        assert ws.receive_json()["errors"][0]["field"] == "frame"
        ws.send_json(PLAY)
        sent = [ws.receive_json() for _ in range(MAX_UNACKED_FRAMES)]
        ws.send_json({"type": "ack", "frame": 2.0})  # an integral number is an integer
        assert ws.receive_json()["frame"] == MAX_UNACKED_FRAMES + 1
        _pause(ws)
    assert [f["frame"] for f in sent] == list(range(1, MAX_UNACKED_FRAMES + 1))


def test_play_answers_a_binary_frame_and_stays_open(client: TestClient) -> None:
    network = _network(client)
    with client.websocket_connect(f"/api/networks/{network}/play") as ws:
        ws.send_bytes(b'{"type": "play"}')
        error = ws.receive_json()
        assert error["type"] == "error" and error["status"] == 422
        assert error["errors"][0]["field"] == "body" and "binary" in error["errors"][0]["message"]
        ws.send_json(PLAY)  # the socket is still open and Play works
        _frames(ws, 2)
        _pause(ws)


def test_play_takes_a_byte_order_mark_as_http_does(client: TestClient) -> None:
    network = _network(client)
    with client.websocket_connect(f"/api/networks/{network}/play") as ws:
        ws.send_text("\ufeff" + json.dumps(PLAY))
        assert _frames(ws, 2)[0]["frame"] == 1
        _pause(ws)


def test_play_says_an_unknown_network_before_reading_anything(client: TestClient) -> None:
    with client.websocket_connect("/api/networks/never-was/play") as ws:
        error = ws.receive_json()  # nothing sent: the server says it at once
        assert error["status"] == 404 and "never-was" in error["detail"]
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1008


def test_play_refuses_a_message_over_the_body_limit_and_closes(client: TestClient) -> None:
    """What uvicorn's ws_max_size does before reading it (a live server's test below),
    the app does too, for a server run without that setting."""
    network = _network(client)
    with client.websocket_connect(f"/api/networks/{network}/play") as ws:
        ws.send_text(json.dumps({**PLAY, "pad": " " * (MAX_BODY_BYTES + 1)}))
        error = ws.receive_json()
        assert error["status"] == 413 and f"{MAX_BODY_BYTES:,}" in error["detail"]
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1009


@pytest.mark.parametrize(("origin", "allowed", "opens"), [
    ("http://testserver", frozenset(), True),  # the page of this server
    (None, frozenset(), True),  # no browser page: nothing another site could do through it
    ("http://evil.example", frozenset(), False),
    ("http://testserver.evil.example", frozenset(), False),
    ("https://class.example.org", frozenset({"https://class.example.org"}), True),
])
def test_play_opens_only_for_pages_of_this_server(origin, allowed, opens) -> None:
    from server.main import create_app

    with TestClient(create_app(allowed_origins=allowed)) as client:
        network = _network(client)
        headers = {"origin": origin} if origin else {}
        if opens:
            with client.websocket_connect(f"/api/networks/{network}/play",
                                          headers=headers) as ws:
                ws.send_json(PLAY)
                _frames(ws, 1)
                _pause(ws)
        else:
            with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect(
                    f"/api/networks/{network}/play", headers=headers):
                pass
            assert refused.value.code == 1008


def test_play_messages_are_capped_by_the_server_before_they_are_read() -> None:
    """40 sockets each sending an 8 MB message to an unknown network: a live server closes
    each (1009) without reading the message whole, and its memory barely moves (the old
    server read them all: 1.5 GB for 40 messages of 15.5 MB)."""
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    from bench.server import running_server

    def rss(pid: int) -> int:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) * 1024 for line in status
                        if line.startswith("VmRSS"))

    pids: list[int] = []
    with running_server(pids=pids) as url:
        # The server compiles (or loads) its training kernel in a thread at start, which grows
        # its memory by up to about 100 MB: the count starts once that has settled.
        before, deadline = rss(pids[0]), time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(1.0)
            now = rss(pids[0])
            if abs(now - before) < 2 * 2**20:
                break
            before = now
        codes = []
        for _ in range(40):
            with connect(url.replace("http", "ws") + "/api/networks/never-was/play",
                         max_size=None) as ws:
                try:
                    ws.send("x" * 8_000_000)
                    while True:
                        ws.recv(timeout=10)
                except ConnectionClosed as closed:
                    codes.append(closed.rcvd.code if closed.rcvd else None)
        grown = rss(pids[0]) - before
    assert set(codes) <= {1008, 1009}  # said "not found", or "too big", and closed
    assert grown < 100 * 2**20, grown
