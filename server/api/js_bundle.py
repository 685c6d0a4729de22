"""The page's ES modules as one script, put together at start from their import graph: the
browser then fetches, streams and parses one file instead of about sixty (each module cost
the browser 4 to 8 ms of loading and parsing, on this project's 2-core machine, even from
its cache). Nothing is built ahead: the modules stay the page's sources, served one by one
too (the page uses them with ?modules), and this only restates them.

Each module becomes a function that runs once, in the order the browser would evaluate them
(every module after the ones it imports; the import graph has no cycles:
tests/js/imports.test.js), and returns its exports; its imports become constants taken from
the modules it imports. The page's modules use only the forms handled here: named imports
(`import { a, b as c } from "./x.js"`) and exported declarations (`export function`,
`export const`, `export class`); anything else is refused at start, loudly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath

_IMPORT = re.compile(r"^import\s*\{([^}]*)\}\s*from\s*[\"'](\.{1,2}/[^\"']+)[\"'];?[ \t]*$",
                     re.MULTILINE)
_EXPORT = re.compile(r"^export\s+(?:async\s+)?(function\*?|const|class|let)\s+([A-Za-z_$][\w$]*)",
                     re.MULTILINE)
_OTHER_EXPORT = re.compile(r"^export\s+(?!(?:async\s+)?function|const|class|let)", re.MULTILINE)
_OTHER_IMPORT = re.compile(r"^import\b(?!\s*\{[^}]*\}\s*from\s*[\"']\.)", re.MULTILINE)


class BundleError(ValueError):
    """A module uses a form of import or export the bundle does not restate."""


def normalize(path: PurePosixPath) -> str:
    """A module's path within the page's folder, its ./ and ../ resolved."""
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def bundle(entry: str, read: Callable[[str], str]) -> str:
    """One script that runs `entry` (a path such as "js/main.js") and every module it
    imports, each once; `read(path)` is a module's source."""
    order: list[str] = []
    sources: dict[str, str] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in order:
            return
        if name in path:
            raise BundleError(f"an import cycle through {name}")
        source = read(name)
        sources[name] = source
        for match in _IMPORT.finditer(source):
            visit(normalize(PurePosixPath(name).parent / match.group(2)), (*path, name))
        order.append(name)

    visit(entry, ())
    ids = {name: f"$m{n}" for n, name in enumerate(order)}
    parts = ["// The page's modules in one script (server/api/js_bundle.py); each one's own",
             "// source is served at /static/<path> beside it.",
             '"use strict";']
    for name in order:
        parts.append(_module(name, sources[name], ids))
    return "\n".join(parts) + "\n"


def _module(name: str, source: str, ids: dict[str, str]) -> str:
    if _OTHER_EXPORT.search(source):
        raise BundleError(f"{name}: an export the bundle does not restate")
    if _OTHER_IMPORT.search(source):
        raise BundleError(f"{name}: an import the bundle does not restate")

    def restate_import(match: re.Match[str]) -> str:
        target = ids[normalize(PurePosixPath(name).parent / match.group(2))]
        names = []
        for item in match.group(1).split(","):
            words = item.split()
            if not words:
                continue
            if len(words) == 3 and words[1] == "as":
                names.append(f"{words[0]}: {words[2]}")
            elif len(words) == 1:
                names.append(words[0])
            else:
                raise BundleError(f"{name}: cannot restate the import of {item.strip()!r}")
        return f"const {{ {', '.join(names)} }} = {target};"

    exported = [m.group(2) for m in _EXPORT.finditer(source)]
    body = _IMPORT.sub(restate_import, source)
    body = re.sub(r"^export\s+", "", body, flags=re.MULTILINE)
    return (f"// {name}\nconst {ids[name]} = (() => {{\n{body}\n"
            f"return {{ {', '.join(exported)} }};\n}})();")
