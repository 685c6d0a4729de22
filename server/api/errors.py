"""Every failure as a JSON body {"detail": "...", "errors": [...]}, its status chosen here and
only here: 404 unknown network, 409 phase out of order or diverged, 422 invalid input (a
FieldError raised below the API, or a request that fails its model)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import Diverged, FieldError, NetworkBusy, NetworkNotFound, PhaseConflict
from .responses import ErrorItem, ErrorOut

# Declared on every route so that /docs and the OpenAPI schema describe the error bodies.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No network has this id (never, or no longer)"},
    409: {"model": ErrorOut, "description": "Phase out of order, or training diverged"},
    422: {"model": ErrorOut, "description": "Invalid input; `detail` names the field"},
}


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


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [describe(e) for e in exc.errors()]
    return error_response(422, "; ".join(f"{e.field}: {e.message}" for e in errors), errors)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    headers = dict(exc.headers or {})
    if exc.status_code == 400:
        # The framework could not even read the body (not UTF-8 text, say): invalid input.
        message = "the body is not JSON text (UTF-8 expected)"
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


async def _invalid_input(request: Request, exc: FieldError) -> JSONResponse:
    return error_response(422, str(exc), [ErrorItem(field=exc.field, message=exc.message)])


def not_found_detail(exc: NetworkNotFound) -> str:
    if exc.expired:
        return (f"network {exc.network_id!r} has expired: the server keeps a limited number "
                "of networks (and, in a shared store, each for a day after its last use) and "
                "evicted this one, the least recently used; create it again")
    return f"no network has the id {exc.network_id!r}"


def error_body(exc: Exception) -> tuple[int, dict[str, Any]] | None:
    """The status and body the HTTP routes answer `exc` with (for a WebSocket's messages);
    None for an exception that is not one of the server's errors."""
    if isinstance(exc, FieldError):
        return 422, {"detail": str(exc), "errors": [{"field": exc.field,
                                                     "message": exc.message}]}
    if isinstance(exc, NetworkNotFound):
        return 404, {"detail": not_found_detail(exc)}
    if isinstance(exc, PhaseConflict | Diverged):
        return 409, {"detail": str(exc)}
    if isinstance(exc, NetworkBusy):
        return 503, {"detail": str(exc)}
    return None


async def _not_found(request: Request, exc: NetworkNotFound) -> JSONResponse:
    return error_response(404, not_found_detail(exc))


async def _busy(request: Request, exc: NetworkBusy) -> JSONResponse:
    return error_response(503, str(exc))


async def _conflict(request: Request, exc: PhaseConflict | Diverged) -> JSONResponse:
    return error_response(409, str(exc))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(FieldError, _invalid_input)  # type: ignore[arg-type]
    app.add_exception_handler(NetworkNotFound, _not_found)  # type: ignore[arg-type]
    app.add_exception_handler(PhaseConflict, _conflict)  # type: ignore[arg-type]
    app.add_exception_handler(Diverged, _conflict)  # type: ignore[arg-type]
    app.add_exception_handler(NetworkBusy, _busy)  # type: ignore[arg-type]
