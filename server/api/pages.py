"""The visualizer page and the offline API docs (no CDN: Swagger UI is served locally)."""

from __future__ import annotations

import json
from functools import cache

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from ..lessons.presets import PRESETS
from .assets import BUNDLE
from .options import read_options

router = APIRouter(include_in_schema=False)


@cache
def options_json() -> Markup:
    """/api/options as the page embeds it (a JSON data block, not a script: it saves the
    page a round trip before it can ask for its network). `<`, `>` and `&` are written as
    JSON escapes, so that nothing in it can close the element."""
    text = json.dumps(read_options().model_dump(mode="json"), separators=(",", ":"))
    safe = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(safe)  # escaped above, for a JSON data block


@router.get("/", response_class=HTMLResponse)
@router.get("/l/{lesson_id}", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    """The page (at /l/<id>, it opens that lesson). It loads its modules as one script, made
    at start from their import graph (assets.BUNDLE); with ?modules, as the ES modules they
    are, all declared up front (<link rel="modulepreload">, from the same graph), to read
    them one by one."""
    templates = request.app.state.templates
    assets = request.app.state.assets
    separate = "modules" in request.query_params
    return templates.TemplateResponse(request, "index.html", {
        "title": "Backprop Playground", "static": assets.prefix,
        "entry": "js/main.js" if separate else BUNDLE,
        "modules": assets.modules_from("js/main.js") if separate else [],
        "options": options_json(),
        "presets": [{"url": f"/l/{name}", "title": p["title"]} for name, p in PRESETS.items()]},
        headers={"cache-control": "no-cache"})


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="Backprop Playground API",
        swagger_js_url="/docs-assets/swagger-ui-bundle.js",
        swagger_css_url="/docs-assets/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
    )
