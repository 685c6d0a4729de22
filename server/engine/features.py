"""Derived input features, as in TensorFlow Playground: x₁², x₂², x₁·x₂, sin x₁ and sin x₂,
each an extra input node computed from the raw inputs (x₁ and x₂, or x alone).

A network with features has layers[0] = its raw inputs + its features: the input layer's
nodes are the raw inputs in order, then the features in the order the network names them.
Samples, datasets and plot grids hold the raw inputs only; `expand` derives the rest before
each pass, so that a derived node is an input node like any other (no activation: its x and
y are its value) and the weights out of it learn as any weight does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .activations import Array

FeatureName = Literal["x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"]


@dataclass(frozen=True)
class Feature:
    """A derived input: its name in the API, its formula (for 2 raw inputs, and for 1),
    the raw inputs it reads (1-based), and its value over a batch of raw inputs."""

    name: str
    formula: str
    formula_1: str | None  # the formula when the data have one input (x), if it applies
    reads: tuple[int, ...]
    value: Callable[[Array], Array]  # (batch, n_raw) → (batch,)


FEATURES: dict[str, Feature] = {f.name: f for f in (
    Feature("x1_squared", "x₁²", "x²", (1,), lambda X: X[:, 0] * X[:, 0]),
    Feature("x2_squared", "x₂²", None, (2,), lambda X: X[:, 1] * X[:, 1]),
    Feature("x1_x2", "x₁·x₂", None, (1, 2), lambda X: X[:, 0] * X[:, 1]),
    Feature("sin_x1", "sin x₁", "sin x", (1,), lambda X: np.sin(X[:, 0])),
    Feature("sin_x2", "sin x₂", None, (2,), lambda X: np.sin(X[:, 1])),
)}


def feature_problem(features: tuple[str, ...], inputs: int) -> str | None:
    """Why these features cannot go with `inputs` raw inputs, or None if they can."""
    seen: set[str] = set()
    for name in features:
        feature = FEATURES.get(name)
        if feature is None:
            return f"'{name}' is not a feature: choose from {', '.join(FEATURES)}"
        if name in seen:
            return f"'{name}' is named twice: each feature is one input node"
        seen.add(name)
        if max(feature.reads) > inputs:
            return (f"{name} ({feature.formula}) reads input {max(feature.reads)}, but the data "
                    f"have {inputs} input{'' if inputs == 1 else 's'}")
    return None


def expand(features: tuple[str, ...], X: Array) -> Array:
    """The input layer's values: the raw inputs X (batch, n_raw), then each feature's."""
    if not features:
        return X
    with np.errstate(over="ignore", invalid="ignore"):  # the caller checks what is finite
        return np.column_stack([X, *(FEATURES[name].value(X) for name in features)])
