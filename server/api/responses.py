"""What the server answers: the response models of the HTTP API (docs/api.md)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

from ..engine.activations import ActivationName
from ..engine.datasets import DatasetName
from ..engine.features import FeatureName
from ..engine.losses import LossName
from ..engine.mlp import InitName
from .requests import NetworkCreate, Sample


class DatasetOut(BaseModel):
    name: DatasetName | None = Field(description="null for the learner's own points")
    size: int
    noise: float
    seed: int
    test_fraction: float
    train: list[Sample]
    test: list[Sample]


class LossPoint(BaseModel):
    step: int
    loss: float


class FitOut(BaseModel):
    step: int = Field(description="updates applied to the weights measured")
    train_loss: float | None = Field(description="E over the training points (their mean); "
                                                 "null without any")
    test_loss: float | None = Field(description="E over the test points; null without any")
    train_accuracy: float | None = Field(
        description="with a softmax output, the share of training points whose largest output "
                    "is their target's class (argmax y = argmax t); otherwise the share whose "
                    "every output is on its target's side of 0.5 (y ≥ 0.5 for a target of 1), "
                    "null unless every target is 0 or 1")
    test_accuracy: float | None = Field(description="the same over the test points")
    train_confusion: list[list[int]] | None = Field(
        None, description="with a softmax output, the training points counted by true class "
                          "(row: argmax t) and predicted class (column: argmax y); else null")
    test_confusion: list[list[int]] | None = Field(None, description="the same over the test "
                                                                     "points")


class FunctionOut(BaseModel):
    layer: int
    node: int
    inputs: int = Field(description="1: values[c]; 2: values[r][c], row r at x2, column c at x1")
    domain: list[float] = Field(description="[low, high] of every input axis")
    resolution: int
    values: list[float] | list[list[float]]
    classes: list[list[int]] | None = Field(
        None, description="with a softmax output and 2 inputs: each grid point's winning class "
                          "(argmax y), rows as values'; else null")
    confidence: list[list[float]] | None = Field(
        None, description="with classes: the winning class's probability y at each point")


class FunctionsOut(BaseModel):
    inputs: int = Field(description="1: values[l][j][c]; 2: values[l][j][r][c], row r at x2, "
                                    "column c at x1")
    domain: list[float] = Field(description="[low, high] of every input axis")
    resolution: int
    values: list[list[list[float] | list[list[float]]]] = Field(
        description="values[l][j]: node j of layer l over the grid; values[0] (the input "
                    "layer) is empty unless the network has derived features: then each "
                    "input node's value, the raw inputs' and the features'")


class TrainOut(BaseModel):
    id: str
    step: int = Field(description="updates applied so far, this call's included")
    steps: int = Field(description="updates this call applied: the steps asked for, or fewer "
                                   "if the call reached its time limit (about 1 s) first")
    samples_trained: int = Field(description="samples trained on since the last reset")
    epoch: float = Field(description="samples_trained / training points")
    history: list[LossPoint] = Field(description="mini-batch E at up to 200 of this call's "
                                                 "steps")
    train_loss: float = Field(description="E over the whole training set, after the call")
    seconds: float = Field(description="the time the server spent training in this call")
    test_loss: float | None = Field(description="E over the test set; null without one")
    train_accuracy: float | None = Field(
        description="as /fit says it: argmax y = argmax t with a softmax output, else every "
                    "output on its target's side of 0.5 (null unless every target is 0 or 1)")
    test_accuracy: float | None = Field(description="the same over the test set")
    train_confusion: list[list[int]] | None = Field(
        None, description="with a softmax output, the training points by true class (row) "
                          "and predicted class (column); else null")
    test_confusion: list[list[int]] | None = Field(None, description="the same over the test "
                                                                     "set")
    weights: list[list[list[float]]]
    biases: list[list[float]]
    function: FunctionOut | None = None
    functions: FunctionsOut | None = Field(
        None, description="every node's output, with functions_resolution > 0")
    optimizer_state: OptimizerStateOut | None = Field(
        None, description="with momentum or adam, the optimizer's state after the call (as "
                          "the network's state says it); null with plain descent")
    gradient_sizes: list[float] = Field(
        description="per weight layer k, the mean |dE/dw| over its weights, on the call's last "
                    "mini-batch before its update (vanishing or exploding gradients)")


class SlotsOut(BaseModel):
    """A parameter's optimizer state: momentum's velocity v, or Adam's moments m and s."""

    v: float | None = None
    m: float | None = None
    s: float | None = None

    @model_serializer(mode="wrap")
    def _kept_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {k: v for k, v in handler(self).items() if v is not None}


STATE_BEFORE = Field(None, description="update phase with momentum or adam: the parameter's "
                                       "optimizer state before the update (v, or m and s)")
STATE_AFTER = Field(None, description="update phase with momentum or adam: its state after")


class WithState(BaseModel):
    """A node or weight of a trace: its optimizer state is there only where a trace has one
    (an update of momentum or adam), in JSON as in the answers written by trace_json."""

    state_before: SlotsOut | None = STATE_BEFORE
    state: SlotsOut | None = STATE_AFTER

    @model_serializer(mode="wrap")
    def _without_absent_state(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out = handler(self)
        if out.get("state") is None:
            out.pop("state", None)
            out.pop("state_before", None)
        return out


class NodeOut(WithState):
    x: float
    y: float
    b: float | None = Field(description="the node's bias; null for input nodes")
    dE_dy: float | None
    dE_dx: float | None
    dE_db: float | None
    b_before: float | None = Field(None, description="update phase: the bias before it")


class WeightOut(WithState):
    w: float
    dE_dw: float | None
    w_before: float | None = Field(None, description="update phase: the weight before it")


class SampleNodeOut(BaseModel):
    x: float
    y: float
    dE_dy: float | None
    dE_dx: float | None
    dE_db: float | None = Field(description="this sample's dE/db (= dE/dx); null for input "
                                            "nodes and before the backward pass")


class SampleTraceOut(BaseModel):
    """One sample of a mini-batch: its own numbers, whose means are the trace's."""

    input: list[float]
    target: list[float]
    error: float
    error_after: float | None = Field(description="E after the update; null before it")
    nodes: list[list[SampleNodeOut]]
    dE_dw: list[list[list[float]]] | None = Field(
        description="dE_dw[k][i][j] of this sample; null before the backward pass")


class OptimizerOut(BaseModel):
    name: Literal["sgd", "momentum", "adam"]
    momentum: float = Field(description="momentum's β")
    beta1: float = Field(description="Adam's β₁")
    beta2: float = Field(description="Adam's β₂")
    epsilon: float = Field(description="Adam's ε")


class StateSlotOut(BaseModel):
    weights: list[list[list[float]]]
    biases: list[list[float]]


class OptimizerStateOut(BaseModel):
    """The optimizer's state for the next update (what POST /api/networks takes back as
    `optimizer_state` to resume)."""

    t: int = Field(description="updates the optimizer has made")
    v: StateSlotOut | None = Field(None, description="momentum's velocity per parameter")
    m: StateSlotOut | None = Field(None, description="Adam's first moment per parameter")
    s: StateSlotOut | None = Field(None, description="Adam's second moment per parameter")


class TraceOut(BaseModel):
    id: str
    step: int = Field(description="updates applied so far")
    phase: Literal["forward", "backward", "update"]
    learning_rate: float
    l2: float = Field(description="the L2 rate λ of the update: w ← w − α·(dE/dw + λ·w)")
    l1: float = Field(0.0, description="the L1 rate λ₁ of the update: it adds λ₁·sign(w)")
    optimizer: OptimizerOut = Field(description="the rule of the update and its constants")
    t: int | None = Field(None, description="update phase: the updates the optimizer has made, "
                                            "this one included (Adam's t)")
    input: list[float]
    target: list[float]
    error: float = Field(description="E of the forward pass")
    error_after: float | None = Field(
        None, description="update phase: E on the same sample with the updated weights")
    nodes: list[list[NodeOut]] = Field(description="nodes[l][j]: node j of layer l")
    weights: list[list[list[WeightOut]]] = Field(
        description="weights[k][i][j]: from node i of layer k to node j of layer k+1")
    gradient_sizes: list[float] | None = Field(
        None, description="per weight layer k, the mean |dE_dw| over its weights; null before "
                          "the backward pass")
    samples: list[SampleTraceOut] | None = Field(
        None, description="null for one sample; for a mini-batch, each sample's numbers (the "
                          "top-level input, target, x, y, dE_dy and dE_dx are sample 0's; "
                          "error, error_after, dE_dw and dE_db the means over the batch)")


class NetworkOut(BaseModel):
    id: str
    layers: list[int]
    features: list[FeatureName] = Field(
        description="the derived inputs after the raw ones, in the input layer's order "
                    "(layers[0] counts the raw inputs and these)")
    activation: ActivationName
    output_activation: ActivationName
    loss: LossName
    learning_rate: float
    l2: float = Field(description="the L2 rate λ of every update (biases have none)")
    l1: float = Field(description="the L1 rate λ₁ of every update (biases have none)")
    optimizer: Literal["sgd", "momentum", "adam"]
    momentum: float = Field(description="momentum's β")
    beta1: float = Field(description="Adam's β₁")
    beta2: float = Field(description="Adam's β₂")
    epsilon: float = Field(description="Adam's ε")
    optimizer_state: OptimizerStateOut = Field(
        description="the optimizer's state: t, and v (momentum) or m and s (adam)")
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
    step: int = Field(description="updates applied to the network so far")
    weights: Literal["current", "before_update"] = Field(
        description="the weights checked: the current ones, or (after an update) the ones "
                    "before it, whose dE/dw the update trace shows")
    weights_step: int = Field(description="updates that had been applied to the weights "
                                          "checked")
    input: list[float]
    target: list[float]
    error: float
    h: float = Field(description="the step of the central difference (E(p+h) − E(p−h)) / 2h")
    entries: list[GradientCheckEntry]
    max_relative_difference: float


class InitInfo(BaseModel):
    name: InitName
    title: str
    formula: str = Field(description="how one weight of a layer is drawn, from the layer's "
                                     "fan-in n_in and fan-out n_out")


class ActivationInfo(BaseModel):
    name: ActivationName
    formula: str
    derivative_formula: str
    output_only: bool = Field(False, description="true for softmax: it couples the nodes of "
                              "a layer, so it is an output activation only")


class LossInfo(BaseModel):
    name: LossName
    formula: str
    derivative_formula: str
    requires_output_activation: str | None
    target_range: list[float] | None = Field(
        None, description="[low, high]: every target must lie in it under this loss, if given")
    target_sum: float | None = Field(
        None, description="what each sample's targets must add up to (within 1e-9), if given")


class DatasetInfo(BaseModel):
    name: DatasetName
    inputs: int = Field(description="input nodes the network needs")
    outputs: int = Field(1, description="output nodes the network needs: 1, or the number of "
                         "classes of a dataset with one-hot targets")
    max_size: int = Field(description="the most points it gives (`size`): its images for real "
                          "data, else max_dataset_size")
    image: list[int] | None = Field(None, description="[rows, columns] if the inputs are the "
                                    "pixels of an image, row by row from the top left (input "
                                    "columns·r + c is row r, column c); else null")
    classes: list[str] | None = Field(None, description="the name of each output (class k "
                                      "is output k), for real data; else null")
    source: str | None = Field(None, description="where real data comes from, and its "
                               "licence; null for the generated sets")


class Limits(BaseModel):
    min_layers: int
    max_layers: int
    min_nodes: int
    max_nodes: int = Field(description="the most nodes of a layer the page draws as cards "
                           "(a wider one as a grid of tiles); the most input columns of a CSV "
                           "file")
    max_inputs: int = Field(description="the most nodes of the input layer (raw inputs and "
                                        "features): the 64 pixels of an 8×8 image")
    max_hidden: int = Field(description="the most nodes of a hidden layer")
    max_outputs: int = Field(description="the most nodes of the output layer (classes of a "
                                         "softmax output)")
    max_point_numbers: int = Field(description="the most numbers (inputs and targets "
                                               "together) of the points in one request")
    max_abs_value: float
    max_learning_rate: float
    max_seed: int
    max_step: int = Field(description="the most updates a resumed network may claim")
    max_steps_per_call: int
    max_dataset_size: int
    max_points_per_body: int
    max_body_bytes: int = Field(
        description="the largest request body (and Play message), in bytes: "
                    "max_point_numbers numbers of points, or a resumed network of the widest "
                    "shape with Adam's state, written in full, fit in it (more: 413)")
    max_resolution: int
    max_thumbnail_resolution: int = Field(description="GET /functions' finest grid")
    min_landscape_resolution: int
    max_landscape_resolution: int
    max_landscape_span: float
    max_step_batch: int = Field(description="samples in one forward or step")
    max_l2: float
    max_l1: float
    min_epsilon: float
    max_epsilon: float
    max_noise: float
    max_test_fraction: float
    plot_domain: list[float] = Field(description="[low, high] of every input axis of the plot")
    play_frames_ahead: int = Field(
        description="Play: the most frames the server sends before the page acknowledges them")
    max_heavy_calls_per_client: int = Field(
        description="calls that train, plot or read data one client may have waiting or "
                    "running at once, per server process (more: 429 with Retry-After)")
    max_heavy_queue: int = Field(
        description="such calls waiting for the server, per process (more: 503 with "
                    "Retry-After)")
    max_creations_at_once: int = Field(
        description="networks one client may create at once (more: 429 with Retry-After)")
    max_creations_per_second: float = Field(
        description="... and then a second, across every worker")
    idempotency_seconds: int = Field(
        description="how long the answer to a call with an Idempotency-Key is kept for its "
                    "retries")
    max_lesson_title: int = Field(description="a lesson's title, in characters")
    max_lesson_text: int = Field(description="a lesson's text, in characters")
    max_lesson_steps: int = Field(description="a lesson's steps")
    max_lesson_step: int = Field(description="one step of a lesson, in characters")
    max_csv_rows: int = Field(description="rows of data in a CSV file (besides a header)")
    max_csv_columns: int = Field(description="columns of a CSV file")
    max_csv_label: int = Field(description="characters of a class label in a CSV file")


class DatasetDefaults(BaseModel):
    name: DatasetName
    size: int
    noise: float
    seed: int
    test_fraction: float


class TrainingDefaults(BaseModel):
    batch_size: int | None
    l2: float
    steps: int
    steps_per_frame: int | None = Field(
        description="Play's updates per frame (null: as many as fit a frame)")


class OptimizerInfo(BaseModel):
    name: Literal["sgd", "momentum", "adam"]
    title: str
    formula: str = Field(description="the rule, with g = dE/dw + λ₂·w + λ₁·sign(w) (a bias: "
                                     "g = dE/db)")
    state: list[str] = Field(description="what it keeps per weight and bias between updates")


class FeatureInfo(BaseModel):
    name: FeatureName
    formula: str = Field(description="its value, from the raw inputs x₁ and x₂")
    formula_one_input: str | None = Field(
        description="its value when the data have one input x; null if it needs x₂")
    reads: list[int] = Field(description="the raw inputs it is computed from (1-based)")


class Options(BaseModel):
    activations: list[ActivationInfo]
    losses: list[LossInfo]
    initializations: list[InitInfo] = Field(description="how a new network's weights may be "
                                                       "drawn (`init`), the default first")
    optimizers: list[OptimizerInfo] = Field(description="the update rules, the default first")
    features: list[FeatureInfo] = Field(description="the derived inputs a network may add, in "
                                                   "the input layer's order")
    datasets: list[DatasetInfo]
    limits: Limits
    defaults: NetworkCreate = Field(description="what POST /api/networks assumes")
    dataset_defaults: DatasetDefaults = Field(description="the page's default dataset")
    training_defaults: TrainingDefaults = Field(description="the page's default training")


class ErrorItem(BaseModel):
    field: str
    message: str


class ErrorOut(BaseModel):
    detail: str = Field(description="what went wrong, in plain words, naming the field")
    errors: list[ErrorItem] | None = None


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    store: Literal["memory", "redis"] = Field(description="where the networks are kept")
    detail: str | None = Field(None, description="when degraded: what cannot be reached")


class CsvColumn(BaseModel):
    index: int = Field(description="from 0")
    name: str = Field(description="the header's name, or \"column k\" (k from 1)")
    kind: Literal["number", "label", "part"] = Field(
        description="number: every value a number; part: train and test, named part; label: "
                    "any other")
    labels: list[str] | None = Field(description="a label or part column's different values "
                                                 "(the first 20, in class order); null for "
                                                 "numbers")
    distinct: int = Field(description="how many different values the column holds")


class CsvChoice(BaseModel):
    inputs: list[int]
    targets: list[int]
    target_kind: Literal["numbers", "classes"]
    part: int | None


class CsvDataset(BaseModel):
    problem: Literal["regression", "classes"] = Field(
        description="classes: one-hot targets, for a softmax output with categorical cross "
                    "entropy; regression: numbers")
    classes: list[str] | None = Field(description="class k's label (output node k), in order")
    inputs: list[str] = Field(description="the input columns' names")
    targets: list[str] = Field(description="the target columns' names")
    points: list[Sample] = Field(description="ready for PUT /api/networks/N/dataset: the "
                                             "training rows first, then the test rows")
    test_fraction: float | None = Field(description="the share of test rows (null: the file "
                                                    "says none)")
    means: list[float] | None = Field(description="standardized: each input's mean, over "
                                                  "every row")
    spreads: list[float] | None = Field(description="standardized: each input's standard "
                                                    "deviation (0: centred only)")
    notes: list[str]


class CsvOut(BaseModel):
    separator: Literal["comma", "tab", "semicolon"]
    header: bool = Field(description="whether the first row was taken for names")
    rows: int = Field(description="rows of data (besides the header)")
    columns: list[CsvColumn]
    first_rows: list[list[str]] = Field(description="the first rows' cells as written (each "
                                                    "cut at 60 characters)")
    first_lines: list[int] = Field(description="the line each of those rows is on, from 1")
    suggested: CsvChoice = Field(description="the columns the page proposes")
    dataset: CsvDataset | None = Field(description="with inputs and targets chosen: the points")
