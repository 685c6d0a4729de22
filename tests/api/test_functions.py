"""GET /functions and train's functions_resolution: every node's picture at once."""

import pytest
from fastapi.testclient import TestClient

from tests.conftest import strict_json


def network(client: TestClient, layers: list[int]) -> str:
    response = client.post("/api/networks", json={"layers": layers, "seed": 4})
    assert response.status_code == 201
    return f"/api/networks/{response.json()['id']}"


@pytest.mark.parametrize("layers", [[1, 3, 2, 1], [2, 3, 2]])
def test_functions_equal_each_nodes_function(client: TestClient, layers: list[int]) -> None:
    url = network(client, layers)
    response = client.get(f"{url}/functions?resolution=7")
    assert response.status_code == 200, response.text
    body = strict_json(response.text)
    assert (body["inputs"], body["domain"], body["resolution"]) == (layers[0], [-1.25, 1.25], 7)
    values = body["values"]
    assert values[0] == [] and [len(v) for v in values[1:]] == layers[1:]
    for layer in range(1, len(layers)):
        for node in range(layers[layer]):
            one = client.get(f"{url}/function?resolution=7&layer={layer}&node={node}").json()
            assert values[layer][node] == one["values"], (layer, node)
    assert len(client.get(f"{url}/functions").json()["values"][1][0]) == 16  # default


def test_functions_in_a_training_call_are_from_its_new_weights(client: TestClient) -> None:
    url = network(client, [2, 3, 1])
    client.put(f"{url}/dataset", json={"name": "xor", "size": 50})
    trained = client.post(f"{url}/train", json={"steps": 20, "functions_resolution": 5})
    assert trained.status_code == 200, trained.text
    functions = trained.json()["functions"]
    assert functions == client.get(f"{url}/functions?resolution=5").json()
    assert client.post(f"{url}/train", json={"steps": 1}).json()["functions"] is None


@pytest.mark.parametrize(
    ("path", "field"),
    [("/functions?resolution=1", "resolution"), ("/functions?resolution=33", "resolution"),
     ("/functions", "layers")])
def test_functions_invalid_is_422(client: TestClient, path: str, field: str) -> None:
    url = network(client, [3, 2, 1])
    response = client.get(f"{url}{path}")
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_functions_training_of_a_three_input_network_is_refused_first(
        client: TestClient) -> None:
    url = network(client, [3, 2, 1])
    client.put(f"{url}/dataset", json={"points": [{"input": [0, 1, 2], "target": [0.5]}]})
    before = client.get(url).json()
    response = client.post(f"{url}/train", json={"steps": 5, "functions_resolution": 4})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "functions_resolution"
    assert client.get(url).json() == before
    assert client.post(f"{url}/train", json={"functions_resolution": 33}).status_code == 422
    assert client.get("/api/options").json()["limits"]["max_thumbnail_resolution"] == 32
