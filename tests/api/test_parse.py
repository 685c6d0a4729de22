"""JSON to NumPy at the API boundary: shapes checked against the network, fields named."""

import numpy as np
import pytest

from server.api.parse import parameters, points, sample
from server.api.requests import Sample
from server.engine.mlp import Shape
from server.errors import FieldError


def test_parse_parameters_names_the_misshapen_part() -> None:
    with pytest.raises(FieldError) as wrong_row:
        parameters((1, 2, 1), [[[1.0, 2.0]], [[1.0, 2.0], [3.0]]], [[0.0, 0.0], [0.0]])
    assert wrong_row.value.field == "weights[1][0]"
    assert wrong_row.value.message.startswith("expected 1 number (one per node of layer 2)")
    with pytest.raises(FieldError) as wrong_biases:
        parameters((1, 2, 1), [[[1.0, 2.0]], [[1.0], [3.0]]], [[0.0], [0.0]], "current_")
    assert wrong_biases.value.field == "current_biases[0]"
    with pytest.raises(FieldError) as alone:
        parameters((1, 2, 1), [[[1.0, 2.0]], [[1.0], [3.0]]], None)
    assert alone.value.field == "biases"


def test_parse_parameters_are_arrays_of_the_network_shape() -> None:
    params = parameters((1, 2, 1), [[[1.0, 2.0]], [[3.0], [4.0]]], [[0.5, 0.6], [0.7]])
    assert params is not None
    assert [w.shape for w in params.weights] == [(1, 2), (2, 1)]
    np.testing.assert_array_equal(params.biases[0], [0.5, 0.6])
    assert parameters((1, 2, 1), None, None) is None


def test_parse_samples_and_points_fit_the_network() -> None:
    layers = Shape((2, 3, 1), 2)  # what a request is checked against, before the lock
    x, t = sample(layers, Sample(input=[0.1, 0.2], target=[1.0]))
    assert x.shape == (2,) and t.shape == (1,)
    with pytest.raises(FieldError) as wrong:
        sample(layers, Sample(input=[0.1], target=[1.0]))
    assert (wrong.value.field, wrong.value.message) == (
        "input", "expected 2 values (one per input node), got 1")
    data = points(layers, [Sample(input=[0.1, 0.2], target=[1.0])] * 3)
    assert data.X.shape == (3, 2) and data.T.shape == (3, 1)
    with pytest.raises(FieldError) as misfit:
        points(layers, [Sample(input=[0.1, 0.2], target=[1.0]), Sample(input=[1], target=[1])])
    assert misfit.value.field == "points[1]"


def test_parse_a_sample_of_a_network_with_features_holds_its_raw_inputs() -> None:
    shape = Shape((5, 3, 1), 2)  # x₁, x₂ and three features derived from them
    x, _ = sample(shape, Sample(input=[0.1, 0.2], target=[1.0]))
    assert x.shape == (2,)
    with pytest.raises(FieldError) as wrong:
        sample(shape, Sample(input=[0.1, 0.2, 0.01, 0.04, 0.02], target=[1.0]))
    assert wrong.value.message == ("expected 2 values (one per raw input: the derived features "
                                   "are computed from them), got 5")
    with pytest.raises(FieldError) as misfit:
        points(shape, [Sample(input=[0.1, 0.2, 0.3, 0.4, 0.5], target=[1.0])])
    assert misfit.value.message == ("point 0 has 5 inputs and 1 target, but the network has 2 "
                                    "raw inputs (its other 3 input nodes derived from them) "
                                    "and 1 output node")
