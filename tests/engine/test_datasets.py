"""Built-in datasets: deterministic by seed, the right shapes and ranges, a fair split."""

import numpy as np
import pytest

from server.engine.datasets import GENERATORS, inputs_of, make_dataset, outputs_of, split


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_datasets_are_deterministic_by_seed(name: str) -> None:
    a = make_dataset(name, 150, 0.3, seed=4)
    b = make_dataset(name, 150, 0.3, seed=4)
    c = make_dataset(name, 150, 0.3, seed=5)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.T, b.T)
    assert not np.array_equal(a.X, c.X)
    assert a.X.shape == (150, inputs_of(name)) and a.T.shape == (150, outputs_of(name))
    assert np.isfinite(a.X).all() and np.isfinite(a.T).all()


@pytest.mark.parametrize("name", ["circle", "xor", "gaussians", "spiral"])
def test_datasets_classification_targets_are_zero_or_one_and_balanced(name: str) -> None:
    points = make_dataset(name, 400, 0.0, seed=1)
    assert set(np.unique(points.T)) == {0.0, 1.0}
    assert 0.35 < points.T.mean() < 0.65
    assert np.abs(points.X).max() < 1.5


@pytest.mark.parametrize("name", ["clusters3", "spiral3"])
def test_datasets_with_classes_have_one_hot_targets_of_three_balanced_classes(name: str) -> None:
    points = make_dataset(name, 301, 0.2, seed=1)
    assert points.X.shape == (301, 2) and points.T.shape == (301, 3)
    assert set(np.unique(points.T)) == {0.0, 1.0}
    np.testing.assert_array_equal(points.T.sum(axis=1), 1.0)
    counts = points.T.sum(axis=0)
    assert counts.max() - counts.min() <= 1  # 101, 100, 100
    assert np.abs(points.X).max() < 1.6
    # Each class has its own place: the class means are apart.
    means = [points.X[points.T[:, k] == 1].mean(axis=0) for k in range(3)]
    if name == "clusters3":
        assert min(np.linalg.norm(means[a] - means[b])
                   for a, b in [(0, 1), (0, 2), (1, 2)]) > 0.6


@pytest.mark.parametrize("name", ["line", "step", "sine", "bump"])
def test_datasets_curves_without_noise_lie_on_their_curve(name: str) -> None:
    points = make_dataset(name, 300, 0.0, seed=2)
    assert ((points.T >= 0.0) & (points.T <= 1.0)).all()
    assert (np.abs(points.X) <= 1.0).all()
    if name == "line":
        np.testing.assert_allclose(points.T, 0.5 + 0.4 * points.X, rtol=1e-15)


def test_datasets_split_keeps_every_point_once() -> None:
    points = make_dataset("sine", 101, 0.1, seed=0)
    train, test = split(points, 0.2)
    assert len(train) == 81 and len(test) == 20
    np.testing.assert_array_equal(np.vstack([train.X, test.X]), points.X)


def test_datasets_unknown_name_and_bad_size_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown dataset 'moons'"):
        make_dataset("moons", 10, 0.0, 0)
    with pytest.raises(ValueError, match="size must be"):
        make_dataset("line", 0, 0.0, 0)


def test_datasets_negative_zero_noise_equals_zero_noise() -> None:
    for name in GENERATORS:
        a, b = make_dataset(name, 20, -0.0, 3), make_dataset(name, 20, 0.0, 3)
        assert np.array_equal(a.X, b.X) and np.array_equal(a.T, b.T)


def test_datasets_plane_and_multi_gaussian_are_regression_in_zero_one() -> None:
    plane = make_dataset("plane", 400, 0.0, seed=3)
    np.testing.assert_allclose(plane.T[:, 0], 0.5 + 0.25 * (plane.X[:, 0] + plane.X[:, 1]),
                               rtol=1e-15)
    bumps = make_dataset("multi_gaussian", 2000, 0.0, seed=3)
    assert ((bumps.T >= 0) & (bumps.T <= 1)).all()
    # at a bump's centre the target is its height: 1 for an up bump, 0 for a down one
    near = lambda cx, cy: np.hypot(bumps.X[:, 0] - cx, bumps.X[:, 1] - cy) < 0.05  # noqa: E731
    assert bumps.T[near(-0.6, 0.6)].min() > 0.95 and bumps.T[near(0.0, 0.6)].max() < 0.05
    # far from every bump: 0.5, neither up nor down
    assert abs(float(bumps.T[near(0.0, 0.0)].mean()) - 0.5) < 0.05
