"""NumPy becomes JSON here: the results of the engine and the networks turned into the
response models."""

from __future__ import annotations

import numpy as np
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
from ..networks.results import GradientCheck, Snapshot, Trained
from ..networks.workbench import Dataset
from .landscape_models import (
    LandscapeGradient,
    LandscapeOut,
    LandscapePoint,
    LandscapeRequest,
)
from .requests import Sample
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
from .trace_json import trace_dict


def _nested(params: Parameters) -> tuple[list[list[list[float]]], list[list[float]]]:
    return [W.tolist() for W in params.weights], [b.tolist() for b in params.biases]


def trace_out(network_id: str, trace: Trace) -> TraceOut:
    """The trace as a TraceOut (for GET): trace_json writes it, this validates it."""
    return TraceOut.model_validate(trace_dict(network_id, trace))


def network_out(snap: Snapshot) -> NetworkOut:
    weights, biases = _nested(snap.params)
    return NetworkOut(
        id=snap.id, layers=list(snap.arch.layers), activation=snap.arch.activation,  # type: ignore[arg-type]
        output_activation=snap.arch.output_activation,  # type: ignore[arg-type]
        loss=snap.arch.loss,  # type: ignore[arg-type]
        learning_rate=snap.learning_rate, l2=snap.l2, seed=snap.seed, step=snap.step,
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


def _samples(points: Points) -> list[Sample]:
    return [Sample(input=x, target=t) for x, t in zip(points.X.tolist(), points.T.tolist(),
                                                      strict=True)]


def dataset_out(dataset: Dataset) -> DatasetOut:
    return DatasetOut(name=dataset.name, size=dataset.size, noise=dataset.noise,  # type: ignore[arg-type]
                      seed=dataset.seed, test_fraction=dataset.test_fraction,
                      train=_samples(dataset.train), test=_samples(dataset.test))


def function_out(layer: int, node: int, values: Array) -> FunctionOut:
    return FunctionOut(layer=layer, node=node, inputs=values.ndim, domain=list(PLOT_DOMAIN),
                       resolution=values.shape[0], values=values.tolist())


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
        function = function_out(trained.layer, node, trained.grid)
    return TrainOut(
        id=snap.id, step=snap.step, steps=outcome.steps, samples_trained=outcome.samples,
        epoch=outcome.epoch,
        history=[LossPoint(step=steps_before + int(s) + 1, loss=float(e))
                 for s, e in zip(steps, losses, strict=True)],
        train_loss=outcome.train_loss, test_loss=outcome.test_loss, seconds=trained.seconds,
        weights=weights, biases=biases, function=function,
        gradient_sizes=result.gradient_sizes.tolist(),
        functions=(functions_out(trained.grids, snap.arch.layers[0],
                                 trained.grids[-1][0].shape[0])
                   if trained.grids is not None else None),
    )


def json_answer(model: BaseModel, status_code: int = 200) -> Response:
    """A response model as a JSON response, for the routes whose work renders its answer
    (api/calls.py): the route declares the model as its response_model for the schema."""
    return Response(model.model_dump_json(), status_code=status_code,
                    media_type="application/json")
