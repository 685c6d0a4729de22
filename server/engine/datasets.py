"""Built-in datasets, deterministic by seed, and the train/test split.

Inputs live in [−1, 1] (per coordinate) before noise; targets in [0, 1], so that a sigmoid
output can fit them. 1-input sets are regression curves; 2-input sets are TensorFlow
Playground's four classification sets, with targets 0 and 1, and its two regression sets
(a plane, and bumps up and down: multi_gaussian), with targets in [0, 1]; and two sets of 3 classes
(three Gaussian clusters, a three-arm spiral), with one-hot targets of 3 outputs, for a
softmax output. And one set of real data: `digits`, the 8×8 handwritten digits of the UCI
ML Repository (data/README.md), 64 inputs in [0, 1] and 10 one-hot classes.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np

from .activations import Array

DatasetName = Literal["line", "step", "sine", "bump", "circle", "xor", "gaussians", "spiral",
                      "clusters3", "spiral3", "plane", "multi_gaussian", "digits"]

MAX_SIZE = 10_000


@dataclass(frozen=True)
class Points:
    """X is (n, n_inputs); T is (n, n_outputs)."""

    X: Array
    T: Array

    def __len__(self) -> int:
        return int(self.X.shape[0])


def _curve(f: Callable[[Array], Array]) -> Callable[[int, float, np.random.Generator], Points]:
    def make(size: int, noise: float, rng: np.random.Generator) -> Points:
        x = rng.uniform(-1.0, 1.0, size=(size, 1))
        t = f(x) + rng.normal(0.0, 0.2 * noise, size=(size, 1))
        return Points(x, t)

    return make


def _circle(size: int, noise: float, rng: np.random.Generator) -> Points:
    inner = size // 2
    radius = np.concatenate([rng.uniform(0.0, 0.5, inner), rng.uniform(0.7, 1.0, size - inner)])
    angle = rng.uniform(0.0, 2 * np.pi, size)
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    T = (np.arange(size) < inner).astype(np.float64)[:, None]  # 1 inside, 0 on the ring
    return Points(X + rng.normal(0.0, 0.1 * noise, X.shape), T)


def _xor(size: int, noise: float, rng: np.random.Generator) -> Points:
    X = rng.uniform(-1.0, 1.0, size=(size, 2))
    X += np.sign(X) * 0.05  # a small gap at the axes, as in Playground
    T = (X[:, 0] * X[:, 1] > 0).astype(np.float64)[:, None]
    return Points(X + rng.normal(0.0, 0.1 * noise, X.shape), T)


def _gaussians(size: int, noise: float, rng: np.random.Generator) -> Points:
    half = size // 2
    spread = 0.15 + 0.25 * noise
    X = np.concatenate([rng.normal(0.45, spread, (half, 2)),
                        rng.normal(-0.45, spread, (size - half, 2))])
    T = (np.arange(size) < half).astype(np.float64)[:, None]
    return Points(X, T)


def _spiral(size: int, noise: float, rng: np.random.Generator) -> Points:
    half = size // 2
    arm = (np.arange(size) >= half).astype(np.float64)
    r = np.concatenate([np.linspace(0.05, 1.0, half), np.linspace(0.05, 1.0, size - half)])
    angle = 1.75 * 2 * np.pi * r + np.pi * arm
    X = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    return Points(X + rng.normal(0.0, 0.08 * noise, X.shape), (1.0 - arm)[:, None])


CLASSES = 3  # of clusters3 and spiral3


def _one_hot(labels: Array, classes: int) -> Array:
    return np.eye(classes)[labels.astype(np.int64)]


def _clusters3(size: int, noise: float, rng: np.random.Generator) -> Points:
    """Three round Gaussian clusters at the corners of a triangle, class k around centre k."""
    labels = np.arange(size) % CLASSES
    angle = np.pi / 2 + 2 * np.pi * labels / CLASSES
    centres = 0.55 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    spread = 0.12 + 0.25 * noise
    X = centres + rng.normal(0.0, spread, (size, 2))
    return Points(X, _one_hot(labels, CLASSES))


def _spiral3(size: int, noise: float, rng: np.random.Generator) -> Points:
    """Three arms winding out from the centre, a third of a turn apart, arm k of class k."""
    labels = np.arange(size) % CLASSES
    r = np.empty(size)
    for k in range(CLASSES):
        arm = labels == k
        r[arm] = np.linspace(0.05, 1.0, int(arm.sum()))
    angle = 1.25 * 2 * np.pi * r + 2 * np.pi * labels / CLASSES
    X = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    return Points(X + rng.normal(0.0, 0.08 * noise, X.shape), _one_hot(labels, CLASSES))


def _surface(f: Callable[[Array], Array]) -> Callable[[int, float, np.random.Generator], Points]:
    """A 2-input regression set: points uniform on the square, target f(x) plus noise."""
    def make(size: int, noise: float, rng: np.random.Generator) -> Points:
        X = rng.uniform(-1.0, 1.0, size=(size, 2))
        return Points(X, f(X) + rng.normal(0.0, 0.1 * noise, (size, 1)))

    return make


# Playground's "Multi Gaussian" regression: six bumps, up (+) or down (−), the target the
# signed height of the highest; here moved from [−1, 1] into [0, 1] for a sigmoid output.
_BUMPS = ((-0.6, 0.6, 1.0), (0.0, 0.6, -1.0), (0.6, 0.6, 1.0),
          (-0.6, -0.6, -1.0), (0.0, -0.6, 1.0), (0.6, -0.6, -1.0))


def _multi_gaussian(X: Array) -> Array:
    heights = np.stack([sign * np.exp(-((X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2) / 0.08)
                        for cx, cy, sign in _BUMPS], axis=1)
    strongest = heights[np.arange(X.shape[0]), np.argmax(np.abs(heights), axis=1)]
    return (0.5 + 0.5 * strongest)[:, None]


# -- the 8×8 handwritten digits (data/README.md: its source, licence and checksum) ----------
DIGITS_FILE = Path(__file__).with_name("data") / "digits.csv.gz"
DIGITS_IMAGES = 1_797
DIGITS_SIDE = 8  # the images are 8 rows of 8 pixels, row-major: input 8·r + c
DIGITS_CLASSES = 10
DIGITS_LEVELS = 16  # a pixel counts the on bits of a 4×4 block: 0 … 16


@cache
def digits_images() -> tuple[Array, Array]:
    """The 1,797 images as pixels in [0, 1] (each a count of 0 … 16, divided by 16), shape
    (1797, 64), row-major from the top left; and their digits (1797,). Read once, read-only."""
    with gzip.open(DIGITS_FILE, "rt", encoding="ascii") as file:
        rows = np.loadtxt(file, delimiter=",", dtype=np.int64)  # 64 pixels, then the digit
    pixels = rows[:, :-1] / DIGITS_LEVELS
    labels = rows[:, -1].copy()
    for array in (pixels, labels):
        array.flags.writeable = False
    return pixels, labels


def _digits(size: int, noise: float, rng: np.random.Generator) -> Points:
    """`size` of the images, drawn without replacement by the seed; noise > 0 adds Gaussian
    noise of σ = noise/2 to each pixel, clipped to [0, 1] (drawn even at 0, so that the same
    seed picks the same images in the same order at any noise)."""
    pixels, labels = digits_images()
    chosen = rng.permutation(DIGITS_IMAGES)[:size]
    X = pixels[chosen] + rng.normal(0.0, 0.5 * noise, (size, pixels.shape[1]))
    return Points(np.clip(X, 0.0, 1.0), _one_hot(labels[chosen], DIGITS_CLASSES))


GENERATORS: dict[str, tuple[int, Callable[[int, float, np.random.Generator], Points]]] = {
    "line": (1, _curve(lambda x: 0.5 + 0.4 * x)),
    "step": (1, _curve(lambda x: np.where(x > 0, 0.9, 0.1))),
    "sine": (1, _curve(lambda x: 0.5 + 0.4 * np.sin(np.pi * x))),
    "bump": (1, _curve(lambda x: 0.1 + 0.8 * np.exp(-((x / 0.3) ** 2)))),
    "circle": (2, _circle),
    "xor": (2, _xor),
    "gaussians": (2, _gaussians),
    "spiral": (2, _spiral),
    "clusters3": (2, _clusters3),
    "spiral3": (2, _spiral3),
    # Playground's two 2-input regression sets (its "Plane" and "Multi Gaussian")
    "plane": (2, _surface(lambda X: (0.5 + 0.25 * (X[:, 0] + X[:, 1]))[:, None])),
    "multi_gaussian": (2, _surface(_multi_gaussian)),
    "digits": (DIGITS_SIDE * DIGITS_SIDE, _digits),
}
# the others have 1 target per point
OUTPUTS = {"clusters3": CLASSES, "spiral3": CLASSES, "digits": DIGITS_CLASSES}
SIZES = {"digits": DIGITS_IMAGES}  # a set of real data has so many points; the others MAX_SIZE


def inputs_of(name: str) -> int:
    """How many inputs the dataset `name` has."""
    if name not in GENERATORS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(GENERATORS)}")
    return GENERATORS[name][0]


def outputs_of(name: str) -> int:
    """How many targets each point of dataset `name` has: its classes (one-hot), or 1."""
    inputs_of(name)
    return OUTPUTS.get(name, 1)


def max_size_of(name: str) -> int:
    """The most points dataset `name` gives: its images for real data, else MAX_SIZE."""
    inputs_of(name)
    return SIZES.get(name, MAX_SIZE)


def too_large(name: str, size: int) -> str | None:
    """Why `size` points of dataset `name` cannot be had, or None if they can."""
    most = max_size_of(name)
    if size <= most:
        return None
    if name == "digits":
        return (f"the digits have {DIGITS_IMAGES:,} images: size is at most "
                f"{DIGITS_IMAGES:,}, not {size:,}")
    return f"size must be 1 … {most:,}, got {size:,}"


def make_dataset(name: str, size: int, noise: float, seed: int) -> Points:
    """`size` points of dataset `name`, the same for the same (size, noise, seed); the order
    is shuffled so that any split of it is a fair sample."""
    if size < 1:
        raise ValueError(f"size must be 1 … {max_size_of(name):,}, got {size}")
    if (problem := too_large(name, size)) is not None:
        raise ValueError(problem)
    if not 0 <= noise <= 1:
        raise ValueError(f"noise must be 0 … 1, got {noise}")
    noise += 0.0  # −0.0 is no noise (NumPy refuses a scale of −0.0)
    rng = np.random.default_rng(seed)
    points = GENERATORS[name][1](size, noise, rng)
    order = rng.permutation(size)
    return Points(points.X[order], points.T[order])


def split(points: Points, test_fraction: float) -> tuple[Points, Points]:
    """The first (1 − f) of the points for training, the rest for testing."""
    n_test = round(len(points) * test_fraction)
    n_train = len(points) - n_test
    return (Points(points.X[:n_train], points.T[:n_train]),
            Points(points.X[n_train:], points.T[n_train:]))
