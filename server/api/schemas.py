"""Request and response models of the HTTP API (shared/API.md), split by direction."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..engine.activations import ActivationName
from ..engine.losses import LossName
from ..engine.mlp import MAX_LAYERS, MAX_NODES, MIN_LAYERS, MIN_NODES
from ..sessions import DEFAULT_LAYERS, DEFAULT_LEARNING_RATE, MAX_SEED

MAX_ABS_VALUE = 1e6
MAX_LEARNING_RATE = 10.0

Value = Annotated[
    float,
    Field(ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE, allow_inf_nan=False,
          description=f"a finite number with |value| ≤ {MAX_ABS_VALUE:g}"),
]
LearningRate = Annotated[
    float,
    Field(gt=0, le=MAX_LEARNING_RATE, allow_inf_nan=False,
          description=f"α in w ← w − α·dE/dw, with 0 < α ≤ {MAX_LEARNING_RATE:g}"),
]
NodeCount = Annotated[int, Field(ge=MIN_NODES, le=MAX_NODES)]
Row = Annotated[list[Value], Field(max_length=MAX_NODES)]


class Strict(BaseModel):
    """Unknown fields are refused, so that a misspelt setting is a 422, not silently ignored;
    types are strict, so that true or "0.5" is not taken for a number."""

    model_config = ConfigDict(extra="forbid", strict=True)


class NetworkCreate(Strict):
    layers: list[NodeCount] = Field(
        default=list(DEFAULT_LAYERS), min_length=MIN_LAYERS, max_length=MAX_LAYERS,
        description="node counts per layer, input first")
    activation: ActivationName = Field("sigmoid", description="activation of the hidden layers")
    output_activation: ActivationName = Field("sigmoid",
                                              description="activation of the output layer")
    loss: LossName = Field("squared", description="cross_entropy needs a sigmoid output")
    learning_rate: LearningRate = DEFAULT_LEARNING_RATE
    seed: int | None = Field(None, ge=0, le=MAX_SEED,
                             description="seed of the initial weights; random if omitted")
    weights: Annotated[list[Annotated[list[Row], Field(max_length=MAX_NODES)]],
                       Field(max_length=MAX_LAYERS - 1)] | None = Field(
        None, description="weights[k][i][j], from node i of layer k to node j of layer k+1")
    biases: Annotated[list[Row], Field(max_length=MAX_LAYERS - 1)] | None = Field(
        None, description="biases[k][j], the bias of node j of layer k+1")


class NetworkUpdate(Strict):
    learning_rate: LearningRate | None = None
    activation: ActivationName | None = None
    output_activation: ActivationName | None = None
    loss: LossName | None = None


class Sample(Strict):
    input: list[Value] = Field(min_length=MIN_NODES, max_length=MAX_NODES,
                               description="one value per input node")
    target: list[Value] = Field(min_length=MIN_NODES, max_length=MAX_NODES,
                                description="one value per output node")


class ParameterValue(Strict):
    value: Value


class NodeOut(BaseModel):
    x: float
    y: float
    b: float | None = Field(description="the node's bias; null for input nodes")
    dE_dy: float | None
    dE_dx: float | None
    dE_db: float | None
    b_before: float | None = Field(None, description="update phase: the bias before it")


class WeightOut(BaseModel):
    w: float
    dE_dw: float | None
    w_before: float | None = Field(None, description="update phase: the weight before it")


class TraceOut(BaseModel):
    id: str
    step: int = Field(description="updates applied so far")
    phase: Literal["forward", "backward", "update"]
    learning_rate: float
    input: list[float]
    target: list[float]
    error: float = Field(description="E of the forward pass")
    error_after: float | None = Field(
        None, description="update phase: E on the same sample with the updated weights")
    nodes: list[list[NodeOut]] = Field(description="nodes[l][j]: node j of layer l")
    weights: list[list[list[WeightOut]]] = Field(
        description="weights[k][i][j]: from node i of layer k to node j of layer k+1")


class NetworkOut(BaseModel):
    id: str
    layers: list[int]
    activation: ActivationName
    output_activation: ActivationName
    loss: LossName
    learning_rate: float
    seed: int
    step: int
    phase: Literal["forward", "backward", "update"] | None = Field(
        description="the phase of the current pass; null before the first forward pass")
    weights: list[list[list[float]]]
    biases: list[list[float]]
    trace: TraceOut | None = Field(description="the current pass, recomputed after any change")


class GradientCheckEntry(BaseModel):
    parameter: Literal["weight", "bias"]
    k: int
    i: int | None = Field(description="source node of a weight; null for a bias")
    j: int
    backprop: float
    numeric: float
    relative_difference: float


class GradientCheckOut(BaseModel):
    id: str
    step: int
    input: list[float]
    target: list[float]
    error: float
    h: float = Field(description="the step of the central difference (E(p+h) − E(p−h)) / 2h")
    entries: list[GradientCheckEntry]
    max_relative_difference: float


class ActivationInfo(BaseModel):
    name: ActivationName
    formula: str
    derivative_formula: str


class LossInfo(BaseModel):
    name: LossName
    formula: str
    derivative_formula: str
    requires_output_activation: str | None


class Limits(BaseModel):
    min_layers: int
    max_layers: int
    min_nodes: int
    max_nodes: int
    max_abs_value: float
    max_learning_rate: float
    max_seed: int


class Options(BaseModel):
    activations: list[ActivationInfo]
    losses: list[LossInfo]
    limits: Limits
    defaults: NetworkCreate


class FieldError(BaseModel):
    field: str
    message: str


class ErrorOut(BaseModel):
    detail: str = Field(description="what went wrong, in plain words, naming the field")
    errors: list[FieldError] | None = None
