"""The contract (docs/api.md) is kept in step with the app: every route the OpenAPI schema
lists, the Play WebSocket, and every limit /api/options serves appear in it."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from starlette.routing import WebSocketRoute

from server.api import play

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def routes_documented() -> set[tuple[str, str]]:
    """(method, path) of every row of the contract's route table, `N` for a network's id."""
    rows = re.findall(r"^\| (GET|POST|PUT|PATCH|DELETE|WebSocket) \| `([^`?]+)[^`]*` \|",
                      CONTRACT.read_text(), re.MULTILINE)
    return {(method.upper(), path) for method, path in rows}


def test_contract_documents_every_route_of_the_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    served = {(method.upper(), path.replace("{network_id}", "N"))
              for path, operations in schema["paths"].items() for method in operations}
    # The schema has no WebSockets: the Play router's are taken from it.
    sockets = {("WEBSOCKET", route.path.replace("{network_id}", "N"))
               for route in play.router.routes if isinstance(route, WebSocketRoute)}
    assert sockets, "the Play WebSocket is a route of the app"
    missing = (served | sockets) - routes_documented()
    assert not missing, f"docs/api.md lacks these routes: {sorted(missing)}"
    pages = {("GET", "/"), ("GET", "/l/{lesson_id}")}  # the page: not in the schema
    gone = routes_documented() - served - sockets - pages
    assert not gone, f"docs/api.md documents routes the app does not serve: {sorted(gone)}"


def test_contract_names_every_limit_the_options_serve(client: TestClient) -> None:
    text = CONTRACT.read_text()
    limits = client.get("/api/options").json()["limits"]
    missing = [name for name in limits if f"`{name}`" not in text]
    assert not missing, f"docs/api.md does not name these limits: {missing}"


def test_contract_is_the_only_one_cited() -> None:
    """Nothing in the product cites a file outside the repository for its contract or its
    teaching sources."""
    root = CONTRACT.parents[1]
    cited = [str(p.relative_to(root)) for folder in ("server", "static", "templates", "bench",
                                                    "tests", "scripts", "docs")
             for p in (root / folder).rglob("*")
             if p.is_file() and p.suffix in {".py", ".js", ".html", ".md", ".css", ""}
             and re.search(r"shared/|SOURCES\.md", p.read_text(errors="ignore"))
             and p.name != "test_contract.py"]
    readme = (root / "README.md").read_text()
    assert not re.search(r"shared/|SOURCES\.md", readme)
    assert cited == []
