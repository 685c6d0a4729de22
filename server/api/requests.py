"""What clients send: the request models of the HTTP API (docs/api.md), with every bound
taken from server/limits.py."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    create_model,
)

from ..engine.activations import ActivationName
from ..engine.datasets import DatasetName
from ..engine.features import FeatureName
from ..engine.losses import LossName
from ..engine.mlp import InitName
from ..engine.optimizers import (
    DEFAULT_BETA1,
    DEFAULT_BETA2,
    DEFAULT_EPSILON,
    DEFAULT_MOMENTUM,
    OptimizerName,
)
from ..limits import (
    DATASET_DEFAULTS,
    DEFAULT_ACTIVATION,
    DEFAULT_L2,
    DEFAULT_LAYERS,
    DEFAULT_LEARNING_RATE,
    DEFAULT_LOSS,
    DEFAULT_OUTPUT_ACTIVATION,
    DEFAULT_RESOLUTION,
    DEFAULT_THUMBNAIL_RESOLUTION,
    FED,
    FEEDING,
    MAX_ABS_VALUE,
    MAX_CSV_COLUMNS,
    MAX_DATASET_SIZE,
    MAX_EPSILON,
    MAX_INPUTS,
    MAX_L1,
    MAX_L2,
    MAX_LAYERS,
    MAX_LEARNING_RATE,
    MAX_NODES,
    MAX_NOISE,
    MAX_OUTPUTS,
    MAX_POINTS_PER_BODY,
    MAX_RESOLUTION,
    MAX_SEED,
    MAX_STEP,
    MAX_STEP_BATCH,
    MAX_STEPS_PER_CALL,
    MAX_TEST_FRACTION,
    MAX_THUMBNAIL_RESOLUTION,
    MIN_EPSILON,
    MIN_LAYERS,
    MIN_NODES,
    TRAINING_DEFAULTS,
    WIDEST,
)


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


def Share(le: float, description: str) -> Any:  # noqa: N802 (a type, read as one)
    """A finite float in [0, le]; −0.0 (valid JSON, and ≥ 0) becomes 0.0 before any use."""
    return Annotated[float, Field(ge=0, le=le, allow_inf_nan=False, description=description),
                     AfterValidator(lambda v: v + 0.0)]


Value = Annotated[
    float,
    Field(ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE, allow_inf_nan=False,
          description=f"a finite number with |value| ≤ {MAX_ABS_VALUE:g}"),
    # −0.0 (valid JSON) is 0: one rule for every number a client sends (inputs, targets,
    # weights, biases, points), so that none is echoed back as −0.0.
    AfterValidator(lambda v: v + 0.0),
]
LearningRate = Annotated[
    float,
    Field(gt=0, le=MAX_LEARNING_RATE, allow_inf_nan=False,
          description=f"α in w ← w − α·dE/dw, with 0 < α ≤ {MAX_LEARNING_RATE:g}"),
]
Seed = Integer(0, MAX_SEED)
# a layer's nodes: up to MAX_INPUTS, MAX_HIDDEN or MAX_OUTPUTS by its kind, checked by
# parse.network_fields, whose refusal names the kind of layer ("the input layer has at most 64
# nodes, not 65"); the schema says the widest of them as the maximum
NodeCount = Annotated[int, Field(ge=MIN_NODES, json_schema_extra={"maximum": WIDEST}),
                      BeforeValidator(_integral)]
LayerIndex = Integer(0, MAX_LAYERS - 1)
NodeIndex = Integer(0, WIDEST - 1)
SourceIndex = Integer(0, FEEDING - 1)  # i of weights[k][i][j]: a node of layer k
TargetIndex = Integer(0, FED - 1)  # j of weights[k][i][j] and biases[k][j]: of layer k+1
StepCount = Integer(0, MAX_STEP)
DatasetSize = Integer(1, MAX_DATASET_SIZE)
Noise = Share(MAX_NOISE, "0 (none) … 1 (much) scatter")
TestFraction = Share(MAX_TEST_FRACTION, "the share of points held out for testing")
L2Rate = Share(MAX_L2, "L2 rate λ: each update adds λ·w to dE/dw")
L1Rate = Share(MAX_L1, "L1 rate λ₁: each update adds λ₁·sign(w) to dE/dw")


def Decay(description: str) -> Any:  # noqa: N802 (a type, read as one)
    """A decay rate in [0, 1) (−0.0 taken as 0.0)."""
    return Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False, description=description),
                     AfterValidator(lambda v: v + 0.0)]


Epsilon = Annotated[float, Field(ge=MIN_EPSILON, le=MAX_EPSILON, allow_inf_nan=False,
                                 description="Adam's ε in w ← w − α·m̂ / (√ŝ + ε)")]
# weights[k][i]: one per node of layer k+1 (a hidden or the output layer); weights[k]: one row
# per node of layer k (the input or a hidden layer); biases[k]: one per node of layer k+1
Row = Annotated[list[Value], Field(max_length=FED)]
Matrices = Annotated[list[Annotated[list[Row], Field(max_length=FEEDING)]],
                     Field(max_length=MAX_LAYERS - 1)]
Vectors = Annotated[list[Row], Field(max_length=MAX_LAYERS - 1)]


class Strict(BaseModel):
    """Unknown fields are refused, so that a misspelt setting is a 422, not silently ignored;
    types are strict, so that true or "0.5" is not taken for a number."""

    model_config = ConfigDict(extra="forbid", strict=True)


class NetworkSettings(Strict):
    """The settings a network may change while it keeps its weights."""

    activation: ActivationName = Field(DEFAULT_ACTIVATION,
                                       description="activation of the hidden layers")
    output_activation: ActivationName = Field(DEFAULT_OUTPUT_ACTIVATION,
                                              description="activation of the output layer")
    loss: LossName = Field(DEFAULT_LOSS, description="cross_entropy needs a sigmoid output")
    learning_rate: LearningRate = DEFAULT_LEARNING_RATE
    l2: L2Rate = DEFAULT_L2
    l1: L1Rate = 0.0
    optimizer: OptimizerName = Field(
        "sgd", description="sgd (plain gradient descent), momentum or adam; another "
                           "optimizer starts from a fresh state")
    momentum: Decay("momentum's β in v ← β·v + g") = DEFAULT_MOMENTUM
    beta1: Decay("Adam's β₁ in m ← β₁·m + (1 − β₁)·g") = DEFAULT_BETA1
    beta2: Decay("Adam's β₂ in s ← β₂·s + (1 − β₂)·g²") = DEFAULT_BETA2
    epsilon: Epsilon = DEFAULT_EPSILON


def _each_optional(base: type[BaseModel], name: str, doc: str) -> Any:
    """A model with `base`'s fields, each optional with null (or absent) for unchanged."""
    fields: dict[str, Any] = {}
    for field, info in base.model_fields.items():
        kind = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        fields[field] = (kind | None, Field(None, description=info.description))
    return create_model(name, __base__=Strict, __doc__=doc, __module__=__name__, **fields)


NetworkUpdate = _each_optional(NetworkSettings, "NetworkUpdate",
                               "Settings to change (PATCH); null or absent: unchanged.")


class StateSlot(Strict):
    """One array of an optimizer's state per parameter, shaped as the weights and biases."""

    weights: Matrices
    biases: Vectors


class OptimizerStateIn(Strict):
    """To resume a network: its optimizer's state (v for momentum; m and s for adam)."""

    t: StepCount = Field(description="updates the optimizer has made")
    v: StateSlot | None = Field(None, description="momentum's velocity")
    m: StateSlot | None = Field(None, description="Adam's first moment")
    s: Annotated[StateSlot, Field(description="Adam's second moment")] | None = None


class NetworkCreate(NetworkSettings):
    """A new network; every field is optional."""

    layers: list[NodeCount] = Field(
        default=list(DEFAULT_LAYERS), min_length=MIN_LAYERS, max_length=MAX_LAYERS,
        description="node counts per layer, input first (the input layer counts the raw "
                    "inputs, then the features)")
    features: list[FeatureName] = Field(
        default=[], max_length=MAX_NODES - 1,
        description="derived inputs, each an input node after the raw ones, in this order: "
                    "x1_squared (x₁²), x2_squared (x₂²), x1_x2 (x₁·x₂), sin_x1 (sin x₁), "
                    "sin_x2 (sin x₂); the ones of x₂ need 2 raw inputs. A sample's input holds "
                    "the raw inputs only (layers[0] − the features)")
    seed: Seed | None = Field(None, description="seed of the initial weights; random if omitted")
    init: InitName = Field(
        "glorot_uniform", description="how the initial weights are drawn from the seed (when "
        "`weights` are not given): glorot_uniform, he_normal, small_uniform or zeros; every "
        "bias starts at 0.1")
    weights: Matrices | None = Field(
        None, description="initial weights[k][i][j], from node i of layer k to node j of "
                          "layer k+1 (what a reset restores)")
    biases: Vectors | None = Field(
        None, description="initial biases[k][j], the bias of node j of layer k+1")
    current_weights: Matrices | None = Field(
        None, description="to resume a network: its weights now, if not the initial ones")
    current_biases: Vectors | None = Field(None, description="to resume: its biases now")
    step: StepCount = Field(0, description="to resume: updates applied so far")
    samples_trained: StepCount = Field(
        0, description="to resume: samples trained on so far (the epoch counts on from it)")
    optimizer_state: OptimizerStateIn | None = Field(
        None, description="to resume: the optimizer's state (null: fresh)")


class Sample(Strict):
    """One sample: the input values and the target values (a point of a dataset too)."""

    input: list[Value] = Field(min_length=MIN_NODES, max_length=MAX_INPUTS,
                               description="one value per input node")
    target: list[Value] = Field(min_length=MIN_NODES, max_length=MAX_OUTPUTS,
                                description="one value per output node")


class ParameterValue(Strict):
    value: Value


def _exactly_one(*forms: dict[str, str]) -> dict[str, Any]:
    """The schema of a body that is one of `forms` (each: field → JSON type), exactly one:
    a field of a form is given when it is there and not null (null is taken as not given,
    as for every optional field)."""
    return {"oneOf": [{"required": list(form),
                       "properties": {name: {"type": kind} for name, kind in form.items()}}
                      for form in forms]}


class SampleOrBatch(Strict):
    """One sample (`input` and `target`) or a mini-batch (`samples`): exactly one of the two
    forms (the schema says so with oneOf; a null is taken as not given)."""

    model_config = ConfigDict(json_schema_extra=_exactly_one(
        {"input": "array", "target": "array"}, {"samples": "array"}))

    input: Annotated[list[Value], Field(min_length=MIN_NODES, max_length=MAX_INPUTS)] | None = (
        Field(None, description="one value per input node"))
    target: Annotated[list[Value], Field(min_length=MIN_NODES, max_length=MAX_OUTPUTS)] | None = (
        Field(None, description="one value per output node"))
    samples: Annotated[list[Sample], Field(min_length=1, max_length=MAX_STEP_BATCH)] | None = (
        Field(None, description="a mini-batch: E, dE/dw and dE/db are the means over its "
                                "samples"))


class DatasetCreate(Strict):
    """A built-in dataset by `name`, or the learner's own `points`: exactly one of the two
    (the schema says so with oneOf; a null is taken as not given). Size, noise and seed
    default to the page's default dataset; no points are held out unless asked."""

    model_config = ConfigDict(json_schema_extra=_exactly_one({"name": "string"},
                                                             {"points": "array"}))

    name: DatasetName | None = Field(
        None, description="1 input: line, step, sine, bump; 2 inputs: circle, xor, gaussians, "
                          "spiral (classes 0 and 1), plane, multi_gaussian (regression), "
                          "clusters3, spiral3 (3 classes, one-hot); 64 inputs: digits, the 8×8 "
                          "handwritten digits (10 classes, one-hot; size at most 1,797)")
    size: DatasetSize = Field(DATASET_DEFAULTS["size"], description="points generated")
    noise: Noise = DATASET_DEFAULTS["noise"]
    seed: Seed = DATASET_DEFAULTS["seed"]
    test_fraction: TestFraction = 0.0
    points: Annotated[list[Sample], Field(min_length=1, max_length=MAX_POINTS_PER_BODY)] | None = (
        Field(None, description="your own points (null or absent: a built-in dataset)"))


class PlottedNode(BaseModel):
    """The node whose output is plotted: node `node` of layer `layer`."""

    layer: LayerIndex | None = Field(
        None, description="the node's layer (default: the output layer)")
    node: NodeIndex = 0


class FunctionQuery(PlottedNode):
    """GET /function's query: which node, over how fine a grid."""

    resolution: Annotated[int, Field(ge=2, le=MAX_RESOLUTION)] = Field(
        DEFAULT_RESOLUTION, description="points per input axis")


class FunctionsQuery(BaseModel):
    """GET /functions' query: how fine a grid for every node's picture."""

    resolution: Annotated[int, Field(ge=2, le=MAX_THUMBNAIL_RESOLUTION)] = Field(
        DEFAULT_THUMBNAIL_RESOLUTION, description="points per input axis")


class TrainRequest(Strict, PlottedNode):
    steps: Integer(1, MAX_STEPS_PER_CALL) = Field(TRAINING_DEFAULTS["steps"],
                                                 description="updates to apply")
    batch_size: DatasetSize | None = Field(
        None, description="points per update; null (or absent) for the full batch")
    l2: L2Rate | None = Field(None, description="L2 rate λ of this call; null (or absent) "
                                                "for the network's own")
    resolution: Integer(0, MAX_RESOLUTION) = Field(
        0, description="if > 0, also return the plotted node's output over a grid this fine")
    functions_resolution: Integer(0, MAX_THUMBNAIL_RESOLUTION) = Field(
        0, description="if > 0, also return every node's output over a grid this fine "
                       "(`functions`, as GET /functions), from the new weights")


ColumnIndex = Integer(0, MAX_CSV_COLUMNS - 1)


class CsvRequest(Strict):
    """A CSV file's text; with `inputs` and `targets`, the columns that become the points."""

    text: str = Field(description="the file's text: input columns, then target columns, with "
                                  "or without a header row (bounded by the body's limit)")
    header: bool | None = Field(None, description="whether the first row names the columns "
                                                  "(null: guessed)")
    inputs: Annotated[list[ColumnIndex], Field(max_length=MAX_CSV_COLUMNS)] | None = Field(
        None, description="the input columns, by index from 0 (null: only read the file)")
    targets: Annotated[list[ColumnIndex], Field(max_length=MAX_CSV_COLUMNS)] | None = Field(
        None, description="the target columns, by index from 0")
    target_kind: Literal["numbers", "classes"] | None = Field(
        None, description="numbers (regression, or one-hot columns) or classes (one column of "
                          "labels, made one-hot); null: classes when the one target column "
                          "holds text")
    part: ColumnIndex | None = Field(
        None, description="a column of train and test saying which rows are held out, the "
                          "training rows then coming first (null: none)")
    standardize: bool = Field(False, description="z-scores of the inputs: (x − mean) / spread "
                                                 "over every row")
    test_fraction: TestFraction = Field(0.0, description="without a part column: the share "
                                                         "of rows held out, drawn by seed")
    seed: Seed = Field(0, description="draws the test rows (without a part column)")
