"""GET /api/options: the activations, losses, limits and defaults the API accepts."""

from __future__ import annotations

from fastapi import APIRouter

from ..engine.activations import ACTIVATIONS
from ..engine.datasets import GENERATORS, inputs_of
from ..engine.losses import LOSSES
from ..engine.mlp import MAX_LAYERS, MAX_NODES, MIN_LAYERS, MIN_NODES
from ..sessions import MAX_SEED
from .schemas import (
    MAX_ABS_VALUE,
    MAX_LEARNING_RATE,
    ActivationInfo,
    DatasetDefaults,
    DatasetInfo,
    Limits,
    LossInfo,
    NetworkCreate,
    Options,
    TrainingDefaults,
)

router = APIRouter(prefix="/api", tags=["options"])


@router.get("/health")
def health() -> dict[str, str]:
    """A no-op: answers at once (for readiness checks, and as the benchmark's baseline)."""
    return {"status": "ok"}


@router.get("/options")
def read_options() -> Options:
    """Names and formulas of every activation and loss, the built-in datasets, the limits,
    and the defaults."""
    return Options(
        activations=[ActivationInfo(name=a.name, formula=a.formula,
                                    derivative_formula=a.derivative_formula)
                     for a in ACTIVATIONS.values()],
        losses=[LossInfo(name=loss.name, formula=loss.formula,
                         derivative_formula=loss.derivative_formula,
                         requires_output_activation=loss.requires_output)
                for loss in LOSSES.values()],
        datasets=[DatasetInfo(name=name, inputs=inputs_of(name)) for name in GENERATORS],  # type: ignore[arg-type]
        limits=Limits(min_layers=MIN_LAYERS, max_layers=MAX_LAYERS, min_nodes=MIN_NODES,
                      max_nodes=MAX_NODES, max_abs_value=MAX_ABS_VALUE,
                      max_learning_rate=MAX_LEARNING_RATE, max_seed=MAX_SEED,
                      max_steps_per_call=10_000, max_dataset_size=10_000,
                      max_points_per_body=2000, max_resolution=100, max_l2=1, max_noise=1,
                      max_test_fraction=0.9, plot_domain=[-1.25, 1.25], max_step=10**12),
        defaults=NetworkCreate(),
        dataset_defaults=DatasetDefaults(name="sine", size=200, noise=0.1, seed=0,
                                         test_fraction=0.2),
        training_defaults=TrainingDefaults(batch_size=32, l2=0.0, steps=100),
    )
