"""GET /api/options: the activations, losses, limits and defaults the API accepts."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from .. import limits
from ..engine.activations import ALL_ACTIVATIONS
from ..engine.datasets import DIGITS_SIDE, GENERATORS, inputs_of, max_size_of, outputs_of
from ..engine.features import FEATURES
from ..engine.losses import LOSSES
from ..engine.mlp import INITIALIZERS
from ..engine.optimizers import DESCRIPTIONS
from ..errors import StoreUnavailable
from .errors import answer_for
from .requests import NetworkCreate
from .responses import (
    ActivationInfo,
    DatasetDefaults,
    DatasetInfo,
    FeatureInfo,
    Health,
    InitInfo,
    Limits,
    LossInfo,
    OptimizerInfo,
    Options,
    TrainingDefaults,
)

router = APIRouter(prefix="/api", tags=["options"])


@router.get("/health", response_model=Health,
            responses={503: {"model": Health, "description": "The store cannot be reached"}})
async def health(request: Request) -> Response:
    """Whether the server can serve: {"status": "ok", "store": "memory" or "redis"}, or, when
    the store of networks (Redis) cannot be reached, 503 with "status": "degraded" and why.
    It answers on the event loop and never waits for a thread or for heavy work (with the
    memory store it is a no-op: the benchmark's baseline; with Redis, one ping)."""
    store = request.app.state.calls.store
    try:
        await store.health()
    except StoreUnavailable as error:
        answer = answer_for(error)
        assert answer is not None
        return JSONResponse({"status": "degraded", "store": store.kind, **answer.body},
                            status_code=503, headers=answer.headers)
    return JSONResponse({"status": "ok", "store": store.kind})


# What the page needs to know of the sets of real data (server/engine/data/README.md).
REAL_DATA: dict[str, dict[str, object]] = {
    "digits": {"image": [DIGITS_SIDE, DIGITS_SIDE], "classes": [str(k) for k in range(10)],
               "source": "UCI ML Repository, Optical Recognition of Handwritten Digits "
                         "(E. Alpaydin, C. Kaynak, 1998), as shipped by scikit-learn; "
                         "CC BY 4.0"},
}

LIMITS = Limits(
    min_layers=limits.MIN_LAYERS, max_layers=limits.MAX_LAYERS, min_nodes=limits.MIN_NODES,
    max_nodes=limits.MAX_NODES, max_inputs=limits.MAX_INPUTS, max_hidden=limits.MAX_HIDDEN,
    max_outputs=limits.MAX_OUTPUTS, max_point_numbers=limits.MAX_POINT_NUMBERS,
    max_abs_value=limits.MAX_ABS_VALUE,
    max_learning_rate=limits.MAX_LEARNING_RATE, max_seed=limits.MAX_SEED,
    max_step=limits.MAX_STEP, max_steps_per_call=limits.MAX_STEPS_PER_CALL,
    max_dataset_size=limits.MAX_DATASET_SIZE, max_points_per_body=limits.MAX_POINTS_PER_BODY,
    max_body_bytes=limits.MAX_BODY_BYTES,
    max_resolution=limits.MAX_RESOLUTION, max_step_batch=limits.MAX_STEP_BATCH,
    max_thumbnail_resolution=limits.MAX_THUMBNAIL_RESOLUTION,
    min_landscape_resolution=limits.MIN_LANDSCAPE_RESOLUTION,
    max_landscape_resolution=limits.MAX_LANDSCAPE_RESOLUTION,
    max_landscape_span=limits.MAX_LANDSCAPE_SPAN,
    max_l2=limits.MAX_L2, max_l1=limits.MAX_L1, min_epsilon=limits.MIN_EPSILON,
    max_epsilon=limits.MAX_EPSILON, max_noise=limits.MAX_NOISE,
    max_test_fraction=limits.MAX_TEST_FRACTION, plot_domain=list(limits.PLOT_DOMAIN),
    play_frames_ahead=limits.MAX_UNACKED_FRAMES,
    max_heavy_calls_per_client=limits.MAX_HEAVY_PER_CLIENT,
    max_heavy_queue=limits.MAX_HEAVY_QUEUE,
    max_creations_at_once=limits.CREATE_BURST,
    max_creations_per_second=limits.CREATE_PER_SECOND,
    idempotency_seconds=limits.IDEMPOTENCY_SECONDS,
    max_lesson_title=limits.MAX_LESSON_TITLE, max_lesson_text=limits.MAX_LESSON_TEXT,
    max_lesson_steps=limits.MAX_LESSON_STEPS, max_lesson_step=limits.MAX_LESSON_STEP,
    max_csv_rows=limits.MAX_CSV_ROWS, max_csv_columns=limits.MAX_CSV_COLUMNS,
    max_csv_label=limits.MAX_CSV_LABEL,
)


@router.get("/options")
def read_options() -> Options:
    """Names and formulas of every activation and loss, the built-in datasets, the limits,
    and the defaults: of a new network, and the page's default dataset and training."""
    return Options(
        activations=[ActivationInfo(name=a.name, formula=a.formula,
                                    derivative_formula=a.derivative_formula,
                                    output_only=a.coupled)
                     for a in ALL_ACTIVATIONS.values()],
        losses=[LossInfo(name=loss.name, formula=loss.formula,
                         derivative_formula=loss.derivative_formula,
                         requires_output_activation=loss.requires_output,
                         target_range=(list(loss.target_range) if loss.target_range else None),
                         target_sum=loss.target_sum)
                for loss in LOSSES.values()],
        initializations=[InitInfo(name=i.name, title=i.title, formula=i.formula)
                         for i in INITIALIZERS.values()],
        optimizers=[OptimizerInfo(name=name, title=title, formula=formula, state=list(state))  # type: ignore[arg-type]
                    for name, (title, formula, state) in DESCRIPTIONS.items()],
        features=[FeatureInfo(name=f.name, formula=f.formula, formula_one_input=f.formula_1,  # type: ignore[arg-type]
                              reads=list(f.reads)) for f in FEATURES.values()],
        datasets=[DatasetInfo(name=name, inputs=inputs_of(name), outputs=outputs_of(name),  # type: ignore[arg-type]
                              max_size=max_size_of(name), **REAL_DATA.get(name, {}))
                  for name in GENERATORS],
        limits=LIMITS,
        defaults=NetworkCreate(),
        dataset_defaults=DatasetDefaults(**limits.DATASET_DEFAULTS),
        training_defaults=TrainingDefaults(**limits.TRAINING_DEFAULTS),
    )
