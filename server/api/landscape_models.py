"""The loss landscape's request and response models (POST /api/networks/{id}/landscape)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from ..limits import (
    DEFAULT_LANDSCAPE_RESOLUTION,
    DEFAULT_LANDSCAPE_SPAN,
    MAX_LANDSCAPE_RESOLUTION,
    MAX_LANDSCAPE_SPAN,
    MAX_LAYERS,
    MIN_LANDSCAPE_RESOLUTION,
)
from .requests import Integer, SourceIndex, Strict, TargetIndex


class WeightRef(Strict):
    """weights[k][i][j]: from node i of layer k to node j of layer k+1."""

    kind: Literal["weight"]
    k: Integer(0, MAX_LAYERS - 2)
    i: SourceIndex
    j: TargetIndex


class BiasRef(Strict):
    """biases[k][j]: the bias of node j of layer k+1."""

    kind: Literal["bias"]
    k: Integer(0, MAX_LAYERS - 2)
    j: TargetIndex


ParameterRefIn = Annotated[WeightRef | BiasRef, Field(discriminator="kind")]


class LandscapeRequest(Strict):
    """E over a grid of two parameters, a0 ± span × b0 ± span, every other one fixed."""

    a: ParameterRefIn = Field(description="the parameter along the columns")
    b: ParameterRefIn = Field(description="the parameter along the rows")
    over: Literal["sample", "train"] = Field(
        "sample", description="the current pass's sample(s), or the mean over the training set")
    resolution: Integer(MIN_LANDSCAPE_RESOLUTION, MAX_LANDSCAPE_RESOLUTION) = Field(
        DEFAULT_LANDSCAPE_RESOLUTION, description="points per parameter axis")
    span: float = Field(DEFAULT_LANDSCAPE_SPAN, gt=0, le=MAX_LANDSCAPE_SPAN,
                        allow_inf_nan=False,
                        description="each parameter from its value − span to its value + span")


class LandscapePoint(BaseModel):
    a: float
    b: float
    E: float


class LandscapeGradient(BaseModel):
    a: float = Field(description="∂E/∂a at the current point, by backprop")
    b: float = Field(description="∂E/∂b at the current point, by backprop")


class LandscapeOut(BaseModel):
    a: WeightRef | BiasRef
    b: WeightRef | BiasRef
    over: Literal["sample", "train"]
    a_values: list[float]
    b_values: list[float]
    E: list[list[float]] = Field(description="E[r][c]: at b_values[r] and a_values[c]")
    current: LandscapePoint
    gradient: LandscapeGradient
