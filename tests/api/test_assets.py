"""The page's files: versioned URLs kept for a year, compressed, every module declared up
front by the page; plain URLs checked again; JSON compressed above a few packets."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]


def page_links(client: TestClient, path: str = "/?modules") -> tuple[str, list[str]]:
    html = client.get(path).text
    main = re.search(r'<script type="module" src="([^"]+)"', html)
    assert main is not None
    return main.group(1), re.findall(r'<link rel="modulepreload" href="([^"]+)"', html)


def test_assets_the_page_loads_its_modules_as_one_script_under_one_version(
        client: TestClient) -> None:
    script, preloads = page_links(client, "/")
    assert re.fullmatch(r"/static/v/[0-9a-f]{12}/js/bundle\.js", script) and preloads == []
    r = client.get(script)
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.headers["content-type"].startswith("text/javascript")
    # every module main.js imports is in it, each after the modules it imports
    order = re.findall(r"^// (js/\S+\.js)$", r.text, re.MULTILINE)
    assert order[-1] == "js/main.js"
    modules = {p.relative_to(ROOT / "static").as_posix()
               for p in (ROOT / "static" / "js").rglob("*.js")}
    assert set(order) == modules
    assert order.index("js/state/store.js") > order.index("js/state/stepper.js")


def test_assets_the_page_declares_every_module_it_imports_under_one_version(
        client: TestClient) -> None:
    main, preloads = page_links(client)
    prefix = main.removesuffix("/js/main.js")
    assert re.fullmatch(r"/static/v/[0-9a-f]{12}", prefix)
    modules = {p.relative_to(ROOT / "static").as_posix()
               for p in (ROOT / "static" / "js").rglob("*.js")} - {"js/main.js"}
    declared = {p.removeprefix(prefix + "/") for p in preloads}
    # every module main.js imports (all of them: none is loaded only on demand yet)
    assert declared == modules
    for url in [main, *preloads]:
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert r.headers["content-type"].startswith("text/javascript")


def test_assets_are_sent_compressed_to_who_accepts_it_and_equal_the_file(
        client: TestClient) -> None:
    main, _ = page_links(client)
    url = main.replace("js/main.js", "css/style.css")
    plain = (ROOT / "static" / "css" / "style.css").read_bytes()
    raw = client.get(url, headers={"accept-encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    assert raw.headers["vary"] == "Accept-Encoding"
    assert raw.content == plain  # the client decompressed it
    assert int(raw.headers["content-length"]) < len(plain) / 2
    identity = client.get(url, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in identity.headers and identity.content == plain
    # and a small file (the icon) is sent as it is
    icon = client.get(main.replace("js/main.js", "favicon.svg"),
                      headers={"accept-encoding": "gzip"})
    assert icon.status_code == 200


def test_assets_plain_urls_are_checked_again_and_other_versions_are_gone(
        client: TestClient) -> None:
    r = client.get("/static/js/lib/format.js")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-cache"
    again = client.get("/static/js/lib/format.js", headers={"if-none-match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/static/v/000000000000/js/main.js").status_code == 404
    assert client.get("/static/js/nothing.js").status_code == 404
    assert client.get("/static/../server/main.py").status_code == 404


def test_assets_the_page_itself_is_checked_again_and_json_is_compressed(
        client: TestClient) -> None:
    page = client.get("/")
    assert page.headers["cache-control"] == "no-cache"
    options = client.get("/api/options", headers={"accept-encoding": "gzip"})
    assert options.headers.get("content-encoding") == "gzip"
    small = client.get("/api/health", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in small.headers
    # compressed or not, the same JSON
    plain = client.get("/api/options", headers={"accept-encoding": "identity"})
    assert options.json() == plain.json()


def test_assets_modules_from_follows_static_imports_only(tmp_path: Path) -> None:
    from server.api.assets import Assets

    js = tmp_path / "js"
    (js / "lib").mkdir(parents=True)
    # (not main.js: the page's bundle restates only the forms the page uses)
    (js / "entry.js").write_text('import { a } from "./a.js";\nimport "./lib/side.js";\n'
                                 'const later = () => import("./lazy.js");\n')
    (js / "a.js").write_text('export { b } from "./lib/b.js";\n// from "./not.js"\n')
    (js / "lib" / "b.js").write_text('import { a } from "../a.js";\nexport const b = 1;\n')
    (js / "lib" / "side.js").write_text("")
    (js / "lazy.js").write_text("")
    assets = Assets(tmp_path)
    assert assets.modules_from("js/entry.js") == ["js/a.js", "js/lib/b.js", "js/lib/side.js"]
    (js / "a.js").write_text("changed")
    assert Assets(tmp_path).version != assets.version
    # gzip of a small file is not kept
    assert assets.files["js/lib/side.js"].gzipped is None
    assert gzip.decompress(Assets(ROOT / "static").files["css/style.css"].gzipped or b"")


def test_assets_the_page_embeds_the_options_the_api_serves(client: TestClient) -> None:
    import json

    html = client.get("/").text
    block = re.search(r'<script id="options" type="application/json">(.*?)</script>', html, re.S)
    assert block is not None
    assert json.loads(block.group(1)) == client.get("/api/options").json()
    assert "<" not in block.group(1)  # nothing in it could close the element


def test_assets_bundle_restates_imports_and_exports_and_refuses_other_forms() -> None:
    from server.api.js_bundle import BundleError, bundle

    files = {
        "js/main.js": 'import { b as c, a } from "./lib/a.js";\nconsole.log(c(a));\n',
        "js/lib/a.js": 'import { b } from "./b.js";\nexport const a = 1;\nexport { b };\n',
        "js/lib/b.js": "export function b(x) { return x + 1; }\n",
    }
    with pytest.raises(BundleError, match=re.escape("js/lib/a.js: an export")):
        bundle("js/main.js", files.__getitem__)
    files["js/lib/a.js"] = ('import { b } from "./b.js";\nexport const a = 1;\n'
                            "export function again(x) { return b(x); }\n")
    files["js/main.js"] = 'import { again as c, a } from "./lib/a.js";\nconsole.log(c(a));\n'
    script = bundle("js/main.js", files.__getitem__)
    assert re.findall(r"^// (\S+)$", script, re.MULTILINE) == ["js/lib/b.js", "js/lib/a.js",
                                                               "js/main.js"]
    assert "const { b } = $m0;" in script and "const { again: c, a } = $m1;" in script
    assert "return { a, again };" in script and "export" not in script
    files["js/lib/b.js"] = 'import * as all from "./a.js";\n'
    with pytest.raises(BundleError, match="an import"):
        bundle("js/main.js", files.__getitem__)
