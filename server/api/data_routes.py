"""A network's data and its training: /api/networks/{id}/dataset, /train, /fit, /function(s).

Every one of these calls costs in proportion to the data (or to a grid), so each runs in the
heavy pool (api/heavy.py), apart from the phases and the other cheap routes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from ..errors import FieldError
from ..limits import MAX_DATASET_SIZE
from ..networks import inspection
from ..networks.plot import PlotRequest
from . import parse
from .calls import NetworkCalls
from .errors import ERROR_RESPONSES
from .networks import NetworkId
from .render import dataset_answer, function_out, functions_out, json_answer, train_out
from .requests import DatasetCreate, FunctionQuery, FunctionsQuery, Sample, TrainRequest
from .responses import DatasetOut, FitOut, FunctionOut, FunctionsOut, TrainOut

router = APIRouter(prefix="/api/networks", tags=["training"], responses=ERROR_RESPONSES)

Part = Annotated[Literal["train", "test"], Path(description="the training or the test set")]


@router.put("/{network_id}/dataset", response_model=DatasetOut)
async def set_dataset(network_id: NetworkId, calls: NetworkCalls,
                      body: DatasetCreate) -> Response:
    """Generate a built-in dataset (by name, size, noise, seed) or use your own points; an
    optional share is held out as the test set. Training starts a new epoch."""
    if (body.name is None) == (body.points is None):
        raise FieldError("name", "give either a dataset name or your own points")
    if body.points is not None:
        points = parse.points(await calls.shape(network_id), body.points)
        return await calls.run(network_id, lambda network: dataset_answer(
            network.use_points(points, body.test_fraction)), heavy=True, with_data=True)
    name = body.name
    assert name is not None
    return await calls.run(network_id, lambda network: dataset_answer(
        network.generate_dataset(name, body.size, body.noise, body.seed,
                                 body.test_fraction)), heavy=True, with_data=True)


@router.get("/{network_id}/dataset", response_model=DatasetOut | None)
async def read_dataset(network_id: NetworkId, calls: NetworkCalls) -> Response:
    """The network's dataset, split into training and test points (null if it has none)."""
    return await calls.inspect(
        network_id, lambda _, data: dataset_answer(data), with_data=True)


@router.post("/{network_id}/dataset/{part}", response_model=DatasetOut)
async def add_point(network_id: NetworkId, calls: NetworkCalls, part: Part,
                    point: Sample) -> Response:
    """Add one point to the training or test set (as a click on the plot does)."""
    x, t = parse.point(await calls.shape(network_id), point)
    return await calls.run(network_id, lambda network: dataset_answer(
        network.add_point(part, x, t)), heavy=True, with_data=True)


@router.delete("/{network_id}/dataset/{part}/{index}", response_model=DatasetOut)
async def remove_point(network_id: NetworkId, calls: NetworkCalls, part: Part,
                       index: Annotated[int, Path(ge=0, le=MAX_DATASET_SIZE - 1)]) -> Response:
    """Remove point `index` of the training or test set."""
    return await calls.run(network_id, lambda network: dataset_answer(
        network.remove_point(part, index)), heavy=True, with_data=True)


@router.post("/{network_id}/train", response_model=TrainOut)
async def train_network(network_id: NetworkId, calls: NetworkCalls,
                        body: TrainRequest) -> Response:
    """Apply `steps` updates on mini-batches of the dataset (SGD with batch_size 1, the full
    batch with null), with optional L2. Returns the loss history, the losses on the
    training and test sets, the new weights, and (if `resolution` > 0) the plotted node's
    output over the plot's grid, from those weights. A run that would diverge is refused
    (409), as is any invalid field (422), before anything changes."""
    plot = PlotRequest(body.layer, body.node, body.resolution) if body.resolution else None
    return await calls.run(network_id, lambda network: json_answer(train_out(network.train(
        body.steps, body.batch_size, body.l2, plot, body.functions_resolution), body.node)),
        heavy=True, with_data=True)


@router.get("/{network_id}/fit", response_model=FitOut)
async def read_fit(network_id: NetworkId, calls: NetworkCalls) -> Response:
    """E and accuracy over the training and the test points, with the current weights: the
    numbers the page shows under the plot (null without points)."""

    def compute(snap, dataset) -> Response:
        train, test = inspection.fit(snap, dataset)
        return json_answer(FitOut(
            step=snap.step, train_loss=train.loss, test_loss=test.loss,
            train_accuracy=train.accuracy, test_accuracy=test.accuracy,
            train_confusion=None if train.confusion is None else train.confusion.tolist(),
            test_confusion=None if test.confusion is None else test.confusion.tolist()))

    return await calls.inspect(network_id, compute, with_data=True)


@router.get("/{network_id}/function", response_model=FunctionOut)
async def read_function(network_id: NetworkId, calls: NetworkCalls,
                        query: Annotated[FunctionQuery, Query()]) -> Response:
    """The output y of one node (default: the first output node) over the plot's domain:
    a curve for a 1-input network, a grid for a 2-input one."""
    plot = PlotRequest(query.layer, query.node, query.resolution)

    def compute(snap, _) -> Response:
        layer, values = inspection.function(snap, plot)
        return json_answer(function_out(layer, query.node, values, snap))

    return await calls.inspect(network_id, compute)


@router.get("/{network_id}/functions", response_model=FunctionsOut)
async def read_functions(network_id: NetworkId, calls: NetworkCalls,
                         query: Annotated[FunctionsQuery, Query()]) -> Response:
    """Every hidden and output node's output y over the plot's domain, with the current
    weights, from one forward pass over the grid (values[0], the input layer, is empty)."""
    return await calls.inspect(network_id, lambda snap, _: json_answer(functions_out(
        inspection.functions(snap, query.resolution), snap.arch.inputs, query.resolution)))
