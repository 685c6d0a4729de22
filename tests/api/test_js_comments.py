"""The page's modules are served without their comments, and nothing else changes: each one
still parses (node --check), and strings, template literals and regular expressions that
look like comments are kept."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from server.api.js_comments import strip_comments

ROOT = Path(__file__).resolve().parents[2]


def test_js_comments_go_and_their_lines_with_them() -> None:
    source = ('/**\n * A module.\n */\nimport { a } from "./a.js";  // why\n\n'
              "  // alone\nconst b = a /* inline */ + 1;\n")
    assert strip_comments(source) == 'import { a } from "./a.js";  \n\nconst b = a   + 1;\n'


def test_js_comments_strings_templates_and_regexes_are_kept() -> None:
    kept = [
        'const url = "http://example/*x*/";',
        "const s = '// not a comment';",
        "const t = `a // b ${c /* code */ + `d /* e */`} f /* g */`;",
        "const r = text.replace(/\\/\\*[^*]*\\*\\//g, \"\");",
        "const q = x.split(/[,\\s]+/).map(Number); // counted",
        "if (a) return /'/.test(b);",
        "const half = a / 2 / b;",
        "const t2 = `line\n// inside a template\n  /* too */\n`;",
    ]
    out = [strip_comments(k) for k in kept]
    assert out[0] == kept[0] and out[1] == kept[1]
    assert out[2] == "const t = `a // b ${c   + `d /* e */`} f /* g */`;"
    assert out[3] == kept[3] and out[5] == kept[5] and out[6] == kept[6] and out[7] == kept[7]
    assert out[4] == "const q = x.split(/[,\\s]+/).map(Number); "


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js (scripts/test has it)")
def test_js_comments_every_module_served_still_parses(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"type": "module"}')
    for path in (ROOT / "static" / "js").rglob("*.js"):
        copy = tmp_path / path.relative_to(ROOT / "static" / "js")
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(strip_comments(path.read_text()))
        checked = subprocess.run(["node", "--check", str(copy)], capture_output=True, text=True)
        assert checked.returncode == 0, (path, checked.stderr)
