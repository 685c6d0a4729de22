"""The messages a page sends over Play's WebSocket (api/play.py), as typed models checked as
strictly as the HTTP routes' bodies: an unknown field, a wrong type or a number out of its
bounds is refused by name."""

from __future__ import annotations

from typing import Any, Literal

import orjson
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from ..errors import FieldError
from ..limits import MAX_RESOLUTION, MAX_STEPS_PER_CALL, MAX_THUMBNAIL_RESOLUTION
from .requests import DatasetSize, Integer, PlottedNode, Strict

FRAME_NUMBERS = 2**53  # frames are counted in JSON numbers that stay exact


class PlayStart(Strict, PlottedNode):
    """Start Play, or go on with these settings."""

    type: Literal["play"]
    batch_size: DatasetSize | None = Field(
        None, description="points per update; null (or absent) for the full batch")
    resolution: Integer(0, MAX_RESOLUTION) = Field(
        0, description="if > 0, each frame's plotted node's output over a grid this fine")
    functions_resolution: Integer(0, MAX_THUMBNAIL_RESOLUTION) = Field(
        0, description="if > 0, each frame's every node's output over a grid this fine")
    steps: Integer(1, MAX_STEPS_PER_CALL) | None = Field(
        None, description="the most updates per frame, a speed a learner can watch; null (or "
                          "absent): as many as fit the chunk's time")
    l2: None = Field(None, description="not a Play setting: Play trains with the network's "
                                       "own λ (PATCH it); null is taken as not given")

    @field_validator("l2", mode="before")
    @classmethod
    def _network_l2(cls, value: Any) -> None:
        if value is not None:
            raise PydanticCustomError(
                "play_l2", "Play trains with the network's own L2 rate: change it with "
                           "PATCH /api/networks/{id} (the next frame trains with it)")
        return None


class Pause(Strict):
    """Stop after the chunk in progress."""

    type: Literal["pause"]


class Ack(Strict):
    """Frame `frame` is drawn."""

    type: Literal["ack"]
    frame: Integer(0, FRAME_NUMBERS)


PlayMessage = PlayStart | Pause | Ack
_MODELS: dict[str, type[PlayStart] | type[Pause] | type[Ack]] = {
    "play": PlayStart, "pause": Pause, "ack": Ack}


def read_message(text: str) -> PlayMessage:
    """The message in `text`: FieldError naming `body` for text that is not JSON, `type` for
    an unknown type; pydantic's ValidationError naming each refused field otherwise."""
    try:
        # A byte-order mark before the JSON is ignored, as on every HTTP route.
        message = orjson.loads(text[1:] if text.startswith("\ufeff") else text)
    except orjson.JSONDecodeError as error:
        raise FieldError("body", f"invalid JSON: {error}") from None
    kind = message.get("type") if isinstance(message, dict) else None
    model = _MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise FieldError("type", "a message's type is play, pause or ack")
    return model.model_validate(message)
