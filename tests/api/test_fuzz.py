"""Schemathesis against the app's own OpenAPI schema: no 5xx, no response that breaks its
declared schema (status, content type, body), no NaN or Infinity. Bounded examples per
operation so that it fits CI."""

import json

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from server.main import create_app

app = create_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
# The network the fuzzed calls reach is made by a client of its own (the fuzzed creations,
# from the default test client, count against that client's rate of creation).
client = TestClient(app, client=("10.9.9.9", 50000))
_network: dict[str, str] = {}


def existing_network() -> str:
    """A network that exists, so that fuzzed calls reach the phases and not only 404."""
    network_id = _network.get("id")
    if network_id is None or client.get(f"/api/networks/{network_id}").status_code == 404:
        created = client.post("/api/networks", json={"layers": [2, 3, 2], "seed": 1})
        network_id = created.json()["id"]
        _network["id"] = network_id
        client.post(f"/api/networks/{network_id}/forward",
                    json={"input": [0.1, 0.2], "target": [0.3, 0.4]})
    return network_id


def refuse_constant(name: str) -> None:
    raise AssertionError(f"{name} in a response body")


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_fuzz_api_keeps_its_contract(case) -> None:
    # An id within the schema is swapped for a real one; a too-long id stays, to be refused.
    generated = (case.path_parameters or {}).get("network_id")
    if generated is not None and len(generated) <= 64:
        case.path_parameters["network_id"] = existing_network()
    # Some schema-valid requests are refused on purpose: their shape must match the network's
    # (an input per input node, weights per pair of layers, a node that exists, a dataset
    # that fits), which JSON Schema cannot say. Those refusals come from the checks below the
    # API, whose messages start in lower case; a refusal by request validation itself (a
    # Pydantic message, capitalized) of a schema-valid request means the schema and the
    # server disagree, as they did on 1534.0 for an integer and null for an optional field.
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    assert response.status_code < 500
    kind = response.headers.get("content-type") or [""]
    kind = kind[0] if isinstance(kind, list) else kind
    if response.content and kind.startswith("application/json"):  # (a script is text)
        body = json.loads(response.content, parse_constant=refuse_constant)
        if response.status_code == 422 and case.meta and case.meta.generation.mode.is_positive:
            assert all(e["message"][:1].islower() for e in body["errors"]), (case.body, body)
