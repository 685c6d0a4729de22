"""NumPy becomes JSON here: the results of the engine and the networks turned into the
response models."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np
import orjson
from fastapi import Response
from pydantic import BaseModel

from ..engine.activations import Array
from ..engine.datasets import Points
from ..engine.gradcheck import relative_difference
from ..engine.mlp import Parameters
from ..engine.sgd import spread
from ..limits import PLOT_DOMAIN
from ..networks.landscape import Landscape
from ..networks.passes import Trace
from ..networks.plot import class_grid
from ..networks.results import GradientCheck, Snapshot, Trained
from ..networks.workbench import Dataset
from .landscape_models import (
    LandscapeGradient,
    LandscapeOut,
    LandscapePoint,
    LandscapeRequest,
)
from .responses import (
    DatasetOut,
    FunctionOut,
    FunctionsOut,
    GradientCheckEntry,
    GradientCheckOut,
    LossPoint,
    NetworkOut,
    TraceOut,
    TrainOut,
)
from .trace_json import state_dict, trace_dict


def _nested(params: Parameters) -> tuple[list[list[list[float]]], list[list[float]]]:
    return [W.tolist() for W in params.weights], [b.tolist() for b in params.biases]


def trace_out(network_id: str, trace: Trace) -> TraceOut:
    """The trace as a TraceOut (for GET): trace_json writes it, this validates it."""
    return TraceOut.model_validate(trace_dict(network_id, trace))


def network_out(snap: Snapshot) -> NetworkOut:
    weights, biases = _nested(snap.params)
    return NetworkOut(
        id=snap.id, layers=list(snap.arch.layers), features=list(snap.arch.features),
        activation=snap.arch.activation,  # type: ignore[arg-type]
        output_activation=snap.arch.output_activation,  # type: ignore[arg-type]
        loss=snap.arch.loss,  # type: ignore[arg-type]
        learning_rate=snap.learning_rate, l2=snap.l2, seed=snap.seed, step=snap.step,
        l1=snap.l1, optimizer=snap.optimizer.name, momentum=snap.optimizer.momentum,
        beta1=snap.optimizer.beta1, beta2=snap.optimizer.beta2,
        epsilon=snap.optimizer.epsilon, optimizer_state=state_dict(snap.state),
        phase=snap.trace.phase if snap.trace else None,
        weights=weights, biases=biases,
        trace=trace_out(snap.id, snap.trace) if snap.trace else None,
    )


def gradient_check_out(network_id: str, check: GradientCheck) -> GradientCheckOut:
    trace, numeric = check.trace, check.numeric
    assert trace.gradients is not None
    entries: list[GradientCheckEntry] = []
    for k, (exact, approx) in enumerate(zip(trace.gradients.dE_dw, numeric.dE_dw, strict=True)):
        rel = relative_difference(exact, approx)
        for i, j in np.ndindex(exact.shape):
            entries.append(GradientCheckEntry(
                parameter="weight", k=k, i=i, j=j, backprop=float(exact[i, j]),
                numeric=float(approx[i, j]), relative_difference=float(rel[i, j])))
    for k, (exact, approx) in enumerate(zip(trace.gradients.dE_db, numeric.dE_db, strict=True)):
        rel = relative_difference(exact, approx)
        for j in range(exact.shape[0]):
            entries.append(GradientCheckEntry(
                parameter="bias", k=k, i=None, j=j, backprop=float(exact[j]),
                numeric=float(approx[j]), relative_difference=float(rel[j])))
    return GradientCheckOut(
        id=network_id, step=trace.step, weights=check.weights,  # type: ignore[arg-type]
        weights_step=check.weights_step, input=trace.input[0].tolist(),
        target=trace.target[0].tolist(), error=trace.forward.mean_error, h=check.h,
        entries=entries,
        max_relative_difference=max(e.relative_difference for e in entries),
    )


def _points(points: Points) -> list[dict[str, list[float]]]:
    return [{"input": x, "target": t} for x, t in zip(points.X.tolist(), points.T.tolist(),
                                                      strict=True)]


def dataset_dict(dataset: Dataset) -> dict[str, Any]:
    """DatasetOut's fields as plain lists and floats (the tests compare them with the
    model)."""
    return {**dataset_dict_head(dataset), "train": _points(dataset.train),
            "test": _points(dataset.test)}


def dataset_out(dataset: Dataset) -> DatasetOut:
    return DatasetOut.model_validate(dataset_dict(dataset))


class _RenderedPoints:
    """The JSON of the points of recent datasets, by identity (a dataset's points never
    change; a built-in dataset's are shared by every network that uses its spec). Writing
    10,000 points takes about 8 ms of Python, holding the interpreter that the event loop
    needs: 48 clients reading their datasets held health at 45 ms (p50); with this, 1 ms."""

    MAX_BYTES = 32 * 2**20

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: OrderedDict[int, tuple[Points, bytes]] = OrderedDict()
        self._bytes = 0

    def json(self, points: Points) -> bytes:
        with self._lock:
            held = self._held.get(id(points))
            if held is not None and held[0] is points:
                self._held.move_to_end(id(points))
                return held[1]
        body = orjson.dumps(_points(points))
        with self._lock:
            old = self._held.pop(id(points), None)
            self._bytes += len(body) - (len(old[1]) if old else 0)
            self._held[id(points)] = points, body  # the points kept: their id stays theirs
            while self._bytes > self.MAX_BYTES and len(self._held) > 1:
                self._bytes -= len(self._held.popitem(last=False)[1][1])
        return body


_rendered = _RenderedPoints()


def dataset_answer(dataset: Dataset | None) -> Response:
    """The dataset (or null) as a JSON response: dataset_dict's, written by orjson, the
    points rendered once per dataset."""
    if dataset is None:
        return Response(b"null", media_type="application/json")
    head = orjson.dumps(dataset_dict_head(dataset))
    body = b"".join([head[:-1], b',"train":', _rendered.json(dataset.train), b',"test":',
                     _rendered.json(dataset.test), b"}"])
    return Response(body, media_type="application/json")


def dataset_dict_head(dataset: Dataset) -> dict[str, Any]:
    """A dataset's fields but its points."""
    return {"name": dataset.name, "size": dataset.size, "noise": float(dataset.noise),
            "seed": dataset.seed, "test_fraction": float(dataset.test_fraction)}


def function_out(layer: int, node: int, values: Array,
                 snap: Snapshot | None = None) -> FunctionOut:
    """The plotted node's grid; with a softmax output on 2 inputs (given `snap`, the weights
    it was computed with), each grid point's winning class and its probability too."""
    classes = None if snap is None else class_grid(snap.arch, snap.params, values.shape[0])
    return FunctionOut(layer=layer, node=node, inputs=values.ndim, domain=list(PLOT_DOMAIN),
                       resolution=values.shape[0], values=values.tolist(),
                       classes=None if classes is None else classes[0].tolist(),
                       confidence=None if classes is None else classes[1].tolist())


def landscape_out(body: LandscapeRequest, result: Landscape) -> LandscapeOut:
    a0, b0, e0 = result.current
    return LandscapeOut(
        a=body.a, b=body.b, over=body.over, a_values=result.a_values.tolist(),
        b_values=result.b_values.tolist(), E=result.E.tolist(),
        current=LandscapePoint(a=a0, b=b0, E=e0),
        gradient=LandscapeGradient(a=result.gradient[0], b=result.gradient[1]))


def functions_out(grids: list[list[Array]], inputs: int, resolution: int) -> FunctionsOut:
    return FunctionsOut(inputs=inputs, domain=list(PLOT_DOMAIN), resolution=resolution,
                        values=[[g.tolist() for g in row] for row in grids])


def train_out(trained: Trained, node: int, max_history: int | None = None) -> TrainOut:
    """What a training call answers; with `max_history`, at most that many of its loss
    samples (spread evenly, its first and last kept)."""
    snap, outcome = trained.snapshot, trained.outcome
    result = outcome.result
    steps_before = snap.step - outcome.steps
    steps, losses = result.history_steps, result.history_losses
    if max_history is not None:
        keep = spread(len(steps), max_history)
        steps, losses = steps[keep], losses[keep]
    weights, biases = _nested(snap.params)
    function = None
    if trained.grid is not None and trained.layer is not None:
        function = function_out(trained.layer, node, trained.grid, snap)
    return TrainOut(
        id=snap.id, step=snap.step, steps=outcome.steps, samples_trained=outcome.samples,
        epoch=outcome.epoch,
        history=[LossPoint(step=steps_before + int(s) + 1, loss=float(e))
                 for s, e in zip(steps, losses, strict=True)],
        train_loss=outcome.train_loss, test_loss=outcome.test_loss,
        train_accuracy=outcome.train_accuracy, test_accuracy=outcome.test_accuracy,
        train_confusion=_counts(outcome.train_confusion),
        test_confusion=_counts(outcome.test_confusion),
        seconds=trained.seconds,
        weights=weights, biases=biases, function=function,
        gradient_sizes=result.gradient_sizes.tolist(),
        optimizer_state=(state_dict(snap.state) if snap.optimizer.name != "sgd" else None),
        functions=(functions_out(trained.grids, snap.arch.inputs,
                                 trained.grids[-1][0].shape[0])
                   if trained.grids is not None else None),
    )


def _counts(confusion: Array | None) -> list[list[int]] | None:
    return None if confusion is None else confusion.astype(int).tolist()


def json_answer(model: BaseModel, status_code: int = 200) -> Response:
    """A response model as a JSON response, for the routes whose work renders its answer
    (api/calls.py): the route declares the model as its response_model for the schema."""
    return Response(model.model_dump_json(), status_code=status_code,
                    media_type="application/json")
