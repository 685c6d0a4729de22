"""The /api/networks resource: create, read, configure, step through the phases, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Response, status

from ..limits import MAX_LAYERS, MAX_NODES
from . import parse
from .deps import NetworkId, Store, on_network
from .errors import ERROR_RESPONSES
from .landscape_models import LandscapeOut, LandscapeRequest
from .render import gradient_check_out, landscape_out, network_out
from .requests import (
    NetworkCreate,
    NetworkUpdate,
    ParameterValue,
    Sample,
    SampleOrBatch,
)
from .responses import GradientCheckOut, NetworkOut, TraceOut
from .trace_json import trace_response

router = APIRouter(prefix="/api/networks", tags=["networks"], responses=ERROR_RESPONSES)

K = Annotated[int, Path(ge=0, le=MAX_LAYERS - 2, description="weights from layer k to k+1")]
Node = Annotated[int, Path(ge=0, le=MAX_NODES - 1, description="a node of its layer")]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_network(store: Store,
                   body: Annotated[NetworkCreate | None, Body()] = None) -> NetworkOut:
    """Create a network (every field optional: default 1-2-2-1, sigmoid, squared error)."""
    network = store.create(**parse.network_fields(body or NetworkCreate()))
    return network_out(network.snapshot())


@router.get("/{network_id}")
def read_network(network_id: NetworkId, store: Store) -> NetworkOut:
    """The network's settings, weights, biases and current pass."""
    with store.open(network_id) as network:
        snapshot = network.snapshot()
    return network_out(snapshot)


@router.patch("/{network_id}")
def configure_network(network_id: NetworkId, store: Store, body: NetworkUpdate) -> NetworkOut:
    """Change the learning rate, activations or loss; weights are kept and a pending pass
    is recomputed on the same sample."""
    with store.open(network_id) as network:
        snapshot = network.configure(**body.model_dump())
    return network_out(snapshot)


@router.delete("/{network_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_network(network_id: NetworkId, store: Store) -> Response:
    """Forget the network."""
    store.delete(network_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{network_id}/forward", response_model=TraceOut)
async def forward_pass(network_id: NetworkId, store: Store, body: SampleOrBatch) -> Response:
    """Forward pass of one sample (`input`, `target`) or a mini-batch (`samples`): x and y
    of every node, and the error E against the target (for a batch, the mean E, with each
    sample's numbers in `samples`)."""
    trace = await on_network(store, network_id,
                             lambda network: network.forward(*parse.samples(network.arch, body)),
                             samples=len(body.samples or [body]))
    return trace_response(network_id, trace)


@router.post("/{network_id}/backward", response_model=TraceOut)
async def backward_pass(network_id: NetworkId, store: Store) -> Response:
    """Backward pass over the pending forward pass: dE/dy, dE/dx, dE/dw, dE/db everywhere."""
    trace = await on_network(store, network_id, lambda network: network.backward())
    return trace_response(network_id, trace)


@router.post("/{network_id}/update", response_model=TraceOut)
async def update_weights(network_id: NetworkId, store: Store) -> Response:
    """Apply w ← w − α·dE/dw and b ← b − α·dE/db with the pending backward pass."""
    trace = await on_network(store, network_id, lambda network: network.update())
    return trace_response(network_id, trace)


@router.post("/{network_id}/step", response_model=TraceOut)
async def train_step(network_id: NetworkId, store: Store, body: SampleOrBatch) -> Response:
    """Forward, backward and update in one call, on one sample or a mini-batch (the update
    uses the mean dE/dw and dE/db); derivatives from before the update, weights from
    after."""
    trace = await on_network(store, network_id,
                             lambda network: network.step(*parse.samples(network.arch, body)),
                             samples=len(body.samples or [body]))
    return trace_response(network_id, trace)


@router.post("/{network_id}/reset")
def reset_network(network_id: NetworkId, store: Store) -> NetworkOut:
    """Restore the initial weights and biases exactly, at step 0; settings are kept."""
    with store.open(network_id) as network:
        snapshot = network.reset()
    return network_out(snapshot)


@router.put("/{network_id}/weights/{k}/{i}/{j}")
def set_weight(network_id: NetworkId, store: Store, k: K, i: Node, j: Node,
               body: ParameterValue) -> NetworkOut:
    """Set the weight from node i of layer k to node j of layer k+1; the current pass is
    recomputed with it."""
    with store.open(network_id) as network:
        snapshot = network.set_weight(k, i, j, body.value)
    return network_out(snapshot)


@router.put("/{network_id}/biases/{k}/{j}")
def set_bias(network_id: NetworkId, store: Store, k: K, j: Node,
             body: ParameterValue) -> NetworkOut:
    """Set the bias of node j of layer k+1; the current pass is recomputed with it."""
    with store.open(network_id) as network:
        snapshot = network.set_bias(k, j, body.value)
    return network_out(snapshot)


@router.get("/{network_id}/gradcheck")
def gradient_check(network_id: NetworkId, store: Store) -> GradientCheckOut:
    """Every dE/dw and dE/db from backprop beside its central finite difference, on the
    current pass's sample, with the weights whose dE/dw the pass shows: after an update,
    the weights before it (`weights` says which). 409 before any pass."""
    with store.open(network_id) as network:
        check = network.gradient_check()
    return gradient_check_out(network_id, check)


@router.post("/{network_id}/gradcheck")
def gradient_check_sample(network_id: NetworkId, store: Store,
                          sample: Sample) -> GradientCheckOut:
    """The gradient check on the sample sent, with the current weights; the network (its
    pass, step and weights) is left as it was."""
    with store.open(network_id) as network:
        check = network.gradient_check_of(*parse.sample(network.arch, sample))
    return gradient_check_out(network_id, check)


@router.post("/{network_id}/landscape")
def loss_landscape(network_id: NetworkId, store: Store, body: LandscapeRequest) -> LandscapeOut:
    """E over a grid of two parameters a and b around their current values (every other
    parameter fixed), on the current pass's sample(s) or the mean over the training set,
    with the current point and backprop's ∂E/∂a, ∂E/∂b there. Changes nothing."""
    with store.open(network_id) as network:
        result = network.landscape(parse.parameter_ref(body.a), parse.parameter_ref(body.b),
                                   body.over, body.resolution, body.span)
    return landscape_out(body, result)
