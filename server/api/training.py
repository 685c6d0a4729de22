"""Datasets and training of a network: /api/networks/{id}/dataset, /train, /function."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from ..sessions import InvalidInput, PlotRequest
from .convert import dataset_out, function_out, train_out
from .deps import CurrentNetwork
from .errors import ERROR_RESPONSES
from .schemas import (
    MAX_RESOLUTION,
    DatasetCreate,
    DatasetOut,
    FunctionOut,
    Sample,
    TrainOut,
    TrainRequest,
)

router = APIRouter(prefix="/api/networks", tags=["training"], responses=ERROR_RESPONSES)

Part = Annotated[Literal["train", "test"], Path(description="the training or the test set")]


@router.put("/{network_id}/dataset")
def set_dataset(network: CurrentNetwork, body: DatasetCreate) -> DatasetOut:
    """Generate a built-in dataset (by name, size, noise, seed) or use your own points; an
    optional share is held out as the test set. Training starts a new epoch."""
    if (body.name is None) == (body.points is None):
        raise InvalidInput("name", "give either a dataset name or your own points")
    if body.points is not None:
        return dataset_out(network.use_points([p.input for p in body.points],
                                              [p.target for p in body.points],
                                              body.test_fraction))
    assert body.name is not None
    return dataset_out(network.generate_dataset(body.name, body.size, body.noise, body.seed,
                                                body.test_fraction))


@router.get("/{network_id}/dataset")
def read_dataset(network: CurrentNetwork) -> DatasetOut | None:
    """The network's dataset, split into training and test points (null if it has none)."""
    dataset = network.dataset()
    return dataset_out(dataset) if dataset else None


@router.post("/{network_id}/dataset/{part}")
def add_point(network: CurrentNetwork, part: Part, point: Sample) -> DatasetOut:
    """Add one point to the training or test set (as a click on the plot does)."""
    return dataset_out(network.add_point(part, point.input, point.target))


@router.delete("/{network_id}/dataset/{part}/{index}")
def remove_point(network: CurrentNetwork, part: Part,
                 index: Annotated[int, Path(ge=0, le=100_000)]) -> DatasetOut:
    """Remove point `index` of the training or test set."""
    return dataset_out(network.remove_point(part, index))


@router.post("/{network_id}/train")
def train_network(network: CurrentNetwork, body: TrainRequest) -> TrainOut:
    """Apply `steps` updates on mini-batches of the dataset (SGD with batch_size 1, the full
    batch with null), with optional L2. Returns the loss history, the losses on the
    training and test sets, the new weights, and (if `resolution` > 0) the plotted node's
    output over the plot's grid. A run that would diverge is refused (409); nothing changes."""
    plot = PlotRequest(body.layer, body.node, body.resolution) if body.resolution else None
    trained = network.train(body.steps, body.batch_size, body.l2, plot)
    function = None
    if trained.grid is not None and trained.layer is not None:
        function = function_out(trained.layer, body.node, trained.grid)
    return train_out(trained.snapshot, trained.outcome, function, trained.seconds)


@router.get("/{network_id}/function")
def read_function(network: CurrentNetwork,
                  resolution: Annotated[int, Query(ge=2, le=MAX_RESOLUTION)] = 40,
                  layer: Annotated[int | None, Query(ge=0, le=7)] = None,
                  node: Annotated[int, Query(ge=0, le=7)] = 0) -> FunctionOut:
    """The output y of one node (default: the first output node) over the plot's domain:
    a curve for a 1-input network, a grid for a 2-input one."""
    layer, values = network.function(PlotRequest(layer, node, resolution))
    return function_out(layer, node, values)
