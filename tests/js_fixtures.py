"""The page's unit tests (tests/js, node --test) read real answers of the app, kept in
tests/js/fixtures: traces of three networks, phase by phase, and /api/options. They are made
by the app itself, here; `test_js_fixtures_are_what_the_app_answers` fails when the app's
answers change and the files were not made again:

    .venv/bin/python -m tests.js_fixtures      # writes tests/js/fixtures/*.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from server.main import create_app

FIXTURES = Path(__file__).parent / "js" / "fixtures"
NETWORKS = {
    "sigmoid": ({"layers": [1, 2, 2, 1], "seed": 1}, {"input": [0.8], "target": [0.2]}),
    "linear": ({"layers": [1, 2, 2, 1], "seed": 1, "activation": "linear",
                "output_activation": "linear"}, {"input": [0.8], "target": [0.2]}),
    "cross_entropy": ({"layers": [2, 3, 1], "seed": 2, "loss": "cross_entropy"},
                      {"input": [0.8, 0.8], "target": [0.2]}),
    "l2": ({"layers": [1, 2, 2, 1], "seed": 1, "l2": 0.1}, {"input": [0.8], "target": [0.2]}),
    "momentum": ({"layers": [1, 2, 2, 1], "seed": 1, "optimizer": "momentum", "l1": 0.05},
                 {"input": [0.8], "target": [0.2]}),
    "adam": ({"layers": [2, 3, 1], "seed": 2, "optimizer": "adam", "learning_rate": 0.05},
             {"input": [0.8, -0.4], "target": [0.9]}),
    "softmax": ({"layers": [2, 3, 3], "seed": 4, "activation": "tanh",
                 "output_activation": "softmax", "loss": "categorical_cross_entropy"},
                {"input": [0.5, -0.8], "target": [0, 1, 0]}),
}
# One step first, so that the optimizer's state before the update shown is not all zeros.
WARM = {"momentum", "adam"}


def _fixed_id(answer: Any, name: str) -> Any:
    """The answer with its random network id replaced by a fixed one."""
    if isinstance(answer, dict):
        return {k: (f"fixture-{name}" if k == "id" else _fixed_id(v, name))
                for k, v in answer.items()}
    if isinstance(answer, list):
        return [_fixed_id(v, name) for v in answer]
    return answer


def build() -> dict[str, Any]:
    """Every fixture file's content, as the app answers now."""
    with TestClient(create_app()) as client:
        traces: dict[str, Any] = {}
        for name, (settings, sample) in NETWORKS.items():
            network = client.post("/api/networks", json=settings).json()
            base = f"/api/networks/{network['id']}"
            if name in WARM:
                client.post(f"{base}/step", json=sample)
            phases = {"network": network,
                      "forward": client.post(f"{base}/forward", json=sample).json(),
                      "backward": client.post(f"{base}/backward").json(),
                      "update": client.post(f"{base}/update").json()}
            traces[name] = _fixed_id(phases, name)
        options = client.get("/api/options").json()
    return {"traces.json": traces, "options.json": options}


def text(content: Any) -> str:
    return json.dumps(content, indent=1, sort_keys=True) + "\n"


def main() -> int:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name, content in build().items():
        (FIXTURES / name).write_text(text(content))
        print(f"wrote {FIXTURES / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
