"""The network as code (issue 23 §6): GET /api/networks/N/export/python writes a script that
rebuilds the network and prints one step's numbers; they equal the engine's (what the page
shows) to 1e-12, for every activation × output × loss, several shapes, one sample and a
mini-batch, before and after the update."""

import contextlib
import io
import json
import subprocess
import sys

import numpy as np
import pytest
from fastapi.testclient import TestClient

from server.engine.activations import ACTIVATIONS
from server.engine.mlp import Parameters, backward, forward, update
from server.engine.optimizers import Optimizer, OptimizerState, apply
from server.networks.network import architecture

COMBOS = [(a, o, "squared") for a in ACTIVATIONS for o in ACTIVATIONS] + [
    (a, "sigmoid", "cross_entropy") for a in ACTIVATIONS]


def _printed(text: str) -> dict[str, np.ndarray]:
    """The script's `name = value` lines."""
    out = {}
    for line in text.strip().splitlines():
        name, value = line.split(" = ", 1)
        out[name] = np.array(json.loads(value), dtype=np.float64)
    return out


def _run_here(script: str) -> dict[str, np.ndarray]:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(script, "backprop_step.py", "exec"), {"__name__": "__main__"})
    return _printed(printed.getvalue())


def _expected(network: dict, X: np.ndarray, T: np.ndarray, lr: float, l2: float,
              ) -> dict[str, np.ndarray]:
    """The engine's numbers for the same step (what the page draws)."""
    arch = architecture(tuple(network["layers"]), network["activation"],
                        network["output_activation"], network["loss"], blame="loss",
                        features=tuple(network["features"]))
    params = Parameters(tuple(np.array(w) for w in network["weights"]),
                        tuple(np.array(b) for b in network["biases"]))
    fwd = forward(arch, params, X, T)
    grads = backward(arch, params, fwd, T)
    after = update(params, grads, lr, l2)
    out = {"E": np.array(fwd.mean_error)}
    if arch.features:  # the input layer, its derived features included
        out["x[0]"] = fwd.x[0]
    for layer in range(1, len(arch.layers)):
        out[f"x[{layer}]"], out[f"y[{layer}]"] = fwd.x[layer], fwd.y[layer]
        out[f"dE/dy[{layer}]"], out[f"dE/dx[{layer}]"] = grads.dE_dy[layer], grads.dE_dx[layer]
        out[f"dE/dw[{layer}]"] = grads.dE_dw[layer - 1]
        out[f"dE/db[{layer}]"] = grads.dE_db[layer - 1]
        out[f"w[{layer}] after"] = after.weights[layer - 1]
        out[f"b[{layer}] after"] = after.biases[layer - 1]
    return out


def _same(got: dict[str, np.ndarray], expected: dict[str, np.ndarray], where: str) -> None:
    assert got.keys() == expected.keys(), where
    for name, value in expected.items():
        np.testing.assert_allclose(got[name], value, rtol=1e-12, atol=1e-15,
                                   err_msg=f"{where}: {name}")


def _network(client: TestClient, **settings) -> tuple[str, dict]:
    made = client.post("/api/networks", json={"seed": 7, **settings})
    assert made.status_code == 201, made.json()
    return f"/api/networks/{made.json()['id']}", made.json()


@pytest.mark.parametrize(("activation", "output", "loss"), COMBOS)
def test_export_python_numpy_prints_the_engines_numbers(client: TestClient, activation: str,
                                                        output: str, loss: str) -> None:
    for layers in ([1, 2, 2, 1], [2, 3, 2]):
        url, network = _network(client, layers=layers, activation=activation,
                                output_activation=output, loss=loss, learning_rate=0.7,
                                l2=0.05)
        x = [0.8, -0.3][:layers[0]]
        t = [0.2, 1.0][:layers[-1]]
        script = client.get(f"{url}/export/python", params={"input": x, "target": t})
        assert script.status_code == 200
        _same(_run_here(script.text),
              _expected(network, np.array([x]), np.array([t]), 0.7, 0.05),
              f"{activation}/{output}/{loss} {layers}")


def test_export_python_a_mini_batch_and_the_step_just_updated(client: TestClient) -> None:
    url, network = _network(client, layers=[2, 4, 3, 2], activation="tanh", l2=0.1,
                            learning_rate=0.3)
    samples = [{"input": [0.1 * i, -0.05 * i], "target": [i % 2, 0.5]} for i in range(6)]
    client.post(f"{url}/forward", json={"samples": samples})
    X = np.array([s["input"] for s in samples])
    T = np.array([s["target"] for s in samples])
    expected = _expected(network, X, T, 0.3, 0.1)
    _same(_run_here(client.get(f"{url}/export/python").text), expected, "forward")
    client.post(f"{url}/backward")
    client.post(f"{url}/update")  # the weights before the update: the step shown
    _same(_run_here(client.get(f"{url}/export/python").text), expected, "after the update")


def test_export_python_runs_as_a_script_on_its_own(client: TestClient, tmp_path) -> None:
    url, network = _network(client, loss="cross_entropy", activation="relu")
    path = tmp_path / "step.py"
    path.write_text(client.get(f"{url}/export/python",
                               params={"input": [0.5], "target": [1]}).text)
    run = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True)
    _same(_printed(run.stdout), _expected(network, np.array([[0.5]]), np.array([[1.0]]), 0.5, 0),
          "subprocess")


FEATURED = [([7, 3, 1], ["x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"], [0.8, -0.3]),
            ([3, 2, 1], ["x1_squared", "sin_x1"], [-0.7]),
            ([4, 3, 2], ["sin_x2", "x1_x2"], [0.4, 1.1])]


@pytest.mark.parametrize(("layers", "features", "x"), FEATURED)
def test_export_python_derives_the_input_features(client: TestClient, tmp_path, layers,
                                                  features, x) -> None:
    """The script computes the features from the raw inputs (x[0], the input layer) and the
    step from them, as the engine does; in PyTorch too, when it is installed."""
    url, network = _network(client, layers=layers, features=features, activation="tanh",
                            learning_rate=0.4, l2=0.02)
    t = [0.9, 0.1][:layers[-1]]
    expected = _expected(network, np.array([x]), np.array([t]), 0.4, 0.02)
    assert expected["x[0]"].shape == (1, layers[0])
    script = client.get(f"{url}/export/python", params={"input": x, "target": t})
    _same(_run_here(script.text), expected, f"numpy {features}")
    python = _torch_python()
    if python is None:
        return  # the PyTorch flavour: test_export_python_pytorch_prints_the_same says why
    path = tmp_path / "step.py"
    path.write_text(client.get(f"{url}/export/python", params={
        "input": x, "target": t, "flavour": "pytorch"}).text)
    run = subprocess.run([python, str(path)], capture_output=True, text=True, check=True)
    _same(_printed(run.stdout), expected, f"pytorch {features}")


def _torch_python() -> str | None:
    """An interpreter with PyTorch: this one, or the one BACKPROP_TORCH_PYTHON names."""
    import importlib.util
    import os

    if importlib.util.find_spec("torch") is not None:
        return sys.executable
    other = os.environ.get("BACKPROP_TORCH_PYTHON")
    if other and subprocess.run([other, "-c", "import torch"], capture_output=True).returncode == 0:
        return other
    return None


def test_export_python_pytorch_prints_the_same(client: TestClient, tmp_path) -> None:
    python = _torch_python()
    if python is None:
        pytest.skip("the PyTorch script needs PyTorch: install it here (pip install "
                    "torch==2.13.0), or name an interpreter that has it in "
                    "BACKPROP_TORCH_PYTHON; the NumPy script is tested without it")
    scripts, expected = [], []
    for activation, output, loss in COMBOS:
        for layers, x, t in (([2, 3, 1], [0.3, -0.6], [1]), ([1, 2, 2, 2], [-0.4], [0.25, 1])):
            if loss == "cross_entropy" and layers[-1] > 1:
                t = [0.25, 0.0]
            url, network = _network(client, layers=layers, activation=activation,
                                    output_activation=output, loss=loss, l2=0.01)
            path = tmp_path / f"step_{len(scripts)}.py"
            path.write_text(client.get(f"{url}/export/python", params={
                "input": x, "target": t, "flavour": "pytorch"}).text)
            scripts.append(str(path))
            expected.append((_expected(network, np.array([x], dtype=float),
                                       np.array([t], dtype=float), 0.5, 0.01),
                             f"pytorch {activation}/{output}/{loss} {layers}"))
    # one interpreter runs them all, one after the other (PyTorch takes seconds to import)
    runner = tmp_path / "run_all.py"
    runner.write_text("import contextlib, io, json, runpy, sys\nout = []\n"
                      "for path in sys.argv[1:]:\n    printed = io.StringIO()\n"
                      "    with contextlib.redirect_stdout(printed):\n"
                      "        runpy.run_path(path, run_name='__main__')\n"
                      "    out.append(printed.getvalue())\nprint(json.dumps(out))\n")
    run = subprocess.run([python, str(runner), *scripts], capture_output=True, text=True,
                         check=True)
    for printed, (numbers, where) in zip(json.loads(run.stdout), expected, strict=True):
        _same(_printed(printed), numbers, where)


def test_export_python_refusals_name_the_field(client: TestClient) -> None:
    url, _ = _network(client)
    no_pass = client.get(f"{url}/export/python")
    assert no_pass.status_code == 409 and "press Next" in no_pass.json()["detail"]
    half = client.get(f"{url}/export/python", params={"input": [0.5]})
    assert half.status_code == 422 and half.json()["errors"][0]["field"] == "target"
    wrong = client.get(f"{url}/export/python", params={"input": [0.5, 1], "target": [0]})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "input"
    flavour = client.get(f"{url}/export/python", params={"input": [0.5], "target": [0],
                                                         "flavour": "jax"})
    assert flavour.status_code == 422 and flavour.json()["errors"][0]["field"] == "flavour"
    url, _ = _network(client, loss="cross_entropy")
    target = client.get(f"{url}/export/python", params={"input": [0.5], "target": [2]})
    assert target.status_code == 422 and target.json()["errors"][0]["field"] == "target"


def test_export_python_too_many_values_are_a_422_not_a_500(client: TestClient) -> None:
    """Found by the fuzzer: nine targets made the server build a sample it could not hold."""
    url, _ = _network(client)
    r = client.get(f"{url}/export/python", params={"input": [0.0], "target": [0.0] * 9})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "target"


OPTIMIZERS = [{"optimizer": "sgd", "l1": 0.02},
              {"optimizer": "momentum", "momentum": 0.7, "l1": 0.02},
              {"optimizer": "adam", "beta1": 0.8, "beta2": 0.95, "epsilon": 1e-6},
              {"optimizer": "adam", "l1": 0.01}]


def _expected_with_state(client: TestClient, url: str, X: np.ndarray,
                         T: np.ndarray) -> dict[str, np.ndarray]:
    """The engine's numbers of the next step from the network as it stands (its optimizer
    state included), and the state after it."""
    net = client.get(url).json()
    arch = architecture(tuple(net["layers"]), net["activation"], net["output_activation"],
                        net["loss"], blame="loss")
    params = Parameters(tuple(np.array(w) for w in net["weights"]),
                        tuple(np.array(b) for b in net["biases"]))
    opt = Optimizer(net["optimizer"], net["momentum"], net["beta1"], net["beta2"],
                    net["epsilon"])
    raw = net["optimizer_state"]

    def slot(name):
        return None if raw.get(name) is None else Parameters(
            tuple(np.array(w) for w in raw[name]["weights"]),
            tuple(np.array(b) for b in raw[name]["biases"]))

    first = slot("v") if opt.name == "momentum" else slot("m")
    state = OptimizerState(raw["t"], first, slot("s"))
    fwd = forward(arch, params, X, T)
    grads = backward(arch, params, fwd, T)
    after, new = apply(params, grads.dE_dw, grads.dE_db, learning_rate=net["learning_rate"],
                       l2=net["l2"], l1=net["l1"], optimizer=opt, state=state)
    out = {"E": np.array(fwd.mean_error)}
    for layer in range(1, len(arch.layers)):
        k = layer - 1
        out[f"x[{layer}]"], out[f"y[{layer}]"] = fwd.x[layer], fwd.y[layer]
        out[f"dE/dy[{layer}]"], out[f"dE/dx[{layer}]"] = grads.dE_dy[layer], grads.dE_dx[layer]
        out[f"dE/dw[{layer}]"], out[f"dE/db[{layer}]"] = grads.dE_dw[k], grads.dE_db[k]
        out[f"w[{layer}] after"], out[f"b[{layer}] after"] = after.weights[k], after.biases[k]
        if opt.name == "momentum":
            out[f"v_w[{layer}] after"] = new.first.weights[k]
            out[f"v_b[{layer}] after"] = new.first.biases[k]
        if opt.name == "adam":
            for name, i in (("w", 0), ("b", 1)):
                out[f"m_{name}[{layer}] after"] = (new.first.weights, new.first.biases)[i][k]
                out[f"s_{name}[{layer}] after"] = (new.second.weights, new.second.biases)[i][k]
    return out


@pytest.mark.parametrize("settings", OPTIMIZERS, ids=lambda s: "-".join(map(str, s.values())))
def test_export_python_writes_the_optimizer_and_its_state(client: TestClient, settings,
                                                          tmp_path) -> None:
    """After two updates (so that v, m and s are not zero), the next step's script prints
    the engine's numbers and the new state; the PyTorch one, by torch.optim given that state,
    too (when PyTorch is installed)."""
    url, _ = _network(client, layers=[2, 3, 2], activation="tanh", l2=0.03,
                      learning_rate=0.1, **settings)
    for x in ([0.4, -0.2], [-0.7, 0.5]):
        client.post(f"{url}/step", json={"input": x, "target": [0.3, 0.8]})
    X, T = np.array([[0.2, 0.9]]), np.array([[0.6, 0.1]])
    expected = _expected_with_state(client, url, X, T)
    query = {"input": [0.2, 0.9], "target": [0.6, 0.1]}
    _same(_run_here(client.get(f"{url}/export/python", params=query).text), expected,
          f"numpy {settings}")
    client.post(f"{url}/step", json=query)  # the update's own trace: the same step
    _same(_run_here(client.get(f"{url}/export/python").text), expected, f"after {settings}")
    python = _torch_python()
    if python is None:
        return
    path = tmp_path / "step.py"
    path.write_text(client.get(f"{url}/export/python", params={"flavour": "pytorch"}).text)
    run = subprocess.run([python, str(path)], capture_output=True, text=True, check=True)
    _same(_printed(run.stdout), expected, f"pytorch {settings}")


@pytest.mark.parametrize("layers", [[2, 3, 3], [2, 2], [1, 4, 5]])
def test_export_python_numpy_softmax_prints_the_engines_numbers(client: TestClient,
                                                                layers: list[int]) -> None:
    url, network = _network(client, layers=layers, activation="tanh",
                            output_activation="softmax", loss="categorical_cross_entropy",
                            learning_rate=0.7, l2=0.05)
    x = [0.8, -0.3][:layers[0]]
    t = ([0.0] * (layers[-1] - 1) + [1.0]) if layers[-1] != 3 else [0.25, 0.0, 0.75]
    script = client.get(f"{url}/export/python", params={"input": x, "target": t})
    assert script.status_code == 200
    assert "log_softmax" in script.text and "δ_jk" in script.text
    _same(_run_here(script.text), _expected(network, np.array([x]), np.array([t]), 0.7, 0.05),
          f"softmax {layers}")


def test_export_python_softmax_mini_batch_runs_as_a_script(client: TestClient,
                                                          tmp_path) -> None:
    url, network = _network(client, layers=[2, 3, 3], activation="relu",
                            output_activation="softmax", loss="categorical_cross_entropy")
    samples = [{"input": [0.3 * i - 0.5, 0.2 - 0.1 * i], "target": [float(i % 3 == k)
                                                                   for k in range(3)]}
               for i in range(5)]
    assert client.post(f"{url}/forward", json={"samples": samples}).status_code == 200
    path = tmp_path / "step.py"
    path.write_text(client.get(f"{url}/export/python").text)
    run = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True)
    X = np.array([s["input"] for s in samples])
    T = np.array([s["target"] for s in samples])
    _same(_printed(run.stdout), _expected(network, X, T, 0.5, 0), "softmax subprocess")


def test_export_python_pytorch_softmax_with_adam(client: TestClient, tmp_path) -> None:
    """The PyTorch script of a softmax network trained by Adam (its state not zero) prints
    the engine's numbers (when PyTorch is installed)."""
    python = _torch_python()
    if python is None:
        pytest.skip("the PyTorch script needs PyTorch: install it here (pip install "
                    "torch==2.13.0), or name an interpreter that has it in "
                    "BACKPROP_TORCH_PYTHON")
    url, _ = _network(client, layers=[2, 3, 3], activation="tanh", output_activation="softmax",
                      loss="categorical_cross_entropy", optimizer="adam", learning_rate=0.05,
                      l2=0.01)
    client.post(f"{url}/step", json={"input": [0.1, 0.5], "target": [0.0, 1.0, 0.0]})
    X, T = np.array([[0.4, -0.6]]), np.array([[0.25, 0.0, 0.75]])
    expected = _expected_with_state(client, url, X, T)
    path = tmp_path / "step.py"
    path.write_text(client.get(f"{url}/export/python", params={
        "input": [0.4, -0.6], "target": [0.25, 0.0, 0.75], "flavour": "pytorch"}).text)
    run = subprocess.run([python, str(path)], capture_output=True, text=True, check=True)
    _same(_printed(run.stdout), expected, "pytorch softmax adam")
