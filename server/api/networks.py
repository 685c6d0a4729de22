"""The /api/networks resource: create, read, configure, step through the phases, inspect,
delete. Each route checks its request against the network's shape first, then hands its work
to Calls.run (api/calls.py), which takes the network's lock once and keeps what changed."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response, status

from ..errors import FieldError, RateLimited, UnsupportedMediaType
from ..limits import CREATE_BURST, CREATE_PER_SECOND, FED, FEEDING, MAX_LAYERS
from ..networks import inspection, python_code
from . import parse
from .calls import NetworkCalls
from .errors import ERROR_RESPONSES
from .landscape_models import LandscapeOut, LandscapeRequest
from .render import gradient_check_out, json_answer, landscape_out, network_out
from .requests import (
    NetworkCreate,
    NetworkUpdate,
    ParameterValue,
    Sample,
    SampleOrBatch,
    Value,
)
from .responses import ErrorOut, GradientCheckOut, NetworkOut, TraceOut
from .trace_json import trace_response

router = APIRouter(prefix="/api/networks", tags=["networks"], responses=ERROR_RESPONSES)

NetworkId = Annotated[str, Path(max_length=64, description="the id returned on creation")]
K = Annotated[int, Path(ge=0, le=MAX_LAYERS - 2, description="weights from layer k to k+1")]
Source = Annotated[int, Path(ge=0, le=FEEDING - 1, description="a node of layer k")]
Target = Annotated[int, Path(ge=0, le=FED - 1, description="a node of layer k+1")]


async def json_sent(request: Request) -> None:
    """UnsupportedMediaType unless the body is said to be JSON (checked before the body)."""
    kind = request.headers.get("content-type", "")
    if kind.split(";", 1)[0].strip().lower() != "application/json":
        raise UnsupportedMediaType("a new network's settings")


@router.post("", status_code=status.HTTP_201_CREATED, response_model=NetworkOut,
             dependencies=[Depends(json_sent)],
             responses={415: {"model": ErrorOut, "description": "The body is not sent as JSON"}})
async def create_network(calls: NetworkCalls,
                         body: Annotated[NetworkCreate | None, Body()] = None) -> Response:
    """Create a network (every field optional: default 1-2-2-1, sigmoid, squared error). The
    body is JSON, said so by Content-Type: application/json (a form posted by another
    site cannot create networks); `{}` takes every default. A client creates at most
    CREATE_BURST networks at once, then CREATE_PER_SECOND a second (429 with Retry-After
    beyond: /api/options' limits)."""
    wait = await calls.store.take_token(f"create:{calls.caller.client}", CREATE_PER_SECOND,
                                        CREATE_BURST)
    if wait > 0:
        raise RateLimited(f"too many networks created: a client may create {CREATE_BURST} at "
                          f"once, then {CREATE_PER_SECOND:g} a second; nothing was created, "
                          f"try again in {wait:.0f} s", wait)
    fields = parse.network_fields(body or NetworkCreate())
    idempotency = calls.caller.idempotency
    if idempotency is None:
        return json_answer(network_out(await calls.store.new(**fields)), status_code=201)
    kept, earlier = await calls.store.new_kept(
        idempotency.key, lambda snap: idempotency.kept(json_answer(network_out(snap), 201)),
        **fields)
    if earlier:
        return idempotency.replay(kept)
    return Response(kept.body, status_code=kept.status, media_type=kept.media_type)


@router.get("/{network_id}", response_model=NetworkOut)
async def read_network(network_id: NetworkId, calls: NetworkCalls) -> Response:
    """The network's settings, weights, biases and current pass."""
    return await calls.run(network_id, lambda network: json_answer(network_out(
        network.snapshot())), read_only=True)


@router.patch("/{network_id}", response_model=NetworkOut)
async def configure_network(network_id: NetworkId, calls: NetworkCalls,
                            body: NetworkUpdate) -> Response:
    """Change the learning rate, activations or loss; weights are kept and a pending pass
    is recomputed on the same sample."""
    changes = body.model_dump()
    changes["optimizer_changes"] = parse.optimizer_fields(changes)
    return await calls.run(
        network_id, lambda network: json_answer(network_out(network.configure(**changes))),
        with_data=body.loss is not None)  # a new loss is checked against the data's targets


@router.delete("/{network_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_network(network_id: NetworkId, calls: NetworkCalls) -> Response:
    """Forget the network."""
    answer = Response(status_code=status.HTTP_204_NO_CONTENT)
    idempotency = calls.caller.idempotency
    if idempotency is None:
        await calls.store.delete(network_id)
        return answer
    earlier = await calls.store.delete(network_id, (idempotency.key, idempotency.kept(answer)))
    return answer if earlier is None else idempotency.replay(earlier)


@router.post("/{network_id}/forward", response_model=TraceOut)
async def forward_pass(network_id: NetworkId, calls: NetworkCalls,
                       body: SampleOrBatch) -> Response:
    """Forward pass of one sample (`input`, `target`) or a mini-batch (`samples`): x and y
    of every node, and the error E against the target (for a batch, the mean E, with each
    sample's numbers in `samples`)."""
    shape = await calls.shape(network_id)
    x, t, fields = parse.samples(shape, body)
    return await calls.run(
        network_id, lambda network: trace_response(network_id, network.forward(x, t, fields)),
        size=len(x) * parse.weights(shape.layers))


@router.post("/{network_id}/backward", response_model=TraceOut)
async def backward_pass(network_id: NetworkId, calls: NetworkCalls) -> Response:
    """Backward pass over the pending forward pass: dE/dy, dE/dx, dE/dw, dE/db everywhere."""
    return await calls.run(network_id,
                           lambda network: trace_response(network_id, network.backward()))


@router.post("/{network_id}/update", response_model=TraceOut)
async def update_weights(network_id: NetworkId, calls: NetworkCalls) -> Response:
    """Apply w ← w − α·dE/dw and b ← b − α·dE/db with the pending backward pass."""
    return await calls.run(network_id,
                           lambda network: trace_response(network_id, network.update()))


@router.post("/{network_id}/step", response_model=TraceOut)
async def train_step(network_id: NetworkId, calls: NetworkCalls,
                     body: SampleOrBatch) -> Response:
    """Forward, backward and update in one call, on one sample or a mini-batch (the update
    uses the mean dE/dw and dE/db); derivatives from before the update, weights from
    after."""
    shape = await calls.shape(network_id)
    x, t, fields = parse.samples(shape, body)
    return await calls.run(
        network_id, lambda network: trace_response(network_id, network.step(x, t, fields)),
        size=len(x) * parse.weights(shape.layers))


@router.post("/{network_id}/reset", response_model=NetworkOut)
async def reset_network(network_id: NetworkId, calls: NetworkCalls) -> Response:
    """Restore the initial weights and biases exactly, at step 0; settings are kept."""
    return await calls.run(network_id,
                           lambda network: json_answer(network_out(network.reset())),
                           with_data=True)  # training starts its epochs again


@router.put("/{network_id}/weights/{k}/{i}/{j}", response_model=NetworkOut)
async def set_weight(network_id: NetworkId, calls: NetworkCalls, k: K, i: Source, j: Target,
                     body: ParameterValue) -> Response:
    """Set the weight from node i of layer k to node j of layer k+1; the current pass is
    recomputed with it."""
    return await calls.run(network_id, lambda network: json_answer(network_out(
        network.set_weight(k, i, j, body.value))))


@router.put("/{network_id}/biases/{k}/{j}", response_model=NetworkOut)
async def set_bias(network_id: NetworkId, calls: NetworkCalls, k: K, j: Target,
                   body: ParameterValue) -> Response:
    """Set the bias of node j of layer k+1; the current pass is recomputed with it."""
    return await calls.run(network_id, lambda network: json_answer(network_out(
        network.set_bias(k, j, body.value))))


@router.get("/{network_id}/gradcheck", response_model=GradientCheckOut)
async def gradient_check(network_id: NetworkId, calls: NetworkCalls) -> Response:
    """Every dE/dw and dE/db from backprop beside its central finite difference, on the
    current pass's sample, with the weights whose dE/dw the pass shows: after an update,
    the weights before it (`weights` says which). 409 before any pass."""
    return await calls.inspect(network_id, lambda snap, _: json_answer(gradient_check_out(
        network_id, inspection.gradient_check(snap))))


@router.get("/{network_id}/export/python", response_class=Response,
            responses={200: {"content": {"text/x-python": {}},
                             "description": "a runnable script, as an attachment"}})
async def export_python(
        network_id: NetworkId, calls: NetworkCalls,
        flavour: Annotated[Literal["numpy", "pytorch"], Query(
            description="numpy: NumPy alone, the backward pass written out; pytorch: "
                        "float64 tensors and autograd")] = "numpy",
        input: Annotated[list[Value] | None, Query(
            description="a sample's inputs (repeat the parameter), with `target`; without "
                        "them, the current pass's sample(s)")] = None,
        target: Annotated[list[Value] | None, Query(description="its targets")] = None,
        ) -> Response:
    """A short, runnable Python script that rebuilds this network exactly (its weights, its
    activations, loss, learning rate and λ, and the sample) and prints the numbers of one
    step as the page shows them: every x and y, E, every ∂E/∂y and ∂E/∂x, every ∂E/∂w and
    ∂E/∂b, and the weights after the update (equal to the page's to about 1e-15)."""
    x = t = None
    if (input is None) != (target is None):
        raise FieldError("target" if target is None else "input",
                         "give both an input and a target, or neither (the current pass)")
    if input is not None and target is not None:
        # each value checked by the query already; their counts, against the layers here
        x, t = parse.sample(await calls.shape(network_id),
                            Sample.model_construct(input=input, target=target))

    def write(snap, _) -> Response:
        text = python_code.script(inspection.code_step(snap, x, t), flavour)
        name = f"backprop_step_{flavour}.py"
        return Response(text, media_type="text/x-python; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return await calls.inspect(network_id, write)


@router.post("/{network_id}/gradcheck", response_model=GradientCheckOut)
async def gradient_check_sample(network_id: NetworkId, calls: NetworkCalls,
                                sample: Sample) -> Response:
    """The gradient check on the sample sent, with the current weights; the network (its
    pass, step and weights) is left as it was."""
    x, t = parse.sample(await calls.shape(network_id), sample)
    return await calls.inspect(network_id, lambda snap, _: json_answer(gradient_check_out(
        network_id, inspection.gradient_check_of(snap, x, t))))


@router.post("/{network_id}/landscape", response_model=LandscapeOut)
async def loss_landscape(network_id: NetworkId, calls: NetworkCalls,
                         body: LandscapeRequest) -> Response:
    """E over a grid of two parameters a and b around their current values (every other
    parameter fixed), on the current pass's sample(s) or the mean over the training set,
    with the current point and backprop's ∂E/∂a, ∂E/∂b there. Changes nothing."""
    a, b = parse.parameter_refs((await calls.shape(network_id)).layers, body.a, body.b)
    return await calls.inspect(
        network_id, lambda snap, data: json_answer(landscape_out(body, inspection.loss_landscape(
            snap, data, a, b, body.over, body.resolution, body.span))),
        with_data=body.over == "train")
