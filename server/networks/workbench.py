"""A network's dataset and training state: the points, the train/test split, the epoch.

Held by a Network and used under its lock; it takes NumPy arrays, already checked for shape
against the network by the API.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np

from ..engine import costs, kernel
from ..engine.activations import Array
from ..engine.datasets import (
    MAX_SIZE,
    Points,
    inputs_of,
    make_dataset,
    outputs_of,
    split,
    too_large,
)
from ..engine.mlp import Architecture, Parameters, forward
from ..engine.optimizers import SGD, Optimizer, OptimizerState
from ..engine.sgd import MAX_HISTORY, Cursor, TrainResult, new_cursor, spread
from ..errors import FieldError, PhaseConflict
from ..limits import MAX_CALL_SECONDS
from .passes import target_outside, target_rule


def estimate(arch: Architecture, batch_size: int, points: int = 0) -> costs.Cost:
    """A deliberately generous estimate of a training call on the path it will take
    (engine/costs.py: per step, layer, sample, parameter and node, by activation), with the
    losses over the `points` of the training and test sets afterwards."""
    return costs.cost(arch, batch_size, kernel.path_for(arch, batch_size), points)


def estimated_seconds(arch: Architecture, steps: int, batch_size: int, points: int = 0) -> float:
    """The estimate of `steps` steps of `batch_size` (and the losses over `points`)."""
    return estimate(arch, batch_size, points).seconds(steps)


@dataclass(frozen=True)
class Plan:
    """A training call worked out once, before it runs: the steps it will take, the batch
    size it uses (at most the training points), and its estimate on the path it takes."""

    steps: int
    batch_size: int
    cost: costs.Cost

    @property
    def seconds(self) -> float:
        return self.cost.seconds(self.steps)


@dataclass(frozen=True)
class Progress:
    """Where training stands, as a shared store keeps it: the random generator's state, the
    samples trained on since the last reset, and the epoch under way (the order of the
    training points as indices, where the next batch starts, the samples counted by then),
    or None before the first step on this data."""

    rng_state: dict[str, Any]
    samples: int
    epoch: tuple[Array, int, int] | None


@dataclass(frozen=True)
class Dataset:
    """The points, split. `name` is None for a set of the learner's own points."""

    name: str | None
    size: int
    noise: float
    seed: int
    test_fraction: float
    train: Points
    test: Points


@dataclass(frozen=True)
class TrainOutcome:
    result: TrainResult
    steps: int
    samples: int
    epoch: float
    train_loss: float
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    train_confusion: Array | None = None  # softmax: points by true class × predicted class
    test_confusion: Array | None = None


PIECE_SECONDS = 0.1  # a long call trains in pieces of about this, checking the time between


def _train_until(arch: Architecture, params: Parameters, X: Array, T: Array, *, plan: Plan,
                 learning_rate: float, l2: float, cursor: Cursor,
                 rng: np.random.Generator, l1: float = 0.0, optimizer: Optimizer = SGD,
                 state: OptimizerState | None = None) -> tuple[TrainResult, int]:
    """kernel.train, stopped once MAX_CALL_SECONDS have passed (however busy the machine):
    a call estimated at more than PIECE_SECONDS trains in pieces of about that, and the
    time is checked between them. Pieces draw the same permutations in the same order, so
    the result equals one call of the same steps. Returns the result and the steps done."""
    steps, batch_size, path = plan.steps, plan.batch_size, plan.cost.path
    if plan.seconds <= PIECE_SECONDS:
        return kernel.train(arch, params, X, T, steps=steps, batch_size=batch_size,
                            learning_rate=learning_rate, l2=l2, cursor=cursor, rng=rng,
                            path=path, l1=l1, optimizer=optimizer, state=state), steps
    deadline = time.perf_counter() + MAX_CALL_SECONDS
    piece = max(1, int(steps * PIECE_SECONDS / plan.seconds))
    done, parts = 0, []
    while done < steps:
        part = kernel.train(arch, params, X, T, steps=min(piece, steps - done),
                            batch_size=batch_size, learning_rate=learning_rate, l2=l2,
                            cursor=cursor, rng=rng, path=path, l1=l1, optimizer=optimizer,
                            state=state)
        parts.append((done, part))
        done += min(piece, steps - done)
        params, state = part.params, part.state
        if not part.finite or time.perf_counter() > deadline:
            break
    history = np.concatenate([start + p.history_steps for start, p in parts])
    losses = np.concatenate([p.history_losses for _, p in parts])
    keep = spread(len(history), MAX_HISTORY)
    last = parts[-1][1]
    return TrainResult(last.params, history[keep], losses[keep], last.gradient_sizes,
                       all(p.finite for _, p in parts), last.state), done


@lru_cache(maxsize=64)
def built_in(name: str, size: int, noise: float, seed: int, test_fraction: float,
              ) -> tuple[Points, Points]:
    """A built-in dataset, split: the same for the same spec, so that a shared store keeps
    only the spec. Read-only arrays, shared by the networks that use the same spec."""
    parts = split(make_dataset(name, size, noise, seed), test_fraction)
    for part in parts:
        part.X.flags.writeable = False
        part.T.flags.writeable = False
    return parts


@dataclass(frozen=True)
class Fit:
    """How well a network fits some points: E over them (their mean), and the accuracy: with
    a softmax output, the share of points whose largest output is their target's class
    (argmax y = argmax t); otherwise, when every target is 0 or 1, the share of points whose
    every output is on its target's side of 0.5 (y ≥ 0.5 for a target of 1). None for no
    points (and for the accuracy, other targets). With a softmax output, `confusion` counts
    the points by true class (row, argmax t) and predicted class (column, argmax y)."""

    loss: float | None
    accuracy: float | None
    confusion: Array | None = None

    @property
    def finite(self) -> bool:
        return self.loss is None or bool(np.isfinite(self.loss))


def predicted_classes(arch: Architecture, Y: Array) -> Array | None:
    """Each point's class, argmax of its outputs Y (n, n_out), for a softmax output; None for
    other outputs."""
    if not arch.activation_of(len(arch.layers) - 1).coupled:
        return None
    return np.argmax(Y, axis=1)


def fit_on(arch: Architecture, params: Parameters, points: Points) -> Fit:
    if len(points) == 0:
        return Fit(None, None)
    fwd = forward(arch, params, points.X, points.T)
    T = points.T
    accuracy = None
    predicted = predicted_classes(arch, fwd.y[-1])
    if predicted is not None:
        true = np.argmax(T, axis=1)
        accuracy = float(np.mean(predicted == true))
        classes = T.shape[1]
        confusion = np.bincount(true * classes + predicted, minlength=classes * classes)
        return Fit(fwd.mean_error, accuracy, confusion.reshape(classes, classes))
    if np.all((T == 0.0) | (T == 1.0)):
        right = np.all((fwd.y[-1] >= 0.5) == (T == 1.0), axis=1)
        accuracy = float(np.mean(right))
    return Fit(fwd.mean_error, accuracy)


class Workbench:
    """The dataset of one network and where its training stands."""

    def __init__(self, seed: int, samples_trained: int = 0) -> None:
        self._rng = np.random.default_rng(seed)
        self.dataset: Dataset | None = None
        self._cursor: Cursor | None = None
        # trained on since the last reset, kept across changes of data (and resumed)
        self._samples = samples_trained

    def _set(self, dataset: Dataset) -> Dataset:
        self.dataset = dataset
        if self._cursor is not None:
            self._samples = self._cursor.samples
        self._cursor = None  # a new epoch starts with new data
        return dataset

    def generate(self, arch: Architecture, name: str, size: int, noise: float, seed: int,
                 test_fraction: float) -> Dataset:
        if inputs_of(name) != arch.inputs or arch.layers[-1] != outputs_of(name):
            features = f" (and {len(arch.features)} derived)" if arch.features else ""
            raise FieldError("name", f"the {name} dataset has {inputs_of(name)} input(s) and "
                             f"{outputs_of(name)} target(s) per point, but the network has "
                             f"{arch.inputs} raw input node(s){features} and "
                             f"{arch.layers[-1]} output node(s)")
        if (problem := too_large(name, size)) is not None:
            raise FieldError("size", problem)
        train_points, test_points = built_in(name, size, noise, seed, test_fraction)
        targets = np.vstack([train_points.T, test_points.T])
        if target_outside(arch, targets) is not None:
            # Only the noise of the 1-input curves takes a target out of [0, 1].
            low, high = float(targets.min()), float(targets.max())
            raise FieldError("noise", f"{target_rule(arch)}, but the {name} dataset with noise "
                             f"{noise:g} has targets from {low:.3g} to {high:.3g}: lower the "
                             "noise, or use the squared loss")
        return self._set(Dataset(name, size, noise, seed, test_fraction, train_points,
                                 test_points))

    def use_points(self, points: Points, test_fraction: float) -> Dataset:
        """The learner's own points (X: (n, n_inputs), T: (n, n_outputs))."""
        train_points, test_points = split(points, test_fraction)
        return self._set(Dataset(None, len(points), 0.0, 0, test_fraction, train_points,
                                 test_points))

    def add_point(self, part: str, x: Array, t: Array) -> Dataset:
        """One point, x: (n_inputs,), t: (n_outputs,), added to the training or test set."""
        empty = Points(np.empty((0, x.shape[0])), np.empty((0, t.shape[0])))
        data = self.dataset or Dataset(None, 0, 0.0, 0, 0.0, empty, empty)
        if len(data.train) + len(data.test) >= MAX_SIZE:
            raise FieldError("input", f"a dataset holds at most {MAX_SIZE} points")
        points = data.train if part == "train" else data.test
        grown = Points(np.vstack([points.X, x]), np.vstack([points.T, t]))
        return self._set(replace(data, name=None, size=data.size + 1,
                                 **{part: grown}))  # type: ignore[arg-type]

    def remove_point(self, part: str, index: int) -> Dataset:
        data = self.dataset
        points = None if data is None else (data.train if part == "train" else data.test)
        if data is None or points is None or not 0 <= index < len(points):
            count = 0 if points is None else len(points)
            raise FieldError("index", f"the {part} set has {count} points; no point {index}")
        keep = np.arange(len(points)) != index
        return self._set(replace(data, name=None, size=data.size - 1,
                                 **{part: Points(points.X[keep], points.T[keep])}))  # type: ignore[arg-type]

    # -- where training stands, for a shared store (codec.py writes and reads it) -----------

    def progress(self) -> Progress:
        cursor = self._cursor
        epoch = None
        if cursor is not None:
            assert cursor.order is not None  # every cursor here starts from new_cursor
            epoch = (cursor.order, cursor.position, cursor.samples)
        return Progress(self._rng.bit_generator.state, self._samples, epoch)

    @classmethod
    def resume(cls, dataset: Dataset | None, progress: Progress) -> Workbench:
        """The workbench of `dataset` with training where `progress` says it stood."""
        bench = cls(0, progress.samples)
        bench._rng.bit_generator.state = progress.rng_state
        bench.dataset = dataset
        if progress.epoch is not None:
            assert dataset is not None
            order, position, samples = progress.epoch
            train = dataset.train
            bench._cursor = Cursor(train.X[order], train.T[order], position, samples, order)
        return bench

    def restart(self) -> None:
        """A reset network starts its epochs again."""
        self._cursor = None
        self._samples = 0

    def nbytes(self) -> int:
        """Memory the data holds, counting the shuffled copy that training keeps."""
        data = self.dataset
        if data is None:
            return 0
        return 2 * sum(a.nbytes for a in (data.train.X, data.train.T, data.test.X, data.test.T))

    def plan(self, arch: Architecture, steps: int, batch_size: int | None,
             longest: float | None = None) -> Plan:
        """`steps` steps of `batch_size` (None: the full batch) on the data as it is, worked
        out once: at most as many as the estimate puts within `longest` seconds, if given
        (at least 1). PhaseConflict without training data; FieldError naming `steps` for a
        call estimated over MAX_CALL_SECONDS."""
        data = self.dataset
        if data is not None and len(data.train) == 0 and len(data.test) > 0:
            raise PhaseConflict(f"every one of the {len(data.test)} points is a test point "
                                f"(test share {data.test_fraction:g}), so none is left to train "
                                "on: lower the test share, or add training points")
        if data is None or len(data.train) == 0:
            raise PhaseConflict("there is no training data: choose a dataset or add points "
                                "first")
        n = len(data.train)
        size = n if batch_size is None else min(batch_size, n)
        cost = estimate(arch, size, n + len(data.test))
        if longest is not None:
            steps = min(steps, cost.steps_within(longest))
        seconds = cost.seconds(steps)
        if seconds > MAX_CALL_SECONDS:
            raise FieldError("steps", f"{steps} steps of {size} samples on this network would "
                             f"take about {seconds:.1f} s; one call may take about "
                             f"{MAX_CALL_SECONDS:g} s: use fewer steps or a smaller batch")
        return Plan(steps, size, cost)

    def train(self, arch: Architecture, params: Parameters, plan: Plan, *,
              learning_rate: float, l2: float, l1: float = 0.0, optimizer: Optimizer = SGD,
              state: OptimizerState | None = None) -> TrainOutcome | None:
        """Trains as `plan` says (made by `plan` on this data) and advances the epoch, with
        `optimizer` from `state` (its new state is the result's); None (and nothing changed)
        if training diverged."""
        data = self.dataset
        assert data is not None
        n = len(data.train)
        saved = self.checkpoint()
        if self._cursor is None:
            self._cursor = new_cursor(data.train.X, data.train.T, self._rng)
            self._cursor.samples = self._samples
        cursor = self._cursor
        # The trainer works on the input layer's values: with derived features, on a copy of
        # the epoch with its features (reshuffled alike), the raw columns kept afterwards.
        work = cursor if not arch.features else Cursor(
            arch.expand(cursor.X), cursor.T, cursor.position, cursor.samples, cursor.order)
        result, done = _train_until(arch, params, data.train.X, data.train.T, plan=plan,
                                    learning_rate=learning_rate, l2=l2, cursor=work,
                                    rng=self._rng, l1=l1, optimizer=optimizer, state=state)
        if work is not cursor:
            cursor.X, cursor.T = work.X[:, :arch.inputs], work.T
            cursor.position, cursor.samples, cursor.order = work.position, work.samples, work.order
        if result.finite:
            train = fit_on(arch, result.params, data.train)
            test = fit_on(arch, result.params, data.test)
            if train.finite and test.finite:
                return TrainOutcome(result, done, cursor.samples, cursor.samples / n,
                                    float(train.loss or 0.0), test.loss,
                                    train.accuracy, test.accuracy,
                                    train.confusion, test.confusion)
        self.rollback(saved)
        return None

    def checkpoint(self) -> Cursor | None:
        """Where the epoch stands, to roll back to if a call is refused after training."""
        c = self._cursor
        return None if c is None else Cursor(c.X, c.T, c.position, c.samples, c.order)

    def rollback(self, checkpoint: Cursor | None) -> None:
        self._cursor = checkpoint

