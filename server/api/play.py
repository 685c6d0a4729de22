"""Play over a WebSocket: /api/networks/{id}/play.

The server trains the network in short chunks, one after the other, and sends each chunk's
outcome as a frame (what POST /train answers, plus the settings it trained with); the page
draws every frame and acknowledges it. The page sends control messages (play_messages.py):

- {"type": "play", "batch_size", "resolution", "functions_resolution", "layer", "node",
  "steps"}: start, or go on with these settings. They are the fields of POST /train, but
  `steps` here is the most updates per frame, a speed a learner can watch (absent or null:
  as many as fit the chunk's time), and `l2` is refused: Play trains with the network's own
  λ, changed by PATCH as every other setting;
- {"type": "pause"}: stop after the chunk in progress; the server answers {"type": "paused"};
- {"type": "ack", "frame": n}: frame n is drawn.

Frames: {"type": "frame", "frame": n, "chunk_steps": s, "settings": {...}, ...the /train
answer, with at most PLAY_HISTORY_POINTS of its loss samples}. A refused message or a failed
chunk sends {"type": "error", "status", "detail", "errors"?}, as the HTTP routes would
answer (api/errors.py's table), and pauses Play (the socket stays open).

Pacing and fairness: at most MAX_UNACKED_FRAMES frames are in flight (trained and not yet
acknowledged), so the server trains at the page's pace of drawing and queues no more than
that (the page skips those trained with settings it knows are old); each chunk is one
heavy call (api/calls.py), under the network's lock, written back to the store (so that any
worker sees the network as of the last frame). Chunks aim at PLAY_CHUNK_SECONDS of work,
less when many streams share the process, so that every stream gets its frames and what
drops under load is samples per second, not frames. Learning rate, λ, activations and loss
change by PATCH, as always: the next chunk trains with them.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from urllib.parse import urlsplit

import orjson
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from ..errors import ClientGone, FieldError, NetworkNotFound
from ..limits import (
    HEAVY_WORKERS,
    MAX_BODY_BYTES,
    MAX_STEPS_PER_CALL,
    MAX_UNACKED_FRAMES,
    PLAY_CHUNK_SECONDS,
    PLAY_FRAMES_PER_SECOND,
    PLAY_HISTORY_POINTS,
)
from ..networks.network import Network
from ..networks.plot import PlotRequest
from .calls import Caller, Calls
from .errors import Answer, answer_for, describe, refused
from .play_messages import Ack, Pause, PlayStart, read_message
from .render import train_out
from .responses import ErrorItem

router = APIRouter(prefix="/api/networks", tags=["training"])

# The longest a chunk's estimate (workbench.estimate, generous: about twice the real time)
# may be: about twice the chunk's aim. The steps grown for a small batch, or a small dataset,
# are never asked of a larger one (which would be refused as too long for a call).
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


def _error(answer: Answer) -> bytes:
    return orjson.dumps({"type": "error", "status": answer.status, **answer.body})


class PlayStream:
    """One page's Play: what it asked for, the frames sent and drawn, the next chunk's size."""

    def __init__(self, websocket: WebSocket, network_id: str, calls: Calls,
                 streams: Streams, allowed_origins: frozenset[str] = frozenset()) -> None:
        self.websocket = websocket
        self.allowed_origins = allowed_origins
        self.network_id = network_id
        self.calls = calls
        self.streams = streams
        self.request: PlayStart | None = None
        self.playing = False
        self.sent = 0  # frames sent, numbered from 1
        self.acked = 0  # the latest frame the page has drawn
        self.steps = 1  # updates the next chunk asks for (grown from the last chunk's time)
        self._counted = False  # among streams.active
        self._wake = asyncio.Event()
        self._sending = asyncio.Lock()

    async def send(self, data: bytes) -> None:
        async with self._sending:  # frames and answers to messages come from two tasks
            await self.websocket.send_text(data.decode())

    # -- the page's messages -----------------------------------------------------------

    async def _next_text(self) -> str:
        """The page's next text message. A binary one is answered with an error and
        skipped (the socket stays open); one over MAX_BODY_BYTES, which a server without
        uvicorn's ws_max_size (cli.py sets it) would have read whole, is refused and the
        socket closed (1009, "message too big")."""
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
            text = message.get("text")
            if text is None:
                await self.send(_error(refused([ErrorItem(
                    field="body", message="a message is JSON text: binary frames are not "
                                          "read")])))
                continue
            if len(text) > MAX_BODY_BYTES // 4 and len(text.encode()) > MAX_BODY_BYTES:
                await self.send(_error(Answer(413, {"detail": (
                    f"body: a message is at most {MAX_BODY_BYTES:,} bytes")}, {})))
                await self.websocket.close(1009)
                raise WebSocketDisconnect(1009)
            return text

    async def receive(self) -> None:
        """Reads the page's messages until it goes: each is taken, or refused by name."""
        while True:
            text = await self._next_text()
            try:
                message = read_message(text)
                if isinstance(message, Ack) and message.frame > self.sent:
                    raise FieldError("frame", f"no frame {message.frame} was sent: the last "
                                     f"sent is frame {self.sent}")
            except ValidationError as error:
                await self.send(_error(refused([describe(e) for e in error.errors()])))
                continue
            except FieldError as error:
                await self.send(_error(refused([ErrorItem(field=error.field,
                                                          message=error.message)])))
                continue
            match message:
                case PlayStart():
                    self.request = message
                    self.playing = True
                case Pause():
                    self.playing = False
                case Ack(frame=frame):
                    self.acked = max(self.acked, frame)
            self._wake.set()

    # -- the chunks ----------------------------------------------------------------------

    def _chunk(self, network: Network, request: PlayStart, steps: int, frame: int,
               ) -> tuple[bytes, int, float]:
        """At most `steps` updates (fewer if the estimate, made once, puts them beyond
        LONGEST_CHUNK_ESTIMATE); frame `frame`'s bytes, the steps trained and the seconds of
        work."""
        plot = (PlotRequest(request.layer, request.node, request.resolution)
                if request.resolution else None)
        trained = network.train(steps, request.batch_size, None, plot,
                                request.functions_resolution, longest=LONGEST_CHUNK_ESTIMATE)
        answer = train_out(trained, request.node, PLAY_HISTORY_POINTS).model_dump(mode="json")
        body = orjson.dumps({"type": "frame", "frame": frame,
                             "chunk_steps": trained.outcome.steps,
                             "settings": network.settings(), **answer})
        return body, trained.outcome.steps, trained.seconds

    async def _train_one(self) -> None:
        request = self.request
        assert request is not None
        asked = min(self.steps, request.steps or self.steps)
        frame = self.sent + 1
        try:
            body, trained, seconds = await self.calls.run(
                self.network_id, lambda network: self._chunk(network, request, asked, frame),
                heavy=True, with_data=True)
        except ClientGone:
            return
        except Exception as error:
            answer = answer_for(error)
            if answer is None:
                raise
            self.playing = False
            await self.send(_error(answer))
            return
        self.sent = frame
        await self.send(body)
        # The next chunk aims at this stream's share of the work, from what this one did.
        target = self.streams.chunk_seconds()
        self.steps = max(1, min(MAX_STEPS_PER_CALL,
                                round(trained * min(2.0, target / max(seconds, 1e-5)))))

    def _count(self, playing: bool) -> None:
        if playing != self._counted:
            self.streams.active += 1 if playing else -1
            self._counted = playing

    async def serve(self) -> None:
        if not origin_allowed(self.websocket, self.allowed_origins):
            # A page of another site (any page may open a WebSocket anywhere): refused
            # before the socket opens (the handshake is answered 403).
            await self.websocket.close(1008)
            return
        await self.websocket.accept()
        try:  # an unknown network is said at once, before anything is read
            await self.calls.shape(self.network_id)
        except NetworkNotFound as error:
            answer = answer_for(error)
            assert answer is not None
            await self.send(_error(answer))
            await self.websocket.close(1008)
            return
        receiver = asyncio.create_task(self.receive())
        # A chunk waiting for a heavy worker is dropped if the page goes meanwhile.
        client = self.websocket.client.host if self.websocket.client else ""
        self.calls = self.calls.bound(Caller(client, lambda: asyncio.wait([receiver])))
        try:
            while not receiver.done():
                if self.playing != self._counted:
                    self._count(self.playing)
                    if not self.playing:
                        await self.send(orjson.dumps({"type": "paused"}))
                if not (self.playing and self.sent - self.acked < MAX_UNACKED_FRAMES):
                    self._wake.clear()
                    waiting = asyncio.create_task(self._wake.wait())
                    await asyncio.wait([waiting, receiver], return_when=asyncio.FIRST_COMPLETED)
                    waiting.cancel()
                    continue
                await self._train_one()
        except WebSocketDisconnect:
            pass
        finally:
            self._count(False)
            receiver.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await receiver


def origin_allowed(websocket: WebSocket, allowed: frozenset[str]) -> bool:
    """A browser's WebSocket says the page it comes from (Origin): it must be a page of
    this server (the host the request was sent to, as the Host header says), or one of
    `allowed` (deployments behind a proxy that rewrites the host: --allow-origin). A client
    that sends no Origin is no browser page, and no other site's page can act through it."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    if origin in allowed or "*" in allowed:
        return True
    parts = urlsplit(origin)
    host = websocket.headers.get("host", "")
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


@router.websocket("/{network_id}/play")
async def play(websocket: WebSocket, network_id: str) -> None:
    app: Any = websocket.app
    await PlayStream(websocket, network_id, app.state.calls, app.state.play_streams,
                     app.state.allowed_origins).serve()
