"""create_app(): the FastAPI application, its store of networks, static files and routers."""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from .api import assets, data_routes, dataset_files, lessons, networks, options, pages, play
from .api.calls import Calls
from .api.errors import install_error_handlers
from .api.heavy import HeavyPool
from .engine import kernel
from .lessons.store import LessonStore, open_lessons
from .limits import HEAVY_WORKERS, MAX_BODY_BYTES, MAX_NETWORKS, SWITCH_INTERVAL
from .middleware import BodyLimit, HeadAsGet, SecurityHeaders
from .networks.store import NetworkStore
from .networks.store_redis import open_store

ROOT = Path(__file__).resolve().parent.parent


def page_folder(name: str) -> Path:
    """static/ or templates/: inside the package when it was installed from a wheel
    (pyproject.toml ships them as server/static, server/templates), else at the top of the
    checkout."""
    for base in (Path(__file__).resolve().parent, ROOT):
        if (base / name).is_dir():
            return base / name
    raise FileNotFoundError(f"the page's {name}/ folder is missing beside {ROOT}")


SWAGGER_ASSETS = Path(fastapi_offline.__file__).parent / "static"


_frozen: set[str] = set()


def freeze_long_lived(stage: str) -> None:
    """Takes the objects alive now (the modules, the app; then Numba and the compiled
    kernel) out of the cyclic garbage collector's reach (gc.freeze), once per process and
    stage ("app", "kernel"); they are still freed when nothing refers to them any more.

    Else every full collection walked them all, about 185,000 objects: 100 to 150 ms each.
    Full collections come as objects outlive two younger ones, and the objects of calls
    waiting for Redis do: with networks in Redis, one worker at 256 connections spent 23 %
    of its time collecting (8 % at 16), and its steps/s fell with it. Frozen, a full
    collection took 10 to 15 ms."""
    if stage in _frozen:
        return
    _frozen.add(stage)
    if stage == "app":
        gc.collect()  # the start's own garbage first (before any call is served)
    gc.freeze()


def _warm_up() -> None:
    if kernel.warm_up():
        freeze_long_lived("kernel")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Compile the training kernel (or load it from Numba's cache) in the background: the
    app serves at once, and trains with NumPy until the kernel is ready. What the start
    made is kept out of the garbage collector's walks (freeze_long_lived).

    While it serves, a thread holding the interpreter hands it over after 1 ms instead of
    Python's 5: the heavy pool's threads run Python between their NumPy calls, and the
    event loop (health, the phases) would otherwise wait up to 5 ms for each of its turns,
    several times a call."""
    freeze_long_lived("app")
    threading.Thread(target=_warm_up, name="kernel-warm-up", daemon=True).start()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def create_app(capacity: int = MAX_NETWORKS, store: NetworkStore | None = None,
               allowed_origins: frozenset[str] | None = None,
               lesson_store: LessonStore | None = None) -> FastAPI:
    """Build the app; `capacity` bounds how many networks are held at once. The store is
    `store`, or the one BACKPROP_STORE names (a redis:// URL), or one in memory. Lessons go
    to `lesson_store`, or to that Redis, or to SQLite in BACKPROP_DATA_DIR (./data).
    `allowed_origins`: pages of other origins than the server's own host that may open
    Play's WebSocket (behind a proxy that rewrites the host), by default those
    BACKPROP_ALLOWED_ORIGINS lists (space- or comma-separated)."""
    app = FastAPI(
        title="Backprop Playground",
        version="1.0.0",
        summary="Forward propagation and backpropagation, number by number.",
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,  # a redirect would be built from the client's Host header
        lifespan=lifespan,
    )
    app.state.store = (store if store is not None
                       else open_store(os.environ.get("BACKPROP_STORE"), capacity))
    app.state.lessons = (lesson_store if lesson_store is not None
                         else open_lessons(os.environ.get("BACKPROP_STORE"),
                                           os.environ.get("BACKPROP_DATA_DIR")))
    app.state.calls = Calls(app.state.store, HeavyPool(HEAVY_WORKERS))
    app.state.play_streams = play.Streams()
    if allowed_origins is None:
        listed = os.environ.get("BACKPROP_ALLOWED_ORIGINS", "").replace(",", " ").split()
        allowed_origins = frozenset(origin.rstrip("/") for origin in listed)
    app.state.allowed_origins = allowed_origins
    app.state.templates = Jinja2Templates(directory=page_folder("templates"))
    app.state.assets = assets.Assets(page_folder("static"))
    install_error_handlers(app)
    app.mount("/docs-assets", StaticFiles(directory=SWAGGER_ASSETS), name="docs-assets")
    app.include_router(assets.router)
    app.include_router(pages.router)
    app.include_router(options.router)
    app.include_router(networks.router)
    app.include_router(data_routes.router)
    app.include_router(dataset_files.router)
    app.include_router(lessons.router)
    app.include_router(play.router)
    # JSON answers above a few packets go compressed (the page's files are, already).
    app.add_middleware(GZipMiddleware, minimum_size=1400, compresslevel=5)  # type: ignore[arg-type]
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)  # type: ignore[arg-type]
    app.add_middleware(HeadAsGet)  # type: ignore[arg-type]
    app.add_middleware(SecurityHeaders)  # type: ignore[arg-type]
    return app


app = create_app()
