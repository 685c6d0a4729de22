"""GET and POST /gradcheck: the check on what the learner sees, and on any sample."""

from fastapi.testclient import TestClient

from tests.conftest import strict_json


def network(client: TestClient) -> str:
    response = client.post("/api/networks", json={"layers": [2, 3, 1], "seed": 5,
                                                  "learning_rate": 2.0})
    assert response.status_code == 201
    return f"/api/networks/{response.json()['id']}"


def backprop_columns(check: dict) -> tuple[list, list]:
    weights = [e for e in check["entries"] if e["parameter"] == "weight"]
    biases = [e for e in check["entries"] if e["parameter"] == "bias"]
    return weights, biases


def test_gradcheck_after_update_checks_the_weights_before_it(client: TestClient) -> None:
    url = network(client)
    client.post(f"{url}/forward", json={"input": [0.7, -0.4], "target": [0.9]})
    client.post(f"{url}/backward")
    trace = client.post(f"{url}/update").json()
    response = client.get(f"{url}/gradcheck")
    assert response.status_code == 200
    check = strict_json(response.text)
    assert (check["weights"], check["weights_step"], check["step"]) == ("before_update", 0, 1)
    assert check["error"] == trace["error"]
    weights, biases = backprop_columns(check)
    for e in weights:  # exactly the update trace's dE/dw, not a recomputation on new weights
        assert e["backprop"] == trace["weights"][e["k"]][e["i"]][e["j"]]["dE_dw"]
    for e in biases:
        assert e["backprop"] == trace["nodes"][e["k"] + 1][e["j"]]["dE_db"]
    assert check["max_relative_difference"] < 1e-6


def test_gradcheck_before_update_checks_the_current_weights(client: TestClient) -> None:
    url = network(client)
    client.post(f"{url}/step", json={"input": [0.1, 0.2], "target": [0.3]})
    client.post(f"{url}/forward", json={"input": [0.7, -0.4], "target": [0.9]})
    check = client.get(f"{url}/gradcheck").json()
    assert (check["weights"], check["weights_step"], check["step"]) == ("current", 1, 1)
    trace = client.post(f"{url}/backward").json()
    weights, _ = backprop_columns(check)
    assert all(e["backprop"] == trace["weights"][e["k"]][e["i"]][e["j"]]["dE_dw"]
               for e in weights)


def test_gradcheck_post_checks_a_sample_and_changes_nothing(client: TestClient) -> None:
    url = network(client)
    client.post(f"{url}/step", json={"input": [0.1, 0.2], "target": [0.3]})
    before = client.get(url).json()
    response = client.post(f"{url}/gradcheck", json={"input": [0.5, 0.5], "target": [0.2]})
    assert response.status_code == 200
    check = strict_json(response.text)
    assert (check["weights"], check["weights_step"]) == ("current", 1)
    assert check["input"] == [0.5, 0.5] and check["target"] == [0.2]
    assert check["max_relative_difference"] < 1e-6
    assert client.get(url).json() == before
    fresh = network(client)  # without any pass too
    assert client.post(f"{fresh}/gradcheck",
                       json={"input": [0.5, 0.5], "target": [0.2]}).status_code == 200
    assert client.get(fresh).json()["trace"] is None


def test_gradcheck_post_invalid_sample_is_422(client: TestClient) -> None:
    url = network(client)
    response = client.post(f"{url}/gradcheck", json={"input": [0.5], "target": [0.2]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "input"
    assert client.post(f"{url}/gradcheck", json={"input": [0.5, 0.1]}).status_code == 422
