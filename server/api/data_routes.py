"""A network's data and its training: /api/networks/{id}/dataset, /train, /function."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from ..errors import FieldError
from ..limits import MAX_DATASET_SIZE
from ..networks.plot import PlotRequest
from . import parse
from .deps import NetworkId, Store
from .errors import ERROR_RESPONSES
from .heavy import HeavyCalls
from .render import dataset_out, function_out, functions_out, train_out
from .requests import DatasetCreate, FunctionQuery, FunctionsQuery, Sample, TrainRequest
from .responses import DatasetOut, FunctionOut, FunctionsOut, TrainOut

router = APIRouter(prefix="/api/networks", tags=["training"], responses=ERROR_RESPONSES)

Part = Annotated[Literal["train", "test"], Path(description="the training or the test set")]


@router.put("/{network_id}/dataset")
def set_dataset(network_id: NetworkId, store: Store, body: DatasetCreate) -> DatasetOut:
    """Generate a built-in dataset (by name, size, noise, seed) or use your own points; an
    optional share is held out as the test set. Training starts a new epoch."""
    if (body.name is None) == (body.points is None):
        raise FieldError("name", "give either a dataset name or your own points")
    with store.open(network_id) as network:
        if body.points is not None:
            points = parse.points(network.arch, body.points)
            dataset = network.use_points(points, body.test_fraction)
        else:
            assert body.name is not None
            dataset = network.generate_dataset(body.name, body.size, body.noise, body.seed,
                                               body.test_fraction)
    return dataset_out(dataset)


@router.get("/{network_id}/dataset")
def read_dataset(network_id: NetworkId, store: Store) -> DatasetOut | None:
    """The network's dataset, split into training and test points (null if it has none)."""
    with store.open(network_id) as network:
        dataset = network.dataset()
    return dataset_out(dataset) if dataset else None


@router.post("/{network_id}/dataset/{part}")
def add_point(network_id: NetworkId, store: Store, part: Part, point: Sample) -> DatasetOut:
    """Add one point to the training or test set (as a click on the plot does)."""
    with store.open(network_id) as network:
        dataset = network.add_point(part, *parse.point(network.arch, point))
    return dataset_out(dataset)


@router.delete("/{network_id}/dataset/{part}/{index}")
def remove_point(network_id: NetworkId, store: Store, part: Part,
                 index: Annotated[int, Path(ge=0, le=MAX_DATASET_SIZE - 1)]) -> DatasetOut:
    """Remove point `index` of the training or test set."""
    with store.open(network_id) as network:
        dataset = network.remove_point(part, index)
    return dataset_out(dataset)


@router.post("/{network_id}/train")
async def train_network(network_id: NetworkId, store: Store, body: TrainRequest,
                        heavy: HeavyCalls) -> TrainOut:
    """Apply `steps` updates on mini-batches of the dataset (SGD with batch_size 1, the full
    batch with null), with optional L2. Returns the loss history, the losses on the
    training and test sets, the new weights, and (if `resolution` > 0) the plotted node's
    output over the plot's grid, from those weights. A run that would diverge is refused
    (409), as is any invalid field (422), before anything changes."""
    plot = PlotRequest(body.layer, body.node, body.resolution) if body.resolution else None
    def train() -> TrainOut:
        with store.open(network_id, with_data=True) as network:
            trained = network.train(body.steps, body.batch_size, body.l2, plot,
                                    body.functions_resolution)
        return train_out(trained, body.node)

    return await heavy.run(train)


@router.get("/{network_id}/function")
async def read_function(network_id: NetworkId, store: Store,
                        query: Annotated[FunctionQuery, Query()],
                        heavy: HeavyCalls) -> FunctionOut:
    """The output y of one node (default: the first output node) over the plot's domain:
    a curve for a 1-input network, a grid for a 2-input one."""
    plot = PlotRequest(query.layer, query.node, query.resolution)

    def compute() -> FunctionOut:
        with store.open(network_id) as network:
            layer, values = network.function(plot)
        return function_out(layer, query.node, values)

    return await heavy.run(compute)


@router.get("/{network_id}/functions")
async def read_functions(network_id: NetworkId, store: Store,
                         query: Annotated[FunctionsQuery, Query()],
                         heavy: HeavyCalls) -> FunctionsOut:
    """Every hidden and output node's output y over the plot's domain, with the current
    weights, from one forward pass over the grid (values[0], the input layer, is empty)."""
    def compute() -> FunctionsOut:
        with store.open(network_id) as network:
            grids = network.functions(query.resolution)
            inputs = network.arch.layers[0]
        return functions_out(grids, inputs, query.resolution)

    return await heavy.run(compute)
