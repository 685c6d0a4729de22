"""JSON becomes NumPy here, and only here: request models turned into arrays, each checked
against the network's shape, with a FieldError naming the part that does not fit.

The layers of a network never change, so a request is checked against them before its call
takes the network's lock (api/calls.py).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np

from ..engine.activations import Array
from ..engine.datasets import Points
from ..engine.mlp import Parameters, Shape
from ..engine.optimizers import Optimizer, OptimizerState
from ..errors import FieldError
from ..limits import (
    MAX_HIDDEN,
    MAX_INPUTS,
    MAX_OUTPUTS,
    MAX_POINT_NUMBERS,
    MAX_POINTS_PER_BODY,
)
from ..networks.landscape import ParameterRef, check_pair
from .landscape_models import BiasRef, WeightRef
from .requests import NetworkCreate, OptimizerStateIn, Sample, SampleOrBatch


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def parameters(layers: tuple[int, ...], weights: list[list[list[float]]] | None,
               biases: list[list[float]] | None, prefix: str = "") -> Parameters | None:
    """Parameters from nested lists indexed as in docs/api.md (None if neither was sent);
    FieldError names the first misshapen part, as in "weights[1][0]"."""
    if (weights is None) != (biases is None):
        missing = f"{prefix}biases" if biases is None else f"{prefix}weights"
        raise FieldError(missing, f"give {prefix}weights and {prefix}biases together, or "
                         "neither")
    if weights is None or biases is None:
        return None
    n_links = len(layers) - 1
    if len(weights) != n_links:
        raise FieldError(f"{prefix}weights", f"expected {n_links} matrices (one per pair of "
                         f"layers), got {len(weights)}")
    if len(biases) != n_links:
        raise FieldError(f"{prefix}biases", f"expected {n_links} lists (one per layer after "
                         f"the input), got {len(biases)}")
    for k, (n_in, n_out) in enumerate(pairwise(layers)):
        if len(weights[k]) != n_in:
            raise FieldError(f"{prefix}weights[{k}]", f"expected {n_in} rows (one per node of "
                             f"layer {k}), got {len(weights[k])}")
        for i, row in enumerate(weights[k]):
            if len(row) != n_out:
                raise FieldError(f"{prefix}weights[{k}][{i}]", f"expected "
                                 f"{_count(n_out, 'number')} (one per node of layer {k + 1}), "
                                 f"got {len(row)}")
        if len(biases[k]) != n_out:
            raise FieldError(f"{prefix}biases[{k}]", f"expected {_count(n_out, 'number')} (one "
                             f"per node of layer {k + 1}), got {len(biases[k])}")
    return Parameters(
        tuple(np.array(w, dtype=np.float64).reshape(n_in, n_out)
              for w, (n_in, n_out) in zip(weights, pairwise(layers), strict=True)),
        tuple(np.array(b, dtype=np.float64) for b in biases),
    )


def layer_kind(n: int, count: int) -> tuple[str, int]:
    """Layer n of `count` layers in words, and the most nodes it may have."""
    if n == 0:
        return "the input layer", MAX_INPUTS
    if n == count - 1:
        return "the output layer", MAX_OUTPUTS
    return "a hidden layer", MAX_HIDDEN


def network_fields(body: NetworkCreate) -> dict[str, Any]:
    """The keyword arguments of NetworkStore.create, with the parameters as arrays."""
    fields = body.model_dump(exclude={"weights", "biases", "current_weights",
                                      "current_biases", "optimizer_state", *OPTIMIZER_FIELDS})
    layers = fields["layers"] = tuple(body.layers)
    for n, count in enumerate(layers):
        kind, most = layer_kind(n, len(layers))
        if count > most:
            raise FieldError(f"layers[{n}]", f"{kind} has at most {most} nodes, not {count}")
    fields["initial"] = parameters(layers, body.weights, body.biases)
    fields["current"] = parameters(layers, body.current_weights, body.current_biases,
                                   "current_")
    fields["optimizer"] = optimizer = Optimizer(
        body.optimizer, **{name: getattr(body, name) for name in OPTIMIZER_FIELDS[1:]})
    fields["state"] = optimizer_state(layers, optimizer, body.optimizer_state)
    return fields


OPTIMIZER_FIELDS = ("optimizer", "momentum", "beta1", "beta2", "epsilon")


def optimizer_fields(changes: dict[str, Any]) -> dict[str, Any]:
    """A PATCH's optimizer fields, taken out of `changes`: the sent ones, by Optimizer's own
    names."""
    named = {"optimizer": "name"}
    sent = {k: changes.pop(k, None) for k in OPTIMIZER_FIELDS}
    return {named.get(k, k): v for k, v in sent.items() if v is not None}


def optimizer_state(layers: tuple[int, ...], optimizer: Optimizer,
                    body: OptimizerStateIn | None) -> OptimizerState | None:
    """The state a resumed network's optimizer starts from (None: fresh); FieldError names
    a slot the optimizer does not keep, or one it keeps that is missing or misshapen."""
    if body is None:
        return None
    wanted = {"sgd": (), "momentum": ("v",), "adam": ("m", "s")}[optimizer.name]
    slots = {}
    for name in ("v", "m", "s"):
        slot = getattr(body, name)
        field = f"optimizer_state.{name}"
        if slot is None:
            if name in wanted:
                raise FieldError(field, f"the {optimizer.name} optimizer keeps {name}: give it "
                                 "(weights and biases)")
            continue
        if name not in wanted:
            raise FieldError(field, f"the {optimizer.name} optimizer keeps no {name}")
        slots[name] = parameters(layers, slot.weights, slot.biases, f"{field}.")
        if name == "s" and any((a < 0).any() for a in (*slots[name].weights,
                                                       *slots[name].biases)):
            raise FieldError(field, "Adam's second moment s is a mean of squares: never "
                             "negative")
    if optimizer.name == "momentum":
        return OptimizerState(body.t, slots["v"])
    if optimizer.name == "adam":
        return OptimizerState(body.t, slots["m"], slots["s"])
    return OptimizerState(body.t)


def _values(values: list[float], n: int, field: str, layer: str) -> Array:
    if len(values) != n:
        per = ("one per raw input: the derived features are computed from them"
               if layer == "raw input" else f"one per {layer} node")
        raise FieldError(field, f"expected {_count(n, 'value')} ({per}), got {len(values)}")
    return np.array(values, dtype=np.float64)


def weights(layers: tuple[int, ...]) -> int:
    """How many weights a network of `layers` has (a pass's work is samples × weights)."""
    return sum(a * b for a, b in pairwise(layers))


def sample(shape: Shape, body: Sample) -> tuple[Array, Array]:
    """x: (inputs,) and t: (n_L−1,) of one sample (its raw inputs: features are derived)."""
    return (_values(body.input, shape.inputs, "input", _input(shape)),
            _values(body.target, shape.layers[-1], "target", "output"))


def _input(shape: Shape) -> str:
    """What a sample's input values are one per: with derived features, the raw inputs only."""
    return "input" if shape.inputs == shape.layers[0] else "raw input"


def samples(shape: Shape, body: SampleOrBatch) -> tuple[Array, Array, list[str]]:
    """X: (batch, inputs) and T: (batch, n_L−1) of one sample or a mini-batch, and the field
    that names each sample's target."""
    layers = shape.layers
    given = body.input is not None or body.target is not None
    if body.samples is not None:
        if given:
            raise FieldError("samples", "give either an input and a target, or samples, not "
                             "both")
        rows = [(_values(s.input, shape.inputs, f"samples[{n}].input", _input(shape)),
                 _values(s.target, layers[-1], f"samples[{n}].target", "output"))
                for n, s in enumerate(body.samples)]
        return (np.array([x for x, _ in rows]), np.array([t for _, t in rows]),
                [f"samples[{n}].target" for n in range(len(rows))])
    if body.input is None:
        raise FieldError("input", "give an input and a target (or samples, a mini-batch)")
    if body.target is None:
        raise FieldError("target", "give a target with the input")
    # body.input and body.target were checked as a Sample's are: no second model is built
    x = _values(body.input, shape.inputs, "input", _input(shape))
    t = _values(body.target, layers[-1], "target", "output")
    return x[np.newaxis, :], t[np.newaxis, :], ["target"]


def _fits(shape: Shape, point: Sample, field: str, what: str = "the point") -> None:
    n_in, n_out = len(point.input), len(point.target)
    layers = shape.layers
    if n_in != shape.inputs or n_out != layers[-1]:
        inputs = (_count(shape.inputs, 'input node') if shape.inputs == layers[0] else
                  f"{_count(shape.inputs, 'raw input')} (its other "
                  f"{_count(layers[0] - shape.inputs, 'input node')} derived from them)")
        raise FieldError(field, f"{what} has {_count(n_in, 'input')} and "
                         f"{_count(n_out, 'target')}, but the network has {inputs} and "
                         f"{_count(layers[-1], 'output node')}")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def point(shape: Shape, body: Sample) -> tuple[Array, Array]:
    """One point of a dataset: x (inputs,) and t (n_L−1,)."""
    _fits(shape, body, "input")
    return np.array(body.input, dtype=np.float64), np.array(body.target, dtype=np.float64)


def points(shape: Shape, bodies: list[Sample]) -> Points:
    """The learner's own points: X (n, inputs) and T (n, n_L−1). One body holds at most
    MAX_POINT_NUMBERS numbers in all (limits.py: what keeps the body cap)."""
    numbers = sum(len(body.input) + len(body.target) for body in bodies)
    if numbers > MAX_POINT_NUMBERS:
        each = shape.inputs + shape.layers[-1]
        most = min(MAX_POINTS_PER_BODY, MAX_POINT_NUMBERS // each)
        raise FieldError("points", f"one request holds at most {MAX_POINT_NUMBERS:,} numbers "
                         f"of points (inputs and targets together), not {numbers:,}: at most "
                         f"{most:,} points of {each} numbers each (add more one at a time: POST "
                         "…/dataset/train)")
    for n, body in enumerate(bodies):
        _fits(shape, body, f"points[{n}]", f"point {n}")
    return Points(np.array([p.input for p in bodies], dtype=np.float64),
                  np.array([p.target for p in bodies], dtype=np.float64))


def _parameter_ref(ref: WeightRef | BiasRef) -> ParameterRef:
    if isinstance(ref, WeightRef):
        return ParameterRef("weight", ref.k, ref.j, ref.i)
    return ParameterRef("bias", ref.k, ref.j)


def parameter_refs(layers: tuple[int, ...], a: WeightRef | BiasRef,
                   b: WeightRef | BiasRef) -> tuple[ParameterRef, ParameterRef]:
    """The landscape's two parameters, checked to exist in the network and to differ."""
    pair = _parameter_ref(a), _parameter_ref(b)
    check_pair(layers, *pair)
    return pair
