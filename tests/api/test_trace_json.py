"""The phase routes' JSON, written directly, equals what TraceOut serializes to. (That a
diverging step is a 409 and no response holds NaN: test_networks.py.)"""

import numpy as np
import orjson
import pytest
from fastapi.testclient import TestClient

from server.api.render import trace_out
from server.api.trace_json import trace_dict
from server.engine.mlp import Architecture, init_parameters
from server.networks.network import Network
from tests.conftest import strict_json


@pytest.mark.parametrize("layers", [(1, 2, 2, 1), (3, 4, 2), (2, 8, 8, 8, 8, 8, 8, 3)])
def test_trace_json_equals_the_response_model_on_every_phase(layers) -> None:
    arch = Architecture(layers, "tanh", "sigmoid", "cross_entropy")
    rng = np.random.default_rng(0)
    network = Network("n" * 32, 0, arch, 0.5, init_parameters(layers, rng))
    x, t = rng.uniform(-1, 1, layers[0]), rng.uniform(0, 1, layers[-1])
    for trace in (network.forward(x, t), network.backward(), network.update(),
                  network.step(x, t)):
        want = trace_out(network.id, trace).model_dump(mode="json")
        got = orjson.loads(orjson.dumps(trace_dict(network.id, trace)))
        assert got == want


def test_step_route_answers_json_as_its_schema_says(client: TestClient) -> None:
    network = client.post("/api/networks", json={"seed": 3}).json()["id"]
    response = client.post(f"/api/networks/{network}/step",
                           json={"input": [0.5], "target": [0.2]})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    body = strict_json(response.text)
    assert body["phase"] == "update" and body["step"] == 1
    schema = client.get("/openapi.json").json()
    step = schema["paths"]["/api/networks/{network_id}/step"]["post"]
    assert step["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TraceOut"}

