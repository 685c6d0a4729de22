"""Every failure as a JSON body {"detail": "...", "errors": [...]}, its status chosen here and
only here, in one table (ERRORS) that the HTTP routes and the Play stream both read: 404
unknown network, 409 phase out of order or diverged, 422 invalid input (a FieldError raised
below the API, or a request that fails its model), 429 a client over its share, 503 a network
busy too long or too much heavy work queued."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import (
    ClientGone,
    Diverged,
    FieldError,
    NetworkBusy,
    NetworkNotFound,
    Overloaded,
    PhaseConflict,
    RateLimited,
    StoreUnavailable,
    UnsupportedMediaType,
)
from .responses import ErrorItem, ErrorOut


def not_found_detail(exc: NetworkNotFound) -> str:
    if exc.expired:
        return (f"network {exc.network_id!r} has expired: the server keeps a limited number "
                "of networks (and, in a shared store, each for a day after its last use) and "
                "evicted this one, the least recently used; create it again")
    return f"no network has the id {exc.network_id!r}"


@dataclass(frozen=True)
class Answer:
    """What a failure is answered with: its status, body and headers."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass(frozen=True)
class Rule:
    """How one type of the server's errors is answered."""

    status: int
    description: str | None  # for /docs and the OpenAPI schema (None: not an answer a
    # client reads, as for one that has gone)
    detail: Callable[[Any], str] = str
    retry_after: int | Callable[[Any], int] | None = None  # seconds, as a Retry-After header

    def answer(self, exc: Exception) -> Answer:
        body: dict[str, Any] = {"detail": self.detail(exc)}
        if isinstance(exc, FieldError):
            body["errors"] = [{"field": exc.field, "message": exc.message}]
        after = self.retry_after(exc) if callable(self.retry_after) else self.retry_after
        return Answer(self.status, body, {} if after is None else {"Retry-After": str(after)})


# The one table of the server's errors: each type, its status and how it is told.
ERRORS: dict[type[Exception], Rule] = {
    FieldError: Rule(422, "Invalid input; `detail` names the field"),
    NetworkNotFound: Rule(404, "No network has this id (never, or no longer)",
                          not_found_detail),
    PhaseConflict: Rule(409, "Phase out of order, training without data, or diverged"),
    Diverged: Rule(409, "Phase out of order, training without data, or diverged"),
    NetworkBusy: Rule(503, "The network stayed busy with another call: nothing changed",
                      retry_after=1),
    UnsupportedMediaType: Rule(415, "The body must be sent as JSON (Content-Type)"),
    StoreUnavailable: Rule(503, "The store of networks cannot be reached now", retry_after=2),
    Overloaded: Rule(503, "Too many heavy calls wait already: nothing was done", retry_after=1),
    RateLimited: Rule(429, "This client asked for more than its share: nothing was done",
                      retry_after=lambda exc: exc.retry_after),
    # Nobody reads it: the client closed its connection while its call waited.
    ClientGone: Rule(499, None, lambda _: "the client closed its connection"),
}


def answer_for(exc: BaseException) -> Answer | None:
    """How `exc` is answered, by the HTTP routes and the Play stream alike; None for an
    exception that is not one of the server's errors (a bug: a 500)."""
    for kind in type(exc).__mro__:
        rule = ERRORS.get(kind)
        if rule is not None:
            assert isinstance(exc, Exception)
            return rule.answer(exc)
    return None


def _responses() -> dict[int | str, dict[str, Any]]:
    described: dict[int, list[str]] = {422: ["Invalid input; `detail` names the field"]}
    for rule in ERRORS.values():
        if rule.description is None:
            continue
        if rule.description not in described.setdefault(rule.status, []):
            described[rule.status].append(rule.description)
    return {status: {"model": ErrorOut, "description": "; or ".join(texts)}
            for status, texts in sorted(described.items())}


# Declared on every route so that /docs and the OpenAPI schema describe the error bodies.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = _responses()


def error_response(status: int, detail: str, errors: Sequence[ErrorItem] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorOut(detail=detail, errors=list(errors) if errors else None)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def field_name(loc: Sequence[str | int]) -> str:
    """("body", "weights", 0, 1) → "weights[0][1]"; ("path", "k") → "k"."""
    parts = list(loc[1:]) if loc and loc[0] in ("body", "path", "query") else list(loc)
    if not parts:
        return "body"
    name = ""
    for p in parts:
        name += f"[{p}]" if isinstance(p, int) else (f".{p}" if name else str(p))
    return name


def describe(error: dict[str, Any]) -> ErrorItem:
    kind = error.get("type", "")
    loc = error.get("loc", ())
    if kind == "json_invalid":
        position = loc[1] if len(loc) > 1 else "?"
        reason = error.get("ctx", {}).get("error", "malformed")
        return ErrorItem(field="body", message=f"invalid JSON at character {position}: {reason}")
    if kind == "missing" and tuple(loc) == ("body",):
        return ErrorItem(field="body", message="a JSON object is required")
    return ErrorItem(field=field_name(loc), message=str(error.get("msg", "invalid")))


def refused(items: Sequence[ErrorItem]) -> Answer:
    """A 422 naming each refused field."""
    return Answer(422, {"detail": "; ".join(f"{i.field}: {i.message}" for i in items),
                        "errors": [i.model_dump() for i in items]}, {})


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    answer = refused([describe(e) for e in exc.errors()])
    return JSONResponse(answer.body, status_code=answer.status)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    headers = dict(exc.headers or {})
    if exc.status_code == 400:
        # The framework could not even read the body: invalid input, said as it is.
        if isinstance(exc.__cause__, RecursionError):
            message = ("the JSON is nested too deep to be read (about a thousand levels; a "
                       "request needs four at most)")
        elif isinstance(exc.__cause__, UnicodeDecodeError):
            message = "the body is not JSON text (UTF-8 expected)"
        else:
            message = "the body could not be read as JSON text"
        return error_response(422, f"body: {message}", [ErrorItem(field="body",
                                                                   message=message)])
    if exc.status_code == 405:
        # The router names only the first matching route's methods; name every route's.
        headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
    return error_response(exc.status_code, str(exc.detail), headers=headers)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method the OpenAPI schema documents for `path` (HEAD along with GET)."""
    methods: set[str] = set()
    for template, operations in app.openapi()["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}/]+\}", "[^/]+", template), path):
            methods |= {m.upper() for m in operations}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


async def _server_error(request: Request, exc: Exception) -> JSONResponse:
    answer = answer_for(exc)
    assert answer is not None  # registered for the table's types only
    return JSONResponse(answer.body, status_code=answer.status, headers=answer.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    for kind in ERRORS:
        app.add_exception_handler(kind, _server_error)
