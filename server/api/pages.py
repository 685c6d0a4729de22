"""The visualizer page and the offline API docs (no CDN: Swagger UI is served locally)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    templates = request.app.state.templates
    assets = request.app.state.assets
    return templates.TemplateResponse(request, "index.html", {
        "title": "Backprop Playground", "static": assets.prefix,
        "modules": assets.modules_from("js/main.js")},
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
