"""The repository explains itself: the README's map of the code names every folder of the
server and the page, and nothing that is not there; the README gives the two commands."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def mapped_paths() -> list[str]:
    """Every path the map names: a line's first word, under the folder of the line above
    it at a smaller indent."""
    section = README.split("## Where the code lives", 1)[1]
    block = section.split("```", 2)[1]
    paths: list[str] = []
    parents: list[tuple[int, str]] = []
    for line in block.splitlines():
        if not line.strip() or line.startswith(" " * 10):  # a description's next line
            continue
        indent = len(line) - len(line.lstrip())
        word = line.split()[0].rstrip(",")
        while parents and parents[-1][0] >= indent:
            parents.pop()
        path = (parents[-1][1] if parents else "") + word
        paths.append(path)
        if word.endswith("/"):
            parents.append((indent, path))
    return paths


def test_repository_readme_map_names_every_folder_of_the_server_and_the_page() -> None:
    mapped = set(mapped_paths())
    folders = [p for base in ("server", "static/js") for p in (ROOT / base).rglob("*")
               if p.is_dir() and p.name != "__pycache__"]
    missing = [f"{p.relative_to(ROOT).as_posix()}/" for p in folders
               if f"{p.relative_to(ROOT).as_posix()}/" not in mapped]
    assert missing == [], f"the README's map lacks {missing}"


def test_repository_readme_map_names_nothing_that_is_not_there() -> None:
    absent = [p for p in mapped_paths() if not (ROOT / p).exists()]
    assert absent == [], f"the README's map names what is not in the tree: {absent}"


def test_repository_readme_gives_the_two_commands_and_ci_runs_the_second() -> None:
    commands = README.split("## The two commands", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", commands, re.S)
    assert [b.strip() for b in blocks] == ["scripts/start", "scripts/test"]
    assert "exec scripts/test" in (ROOT / ".ci" / "run").read_text()
