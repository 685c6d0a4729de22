"""JSON to NumPy at the API boundary: shapes checked against the network, fields named."""

import numpy as np
import pytest

from server.api.parse import parameters, points, sample
from server.api.requests import Sample
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
    layers = (2, 3, 1)  # what a request is checked against, before the network's lock
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
