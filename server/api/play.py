"""Play over a WebSocket: /api/networks/{id}/play.

The server trains the network in short chunks, one after the other, and sends each chunk's
outcome as a frame (what POST /train answers, plus the settings it trained with); the page
draws every frame and acknowledges it. The page sends control messages:

- {"type": "play", "batch_size", "resolution", "functions_resolution", "layer", "node",
  "steps"}: start, or go on with these settings (the fields of POST /train but `l2`;
  `steps` here is the most updates per frame, a speed a learner can watch; absent or null:
  as many as fit the chunk's time);
- {"type": "pause"}: stop after the chunk in progress; the server answers {"type": "paused"};
- {"type": "ack", "frame": n}: frame n is drawn.

Frames: {"type": "frame", "frame": n, "chunk_steps": s, "settings": {...}, ...the /train
answer, with at most PLAY_HISTORY_POINTS of its loss samples}. A refused message or a failed
chunk sends {"type": "error", "status", "detail", "errors"?}, as the HTTP routes would
answer, and pauses (the socket stays open).

Pacing and fairness: at most MAX_UNACKED_FRAMES frames are in flight (trained and not yet
acknowledged), so the server trains at the page's pace of drawing and queues no more than
that (the page skips those trained with settings it knows are old); each chunk is one
call in the heavy pool, under the network's lock, written back to the store (so that any
worker sees the network as of the last frame). Chunks aim at PLAY_CHUNK_SECONDS of work,
less when many streams share the process, so that every stream gets its frames and what
drops under load is samples per second, not frames. Learning rate, λ, activations and loss
change by PATCH, as always: the next chunk trains with them.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import orjson
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from ..limits import (
    HEAVY_WORKERS,
    MAX_STEPS_PER_CALL,
    MAX_UNACKED_FRAMES,
    PLAY_CHUNK_SECONDS,
    PLAY_FRAMES_PER_SECOND,
    PLAY_HISTORY_POINTS,
)
from ..networks.plot import PlotRequest
from ..networks.store import NetworkStore
from .errors import describe, error_body
from .heavy import HeavyPool
from .render import train_out
from .requests import TrainRequest
from .responses import ErrorItem

router = APIRouter(prefix="/api/networks", tags=["training"])

# The longest a chunk's estimate (workbench.estimated_seconds, generous: about twice the real
# time) may be: about twice the chunk's aim. The steps grown for a small batch, or a small
# dataset, are never asked of a larger one (which would be refused as too long for a call).
LONGEST_CHUNK_ESTIMATE = 4 * PLAY_CHUNK_SECONDS


class Streams:
    """How many Play streams of this process are training now (for the chunk length)."""

    def __init__(self) -> None:
        self.active = 0

    def chunk_seconds(self) -> float:
        """Work per chunk: PLAY_CHUNK_SECONDS, or less when the streams together would
        need more than the heavy pool's threads give at PLAY_FRAMES_PER_SECOND each."""
        share = HEAVY_WORKERS / max(1, self.active) / PLAY_FRAMES_PER_SECOND
        return max(0.0005, min(PLAY_CHUNK_SECONDS, 0.5 * share))


def _error(status: int, body: dict[str, Any]) -> bytes:
    return orjson.dumps({"type": "error", "status": status, **body})


def _refused(items: list[ErrorItem]) -> bytes:
    """A 422 naming each refused field, as the HTTP routes answer it."""
    return _error(422, {"detail": "; ".join(f"{i.field}: {i.message}" for i in items),
                        "errors": [i.model_dump() for i in items]})


def _request(message: dict[str, Any]) -> tuple[TrainRequest, int | None]:
    """The message's training settings, and its cap on steps per frame (`steps`; absent
    or null: no cap)."""
    fields = {k: v for k, v in message.items() if k != "type"}
    cap = fields.get("steps")
    request = TrainRequest.model_validate({**fields, "steps": 1 if cap is None else cap})
    return request, None if cap is None else request.steps


@router.websocket("/{network_id}/play")
async def play(websocket: WebSocket, network_id: str) -> None:
    store: NetworkStore = websocket.app.state.store
    heavy: HeavyPool = websocket.app.state.heavy_pool
    streams: Streams = websocket.app.state.play_streams
    await websocket.accept()
    state: dict[str, Any] = {"request": None, "cap": None, "playing": False, "acked": 0}
    wake = asyncio.Event()
    sending = asyncio.Lock()

    async def send(data: bytes) -> None:
        async with sending:
            await websocket.send_text(data.decode())

    async def receive() -> None:
        while True:
            try:
                message = orjson.loads(await websocket.receive_text())
            except orjson.JSONDecodeError as error:
                await send(_refused([ErrorItem(field="body", message=f"invalid JSON: {error}")]))
                continue
            kind = message.get("type") if isinstance(message, dict) else None
            if kind == "play":
                try:
                    state["request"], state["cap"] = _request(message)
                except ValidationError as error:
                    await send(_refused([describe(e) for e in error.errors()]))
                    continue
                state["playing"] = True
            elif kind == "pause":
                state["playing"] = False
            elif kind == "ack":
                frame = message.get("frame")
                if isinstance(frame, int):
                    state["acked"] = max(state["acked"], frame)
            else:
                await send(_refused([ErrorItem(
                    field="type", message="a message's type is play, pause or ack")]))
            wake.set()

    def chunk(request: TrainRequest, steps: int, frame: int) -> tuple[bytes, int, float]:
        """At most `steps` updates (fewer if the estimate puts them beyond
        LONGEST_CHUNK_ESTIMATE) under the network's lock, written back; frame `frame`'s bytes,
        the steps trained and the seconds of work."""
        plot = (PlotRequest(request.layer, request.node, request.resolution)
                if request.resolution else None)
        with store.open(network_id, with_data=True) as network:
            steps = min(steps, network.steps_within(request.batch_size, LONGEST_CHUNK_ESTIMATE))
            trained = network.train(steps, request.batch_size, None, plot,
                                    request.functions_resolution)
            settings = network.settings()
        answer = train_out(trained, request.node, PLAY_HISTORY_POINTS).model_dump(mode="json")
        return (orjson.dumps({"type": "frame", "frame": frame, "chunk_steps": trained.outcome.steps,
                              "settings": settings, **answer}),
                trained.outcome.steps, trained.seconds)

    receiver = asyncio.create_task(receive())
    frame, steps, was_playing = 0, 1, False
    try:
        while not receiver.done():
            if state["playing"] != was_playing:
                was_playing = state["playing"]
                streams.active += 1 if was_playing else -1
                if not was_playing:
                    await send(orjson.dumps({"type": "paused"}))
            if not (state["playing"] and frame - state["acked"] < MAX_UNACKED_FRAMES):
                wake.clear()
                waiting = asyncio.create_task(wake.wait())
                await asyncio.wait([waiting, receiver], return_when=asyncio.FIRST_COMPLETED)
                waiting.cancel()
                continue
            request, cap = state["request"], state["cap"]
            asked = min(steps, cap or steps)
            try:
                body, trained, seconds = await heavy.run(
                    lambda r=request, s=asked, n=frame + 1: chunk(r, s, n))
            except Exception as error:
                known = error_body(error)
                if known is None:
                    raise
                state["playing"] = False
                await send(_error(*known))
                continue
            frame += 1
            await send(body)
            # The next chunk aims at this stream's share of the work, from what this one did.
            target = streams.chunk_seconds()
            steps = max(1, min(MAX_STEPS_PER_CALL,
                               round(trained * min(2.0, target / max(seconds, 1e-5)))))
    except WebSocketDisconnect:
        pass
    finally:
        if was_playing:
            streams.active -= 1
        receiver.cancel()
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
            await receiver
