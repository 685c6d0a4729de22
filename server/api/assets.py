"""The page's own files (static/): read once at start, served from memory, compressed.

Every file is served under a versioned path, /static/v/<version>/<path>, where the version is
a hash of the whole static tree: the page's ES modules import one another by relative paths,
so every module the page loads carries the version, and a browser may keep them all for a
year (`immutable`); a new deployment changes the version, and so every URL. The same files
answer at /static/<path> too (old links, tests, the API docs' favicon), to be checked again
on each use (`no-cache`, with an ETag). Text files are kept gzip-compressed as well, and sent
so to a client that accepts gzip. The page's HTML lists its modules up front
(`<link rel="modulepreload">`), found here from the import graph, so that the browser fetches
them in one round instead of one import level at a time. Modules go without their comments
(js_comments.py): the sources keep them.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from .js_bundle import bundle, normalize
from .js_comments import strip_comments

BUNDLE = "js/bundle.js"  # the page's modules in one script, made at start (js_bundle.py)

# Worth compressing: text. Smaller than this, the headers cost more than the bytes saved.
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
MIN_COMPRESS_BYTES = 512
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# A static import (or re-export) of a module by a relative path; dynamic imports are left
# out: they are loaded on demand.
_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^'"]*?\bfrom\s*["'](\.{1,2}/[^"']+)["']"""
                     r"""|^\s*import\s*["'](\.{1,2}/[^"']+)["']""", re.MULTILINE)


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    media_type: str
    etag: str


class Assets:
    """The files under `root`, by their path relative to it (POSIX style)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, Asset] = {}
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = path.relative_to(root).as_posix()
            body = path.read_bytes()
            if name.endswith(".js"):
                body = strip_comments(body.decode("utf-8")).encode("utf-8")
            media = _media_type(name)
            self.files[name] = _asset(body, media)
        if "js/main.js" in self.files:
            script = bundle("js/main.js", lambda n: self.files[n].body.decode("utf-8"))
            self.files[BUNDLE] = _asset(script.encode("utf-8"), _media_type(BUNDLE))
        tree = hashlib.sha256("".join(f"{n}{a.etag}" for n, a in self.files.items()).encode())
        self.version = tree.hexdigest()[:12]

    @property
    def prefix(self) -> str:
        """Where the versioned files are: "/static/v/<version>"."""
        return f"/static/v/{self.version}"

    def modules_from(self, entry: str) -> list[str]:
        """Every module `entry` imports statically, directly or not, in the order a
        depth-first walk meets them (the entry itself left out)."""
        seen: list[str] = []

        def walk(name: str) -> None:
            asset = self.files.get(name)
            if asset is None:
                return
            for match in _IMPORT.finditer(asset.body.decode("utf-8")):
                spec = match.group(1) or match.group(2)
                target = normalize(PurePosixPath(name).parent / spec)
                if target not in seen and target != entry:
                    seen.append(target)
                    walk(target)

        walk(entry)
        return seen

    def response(self, request: Request, name: str, cache: str) -> Response:
        asset = self.files.get(name)
        if asset is None:
            raise HTTPException(404, "Not Found")
        headers = {"cache-control": cache, "etag": asset.etag, "vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == asset.etag:
            return Response(status_code=304, headers=headers)
        if asset.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
            return Response(asset.gzipped, media_type=asset.media_type,
                            headers={**headers, "content-encoding": "gzip"})
        return Response(asset.body, media_type=asset.media_type, headers=headers)


def _asset(body: bytes, media: str) -> Asset:
    compress = media.startswith(COMPRESSIBLE) and len(body) >= MIN_COMPRESS_BYTES
    return Asset(body, gzip.compress(body, compresslevel=9, mtime=0) if compress else None,
                 media, '"' + hashlib.sha256(body).hexdigest()[:20] + '"')


def _media_type(name: str) -> str:
    if name.endswith(".js"):
        return "text/javascript; charset=utf-8"
    media = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{media}; charset=utf-8" if media.startswith("text/") else media




router = APIRouter(include_in_schema=False)


@router.get("/static/v/{version}/{name:path}")
def versioned(request: Request, version: str, name: str) -> Response:
    """A file of this version, to keep for a year; another version's answers 404 (its
    files are not here any more)."""
    assets: Assets = request.app.state.assets
    if version != assets.version:
        raise HTTPException(404, "Not Found")
    return assets.response(request, name, IMMUTABLE)


@router.get("/static/{name:path}")
def unversioned(request: Request, name: str) -> Response:
    """A file by its plain path, checked again on each use."""
    return request.app.state.assets.response(request, name, REVALIDATE)
