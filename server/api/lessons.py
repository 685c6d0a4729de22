"""/api/lessons: a teacher's page, kept behind a short link. POST keeps a lesson (the page's
whole state, a title, a text, what to hide, whether to ask before each phase, the steps of a
worksheet) and answers its id, its link /l/<id> and a delete token for its author; GET reads
it back, exactly as it was created; DELETE, with the token, deletes it. The built-in lessons
(server/lessons/presets.py) answer at their names. /l/<id> serves the page, which opens the
lesson. These calls are small and never wait behind a heavy one."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from ..errors import FieldError
from ..lessons.presets import PRESETS
from ..lessons.store import LessonGone, LessonStore, RateLimited
from ..limits import (
    MAX_LESSON_BYTES,
    MAX_LESSON_STEP,
    MAX_LESSON_STEPS,
    MAX_LESSON_TEXT,
    MAX_LESSON_TITLE,
)
from .errors import ERROR_RESPONSES, error_response
from .responses import ErrorOut

router = APIRouter(tags=["lessons"])

# The parts of the page a lesson may hide (a class of each card of templates/index.html).
Hideable = Literal["graph", "gradients", "landscape", "training", "compare", "gradcheck",
                   "share", "settings", "keys"]
LessonId = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,40}$",
                               description="a lesson's id, or a built-in lesson's name")]
# Letters, marks, numbers, punctuation, symbols, spaces; and in a text, line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class LessonIn(BaseModel):
    """What a teacher keeps: the page's state as its link holds it (docs/api.md), and the
    lesson around it. Texts are plain: the page writes them as text, never as markup."""

    model_config = ConfigDict(extra="forbid", strict=True)
    title: str = Field(min_length=1, max_length=MAX_LESSON_TITLE)
    text: str = Field("", max_length=MAX_LESSON_TEXT)
    state: dict[str, Any] = Field(description="the page's state, as a link holds it")
    hide: list[Hideable] = Field(default_factory=list, max_length=8)
    predict: StrictBool = False
    steps: list[Annotated[str, Field(max_length=MAX_LESSON_STEP)]] = Field(
        default_factory=list, max_length=MAX_LESSON_STEPS)


class LessonOut(LessonIn):
    id: str
    url: str = Field(description="its short link: /l/<id>")
    preset: bool = Field(description="a lesson that comes with the page")


class LessonCreated(BaseModel):
    id: str
    url: str
    delete_token: str = Field(description="deletes it (DELETE with X-Delete-Token): known to "
                                          "its author only")


RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    410: {"model": ErrorOut, "description": "The lesson was deleted by its author"},
    429: {"model": ErrorOut, "description": "Too many lessons created from here; Retry-After"},
}


def _store(request: Request) -> LessonStore:
    return request.app.state.lessons


def _checked(body: LessonIn) -> dict[str, Any]:
    """The lesson to keep; a control character in a text, or a lesson over the size limit,
    is refused naming its field."""
    for field in ("title", "text"):
        value = getattr(body, field)
        bad = _CONTROL.search(value.replace("\n", "").replace("\t", "") if field == "text"
                              else value)
        if bad:
            raise FieldError(field, f"a control character (code {ord(bad.group())}) is not "
                             "text" + (": only line breaks and tabs are" if field == "text"
                                       else ""))
    for n, step in enumerate(body.steps):
        if _CONTROL.search(step):
            raise FieldError(f"steps[{n}]", "a control character is not text")
    lesson = body.model_dump()
    size = len(json.dumps(lesson, separators=(",", ":")))
    if size > MAX_LESSON_BYTES:
        raise FieldError("state", f"the lesson takes {size:,} bytes, over the limit of "
                         f"{MAX_LESSON_BYTES:,}: fewer own points, or a built-in dataset")
    return lesson


@router.post("/api/lessons", status_code=status.HTTP_201_CREATED, responses=RESPONSES)
def create_lesson(body: LessonIn, request: Request) -> Any:
    """Keep a lesson; answers its id, its short link and its delete token."""
    lesson = _checked(body)
    client = request.client.host if request.client else "unknown"
    try:
        lesson_id, token = _store(request).create(lesson, client)
    except RateLimited as limited:
        return error_response(429, str(limited), headers={"Retry-After": str(limited.retry_after)})
    return LessonCreated(id=lesson_id, url=f"/l/{lesson_id}", delete_token=token)


@router.get("/api/lessons/{lesson_id}", responses=RESPONSES)
def read_lesson(lesson_id: LessonId, request: Request) -> Any:
    """A lesson as it was created (or a built-in one, by its name)."""
    if lesson_id in PRESETS:
        return LessonOut(**PRESETS[lesson_id], id=lesson_id, url=f"/l/{lesson_id}", preset=True)
    try:
        lesson = _store(request).read(lesson_id)
    except LessonGone:
        return error_response(410, f"the lesson {lesson_id!r} was deleted by its author")
    if lesson is None:
        return error_response(404, f"no lesson has the id {lesson_id!r}")
    return LessonOut(**lesson, id=lesson_id, url=f"/l/{lesson_id}", preset=False)


@router.delete("/api/lessons/{lesson_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses={**RESPONSES, 403: {"model": ErrorOut,
                                             "description": "Not the lesson's delete token"}})
def delete_lesson(lesson_id: LessonId, request: Request,
                  x_delete_token: Annotated[str, Header(max_length=100)]) -> Response:
    """Delete a lesson with the token its creation answered; its link then says so."""
    if lesson_id in PRESETS:
        return error_response(403, "a lesson that comes with the page cannot be deleted")
    store = _store(request)
    try:
        if store.read(lesson_id) is None:
            return error_response(404, f"no lesson has the id {lesson_id!r}")
    except LessonGone:
        return error_response(410, f"the lesson {lesson_id!r} was deleted already")
    if not store.delete(lesson_id, x_delete_token):
        return error_response(403, "x-delete-token: not this lesson's delete token")
    return Response(status_code=204)


@router.get("/api/lessons", responses=RESPONSES)
def list_presets() -> list[dict[str, str]]:
    """The lessons that come with the page: their names and titles (a teacher's own are not
    listed: only their links reach them)."""
    return [{"id": name, "title": lesson["title"], "url": f"/l/{name}"}
            for name, lesson in PRESETS.items()]
