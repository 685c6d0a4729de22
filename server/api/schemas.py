"""Request and response models of the HTTP API (shared/API.md), split by direction."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from ..engine.activations import ActivationName
from ..engine.datasets import MAX_SIZE, DatasetName
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


def _integral(value: object) -> object:
    """JSON Schema's "integer" admits 1534.0, so an integral float is that integer; 1.5, true
    and "3" are still refused by the strict int that follows."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def Integer(ge: int, le: int) -> Any:  # noqa: N802 (a type, read as one)
    """An int in [ge, le]; the bounds come before the conversion so that the schema shows
    them as minimum and maximum."""
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_integral)]

# Every non-negative rate and share goes through this, so that −0.0 (valid JSON, and ≥ 0)
# becomes 0.0 before anything uses it.
Unsigned = Annotated[float, AfterValidator(lambda v: v + 0.0)]
NodeCount = Integer(MIN_NODES, MAX_NODES)
Row = Annotated[list[Value], Field(max_length=MAX_NODES)]
Matrices = Annotated[list[Annotated[list[Row], Field(max_length=MAX_NODES)]],
                     Field(max_length=MAX_LAYERS - 1)]
Vectors = Annotated[list[Row], Field(max_length=MAX_LAYERS - 1)]
MAX_STEP = 10**12
MAX_STEPS_PER_CALL = 10_000
MAX_POINTS_PER_BODY = 2_000
MAX_RESOLUTION = 100


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
    seed: Integer(0, MAX_SEED) | None = Field(
        None, description="seed of the initial weights; random if omitted")
    weights: Matrices | None = Field(
        None, description="initial weights[k][i][j], from node i of layer k to node j of "
                          "layer k+1 (what a reset restores)")
    biases: Vectors | None = Field(
        None, description="initial biases[k][j], the bias of node j of layer k+1")
    current_weights: Matrices | None = Field(
        None, description="to resume a network: its weights now, if not the initial ones")
    current_biases: Vectors | None = Field(None, description="to resume: its biases now")
    step: Integer(0, MAX_STEP) = Field(0, description="to resume: updates applied so far")


class NetworkUpdate(Strict):
    learning_rate: LearningRate | None = None
    activation: ActivationName | None = None
    output_activation: ActivationName | None = None
    loss: LossName | None = None


class Sample(Strict):
    """One sample: the input values and the target values (a point of a dataset too)."""

    input: list[Value] = Field(min_length=MIN_NODES, max_length=MAX_NODES,
                               description="one value per input node")
    target: list[Value] = Field(min_length=MIN_NODES, max_length=MAX_NODES,
                                description="one value per output node")


class ParameterValue(Strict):
    value: Value


def _absent_not_null(schema: dict[str, Any]) -> None:
    """A field that is either absent or a value: the schema shows no null (the server takes a
    null as absent)."""
    options = [o for o in schema.pop("anyOf") if o.get("type") != "null"]
    schema.pop("default", None)
    schema.update(options[0])


class DatasetCreate(Strict):
    """A built-in dataset by `name`, or the learner's own `points`: exactly one of the two
    (the schema says so with oneOf; a null is taken as not given)."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": ["name"]},
                                                           {"required": ["points"]}]})

    name: DatasetName | None = Field(
        None, json_schema_extra=_absent_not_null,
        description="1 input: line, step, sine, bump; 2 inputs: circle, xor, gaussians, spiral")
    size: Integer(1, MAX_SIZE) = Field(200, description="points generated")
    noise: Unsigned = Field(0.1, ge=0, le=1, allow_inf_nan=False,
                            description="0 (none) … 1 (much) scatter")
    seed: Integer(0, MAX_SEED) = 0
    test_fraction: Unsigned = Field(0.0, ge=0, le=0.9, allow_inf_nan=False,
                                    description="the share of points held out for testing")
    points: Annotated[list[Sample], Field(min_length=1, max_length=MAX_POINTS_PER_BODY)] | None = (
        Field(None, json_schema_extra=_absent_not_null))


class DatasetOut(BaseModel):
    name: DatasetName | None = Field(description="null for the learner's own points")
    size: int
    noise: float
    seed: int
    test_fraction: float
    train: list[Sample]
    test: list[Sample]


class TrainRequest(Strict):
    steps: Integer(1, MAX_STEPS_PER_CALL) = Field(100, description="updates to apply")
    batch_size: Integer(1, MAX_SIZE) | None = Field(
        None, description="points per update; null for the full batch")
    l2: Unsigned = Field(0.0, ge=0, le=1, allow_inf_nan=False,
                      description="L2 rate λ: each update adds λ·w to dE/dw")
    resolution: Integer(0, MAX_RESOLUTION) = Field(0,
                            description="if > 0, also return the output over a grid this fine")
    layer: Integer(0, MAX_LAYERS - 1) | None = Field(
        None, description="the node plotted (default: the first output node)")
    node: Integer(0, MAX_NODES - 1) = 0


class LossPoint(BaseModel):
    step: int
    loss: float


class FunctionOut(BaseModel):
    layer: int
    node: int
    inputs: int = Field(description="1: values[c]; 2: values[r][c], row r at x2, column c at x1")
    domain: list[float] = Field(description="[low, high] of every input axis")
    resolution: int
    values: list[float] | list[list[float]]


class TrainOut(BaseModel):
    id: str
    step: int = Field(description="updates applied so far, this call's included")
    samples_trained: int = Field(description="samples trained on since the last reset")
    epoch: float = Field(description="samples_trained / training points")
    history: list[LossPoint] = Field(description="mini-batch E at up to 200 of this call's "
                                                 "steps")
    train_loss: float = Field(description="E over the whole training set, after the call")
    seconds: float = Field(description="the time the server spent training in this call")
    test_loss: float | None = Field(description="E over the test set; null without one")
    weights: list[list[list[float]]]
    biases: list[list[float]]
    function: FunctionOut | None = None


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


class DatasetInfo(BaseModel):
    name: DatasetName
    inputs: int = Field(description="input nodes the network needs (outputs: one)")


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
    datasets: list[DatasetInfo]
    limits: Limits
    defaults: NetworkCreate


class FieldError(BaseModel):
    field: str
    message: str


class ErrorOut(BaseModel):
    detail: str = Field(description="what went wrong, in plain words, naming the field")
    errors: list[FieldError] | None = None
