"""POST /api/datasets/csv (api/csv_import.py): the learner's own data as CSV. Broken files are
refused naming the line and the column, never with a 500 or a non-finite number, and change
nothing; a file written with each number's shortest round-trip form (the page's export)
gives back every bit of every float64, and the split."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.api import csv_import
from server.errors import FieldError
from server.limits import MAX_ABS_VALUE, MAX_BODY_BYTES, MAX_CSV_COLUMNS, MAX_CSV_ROWS
from server.main import create_app
from tests.conftest import strict_json

ROOT = Path(__file__).resolve().parents[2]
URL = "/api/datasets/csv"


def read(client: TestClient, text: str, **choice) -> dict:
    response = client.post(URL, json={"text": text, **choice})
    assert response.status_code == 200, response.text
    return strict_json(response.text)


def refused(client: TestClient, text: str, **choice) -> str:
    response = client.post(URL, json={"text": text, **choice})
    assert response.status_code == 422, response.text
    body = strict_json(response.text)
    assert body["detail"] == f"{body['errors'][0]['field']}: {body['errors'][0]['message']}"
    return body["errors"][0]["message"]


def test_the_page_export_is_read_with_its_names_its_split_and_exact_numbers(
        client: TestClient) -> None:
    text = "x1,x2,t1,part\n0.1,-0.2,0.5,train\n1e-7,3,0.25,train\n0.3,0.4,1,test\n"
    out = read(client, text)
    assert out["header"] is True and out["separator"] == "comma" and out["rows"] == 3
    assert [c["kind"] for c in out["columns"]] == ["number", "number", "number", "part"]
    assert out["suggested"] == {"inputs": [0, 1], "targets": [2], "target_kind": "numbers",
                                "part": 3}
    assert out["first_rows"][1] == ["1e-7", "3", "0.25", "train"]
    assert out["first_lines"] == [2, 3, 4]
    assert out["dataset"] is None
    data = read(client, text, **out["suggested"])["dataset"]
    assert data["problem"] == "regression" and data["classes"] is None
    assert data["inputs"] == ["x1", "x2"] and data["targets"] == ["t1"]
    assert data["points"] == [{"input": [0.1, -0.2], "target": [0.5]},
                              {"input": [1e-7, 3.0], "target": [0.25]},
                              {"input": [0.3, 0.4], "target": [1.0]}]
    assert data["test_fraction"] == 1 / 3 and data["means"] is None


def test_a_class_column_of_text_or_integers_becomes_one_hot_targets(client: TestClient) -> None:
    text = "length,width,species\n1,2,setosa\n3,4,virginica\n5,6,setosa\n7,8,versicolor\n"
    out = read(client, text)
    assert out["suggested"]["target_kind"] == "classes"
    assert out["columns"][2]["labels"] == ["setosa", "versicolor", "virginica"]
    data = read(client, text, inputs=[0, 1], targets=[2])["dataset"]
    assert data["problem"] == "classes"
    assert data["classes"] == ["setosa", "versicolor", "virginica"]
    assert [p["target"] for p in data["points"]] == [[1, 0, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]]
    # integer labels: numbers unless the learner says classes; classes in numeric order
    ints = "0.5,10\n0.1,2\n0.7,10\n0.2,9\n"
    assert read(client, ints, inputs=[0], targets=[1])["dataset"]["problem"] == "regression"
    data = read(client, ints, inputs=[0], targets=[1], target_kind="classes")["dataset"]
    assert data["classes"] == ["2", "9", "10"]
    assert [p["target"] for p in data["points"]][:2] == [[0, 0, 1], [1, 0, 0]]
    # one-hot number columns (the export of a dataset of classes) are classes too
    hot = "x1,x2,t1,t2,t3\n0,0,1,0,0\n1,1,0,0,1\n"
    data = read(client, hot, inputs=[0, 1], targets=[2, 3, 4])["dataset"]
    assert data["problem"] == "classes" and data["classes"] == ["t1", "t2", "t3"]


def test_separators_header_guess_bom_quotes_and_line_ends(client: TestClient) -> None:
    assert read(client, "1\t2\n3\t4\n")["separator"] == "tab"
    semicolons = read(client, "a;b\n1,5;2\n")
    assert semicolons["separator"] == "semicolon" and semicolons["first_rows"] == [["1,5", "2"]]
    assert "decimal comma" in refused(client, "a;b\n1,5;2\n", inputs=[0], targets=[1])
    out = read(client, '\ufeff"x, the first",y\r\n"1",2\r\n\r\n3,"4"\r\n', inputs=[0],
               targets=[1])
    assert out["columns"][0]["name"] == "x, the first" and out["header"] is True
    assert out["dataset"]["points"] == [{"input": [1.0], "target": [2.0]},
                                        {"input": [3.0], "target": [4.0]}]
    assert out["first_lines"] == [2, 4]  # the blank line skipped, still counted
    assert read(client, "1,2\n3,4\n")["header"] is False
    assert read(client, "1,2\n3,4\n", header=True)["columns"][0]["name"] == "1"
    # a quoted line break stays in its value; the line named is where the row ends
    message = refused(client, 'a,b\n"two\nlines",x\n5,6\n', inputs=[0], targets=[1])
    assert message == "line 3, column 1: 'two\\nlines' is not a number"
    assert read(client, "a,b\n-0,1\n", inputs=[0], targets=[1])["dataset"]["points"][0][
        "input"] == [0.0]


@pytest.mark.parametrize(("text", "choice", "field", "message"), [
    ("", {}, "text", "the file is empty: it needs a row of values per point"),
    ("\n \n\n", {}, "text", "the file is empty: it needs a row of values per point"),
    ("\ufeff", {}, "text", "the file is empty: it needs a row of values per point"),
    ("a,b\n", {"header": True}, "text", "the file has a header but no rows of values"),
    ("1,2,3\n4,5\n", {}, "text", "line 2 has 2 values, but line 1 has 3: every line needs "
     "one value per column (a value holding the separator is quoted: \"1,5\")"),
    ("x,y\n1,2\n\n3,4,5\n", {}, "text", "line 4 has 3 values, but line 1 has 2: every line "
     "needs one value per column (a value holding the separator is quoted: \"1,5\")"),
    ("1,2\n3,abc\n", {"inputs": [0], "targets": [1]}, "text",
     "line 2, column 2: 'abc' is not a number"),
    ("1,2\n3,\n", {"inputs": [0], "targets": [1]}, "text",
     "line 2, column 2 is empty: every target needs a number"),
    ("1,NaN\n", {"inputs": [0], "targets": [1]}, "text",
     "line 1, column 2: 'NaN' is not a finite number (NaN and Infinity cannot be learned from)"),
    ("-Infinity,1\n", {"inputs": [0], "targets": [1]}, "text",
     "line 1, column 1: '-Infinity' is not a finite number (NaN and Infinity cannot be "
     "learned from)"),
    ("inf,1\n", {"inputs": [0], "targets": [1]}, "text",
     "line 1, column 1: 'inf' is not a finite number (NaN and Infinity cannot be learned "
     "from)"),
    ("1e400,1\n", {"inputs": [0], "targets": [1]}, "text",
     "line 1, column 1: '1e400' is beyond the limit of ±1,000,000"),
    ("2e6,1\n", {"inputs": [0], "targets": [1]}, "text",
     "line 1, column 1: '2e6' is beyond the limit of ±1,000,000"),
    ("0x10,1\n", {"inputs": [0], "targets": [1]}, "text",
     "line 1, column 1: '0x10' is not a number"),
    ("1_000,1\n", {"inputs": [0], "targets": [1]}, "text",
     "line 1, column 1: '1_000' is not a number"),
    ("\u0661,1\n", {"inputs": [0], "targets": [1]}, "text",
     "line 1, column 1: '\u0661' is not a number"),
    ('1,"2\n', {}, "text", "line 1: a quoted value is not closed"),
    ('1,"2"x\n', {}, "text", "line 1: a quoted value must end at its closing quote (then the "
     "separator or the end of the line), and a quote inside it is written twice"),
    ("a,b\n1,2\nPK\x03\x04\x00\x00", {}, "text", "line 3: the file holds bytes that are not "
     "text (is it a spreadsheet or another binary file? Save it as CSV, text in UTF-8)"),
    ("1,2\n\ufffd\ufffd,3\n", {}, "text", "line 2: the file holds bytes that are not text (is "
     "it a spreadsheet or another binary file? Save it as CSV, text in UTF-8)"),
    (",".join(["1"] * (MAX_CSV_COLUMNS + 1)), {}, "text",
     f"line 1 has {MAX_CSV_COLUMNS + 1} values: a file may have at most {MAX_CSV_COLUMNS} "
     "columns"),
    ("1\n" * (MAX_CSV_ROWS + 2), {}, "text",
     f"the file has more than {MAX_CSV_ROWS:,} rows of data: at most {MAX_CSV_ROWS:,} points "
     "are sent at once"),
    ("1,2\n", {"inputs": [0]}, "targets", "choose the inputs and the targets together"),
    ("1,2\n", {"inputs": [], "targets": [1]}, "inputs", "choose at least one column for the "
     "inputs"),
    ("1,2\n", {"inputs": [0, 0], "targets": [1]}, "inputs", "a column is chosen twice"),
    ("1,2\n", {"inputs": [0], "targets": [0]}, "targets", "a column cannot be an input and a "
     "target"),
    ("1,2\n", {"inputs": [0], "targets": [5]}, "targets",
     "the file has columns 0 to 1 (counted from 0), not 5"),
    ("1,2,3\n", {"inputs": [0], "targets": [1, 2], "target_kind": "classes"}, "targets",
     "classes come from one column of labels: choose one target column"),
    ("1,a\n2,a\n", {"inputs": [0], "targets": [1]}, "targets",
     "the column 'column 2' has 1 different label: classes need 2 to 10 (one output node "
     "each)"),
    ("".join(f"{k},c{k}\n" for k in range(11)), {"inputs": [0], "targets": [1]}, "targets",
     "the column 'column 2' has 11 different labels: classes need 2 to 10 (one output node "
     "each)"),
    ("x,t,part\n1,2,test\n3,4,test\n", {"inputs": [0], "targets": [1], "part": 2}, "part",
     "2 of the 2 rows are test rows: at most 90% of the points may be held out"),
    ("x,t,part\n1,2,train\n3,4,later\n", {"inputs": [0], "targets": [1], "part": 2}, "text",
     "line 3, column 3: 'later' is neither train nor test (the part column says which points "
     "are test points)"),
    ("x,t\n1,2\n", {"inputs": [0], "targets": [1], "part": 1}, "part",
     "the part column cannot be an input or a target"),
    ("1,a\n2," + "b" * 41 + "\n", {"inputs": [0], "targets": [1]}, "text",
     "line 2, column 2: a class label has at most 40 characters"),
])
def test_a_broken_file_is_refused_naming_its_line_and_column(
        client: TestClient, text: str, choice: dict, field: str, message: str) -> None:
    response = client.post(URL, json={"text": text, **choice})
    assert response.status_code == 422, response.text
    body = strict_json(response.text)
    assert body["errors"] == [{"field": field, "message": message}]
    assert body["detail"] == f"{field}: {message}"


def test_a_million_rows_are_refused_quickly_by_the_body_limit_and_the_row_limit(
        client: TestClient) -> None:
    text = "1,2\n" * 10**6
    response = client.post(URL, json={"text": text})
    assert response.status_code == 413
    assert f"{MAX_BODY_BYTES:,} bytes" in response.json()["detail"]
    started = time.perf_counter()
    with pytest.raises(FieldError, match="more than 2,000 rows"):
        csv_import.read_table(text, None)  # below the HTTP limit: the reader stops early
    assert time.perf_counter() - started < 0.5
    # within the body limit, as many short rows as fit are refused by the row limit
    fits = "1\n" * ((MAX_BODY_BYTES - 100) // 3)
    assert "rows of data" in refused(client, fits)


def test_standardized_inputs_are_z_scores_with_their_means_and_spreads(
        client: TestClient) -> None:
    text = "a,b,c,t\n1,10,5,0\n2,20,5,1\n3,60,5,0\n"
    data = read(client, text, inputs=[0, 1, 2], targets=[3], standardize=True)["dataset"]
    X = np.array([[1, 10, 5], [2, 20, 5], [3, 60, 5]], dtype=np.float64)
    assert data["means"] == X.mean(axis=0).tolist()
    assert data["spreads"] == X.std(axis=0).tolist()
    got = np.array([p["input"] for p in data["points"]])
    assert np.allclose(got.mean(axis=0), 0, atol=1e-15)
    assert np.allclose(got[:, :2].std(axis=0), 1)
    assert got[:, 2].tolist() == [0.0, 0.0, 0.0]  # a constant column: centred only
    assert data["notes"] == ["c has the same value in every row: centred only (its spread "
                             "is 0)"]


def _network(client: TestClient, layers: list[int]) -> str:
    response = client.post("/api/networks", json={"seed": 1, "layers": layers})
    assert response.status_code == 201
    return response.json()["id"]


def test_a_refused_file_changes_nothing(client: TestClient) -> None:
    url = f"/api/networks/{_network(client, [2, 3, 1])}"
    before = client.put(f"{url}/dataset", json={"name": "xor", "size": 20}).json()
    for text, choice in [("1,2,3\n4,5\n", {}), ("1,2,x\n", {"inputs": [0, 1], "targets": [2]}),
                         ("\x00\x00", {})]:
        assert client.post(URL, json={"text": text, **choice}).status_code == 422
    good = read(client, "1,2,3\n", inputs=[0, 1], targets=[2])  # reading keeps nothing either
    assert good["dataset"]["points"]
    assert client.get(f"{url}/dataset").json() == before


def _bits(values: list[float]) -> list[bytes]:
    return [struct.pack("<d", v) for v in values]


def _js_string(x: float) -> str:
    """A float64 as JavaScript's String() writes it (ECMAScript's Number::toString: the
    shortest digits that read back as x, which are repr's, in JavaScript's own forms)."""
    if x == 0:
        return "0"
    _, digit_tuple, exponent = Decimal(repr(abs(x))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    k = len(digits)
    n = len(digit_tuple) + int(exponent)  # x = 0.d1 d2 … × 10^n
    sign = "-" if x < 0 else ""
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    e = n - 1
    mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{sign}{mantissa}e{'+' if e > 0 else '-'}{abs(e)}"


finite = st.floats(min_value=-MAX_ABS_VALUE, max_value=MAX_ABS_VALUE, allow_nan=False,
                   allow_infinity=False).map(lambda v: v + 0.0)


@given(st.integers(1, 4), st.integers(1, 3), st.data())
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_round_trip_keeps_every_bit_of_every_float64(n_in: int, n_out: int, data) -> None:
    rows = data.draw(st.lists(st.lists(finite, min_size=n_in + n_out, max_size=n_in + n_out),
                              min_size=2, max_size=30))
    n_test = data.draw(st.integers(0, len(rows) * 9 // 10))
    writer = data.draw(st.sampled_from([repr, _js_string]))
    head = [f"x{i + 1}" for i in range(n_in)] + [f"t{k + 1}" for k in range(n_out)] + ["part"]
    parts = ["train"] * (len(rows) - n_test) + ["test"] * n_test
    text = "\n".join([",".join(head)] + [",".join([*map(writer, r), p])
                                        for r, p in zip(rows, parts, strict=True)]) + "\n"
    with TestClient(_APP) as client:
        out = read(client, text)
        assert out["suggested"]["inputs"] == list(range(n_in))
        data_out = read(client, text, **out["suggested"])["dataset"]
        points = data_out["points"]
        assert len(points) == len(rows)
        for r, p in zip(rows, points, strict=True):
            assert _bits(p["input"]) == _bits(r[:n_in])
            assert _bits(p["target"]) == _bits(r[n_in:])
        # and the network's dataset, put from these points, is the file's, split as it was
        if n_out >= 1 and not (n_out >= 2 and data_out["problem"] == "classes"):
            url = f"/api/networks/{_network(client, [n_in, 2, n_out])}"
            put = client.put(f"{url}/dataset", json={
                "points": points, "test_fraction": data_out["test_fraction"] or 0.0})
            assert put.status_code == 200, put.text
            got = put.json()
            assert len(got["test"]) == n_test
            assert got["train"] + got["test"] == points


def test_js_string_matches_node_where_node_is_installed() -> None:
    """The test's JavaScript formatting is JavaScript's (and so the page's export is read back
    exactly: datasetToCsv writes String(v))."""
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    values = [0.1, -0.2, 1e-7, 1.5e-7, 123456.789, 1e21, 1e-6, 5e-324, 2.5e-310, 0.1 + 0.2,
              -999999.9999999999, 1 / 3, 100.0, 1e20, 123e-20, 2**-1074, 1.7976931348623157e308]
    program = ("import { datasetToCsv } from './static/js/lib/trace-csv.js';"
               "const v = JSON.parse(process.argv[1]);"
               "process.stdout.write(datasetToCsv({train: v.map((x) => ({input: [x], "
               "target: [x]})), test: []}));")
    out = subprocess.run([node, "--input-type=module", "-e", program, json.dumps(values)],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    lines = out.strip().split("\n")
    assert lines[0] == "x1,t1,part"
    assert [line.split(",")[0] for line in lines[1:]] == [_js_string(v) for v in values]
    in_range = [v for v in values if abs(v) <= MAX_ABS_VALUE]
    text = "x1,t1,part\n" + "".join(f"{_js_string(v)},{_js_string(v)},train\n" for v in in_range)
    with TestClient(_APP) as client:
        points = read(client, text, inputs=[0], targets=[1], part=2)["dataset"]["points"]
    assert _bits([p["input"][0] for p in points]) == _bits(in_range)


_APP = create_app()
CSV_CHARS = st.sampled_from([*"0123456789.,;\t\n\r\"' -+eEaxnNIfy#\ufeff\x00\ufffd", "NaN",
                             "Infinity", "-Infinity", "1e308", "train", "test", "part"])


@given(st.lists(CSV_CHARS, max_size=80).map("".join), st.booleans(),
       st.sampled_from([None, True, False]), st.booleans())
@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_fuzz_any_text_is_read_or_refused_in_plain_words(text: str, choose: bool,
                                                        header: bool | None,
                                                        standardize: bool) -> None:
    with TestClient(_APP) as client:
        body: dict = {"text": text, "header": header, "standardize": standardize}
        first = client.post(URL, json=body)
        assert first.status_code in (200, 422), first.text
        answer = strict_json(first.text)
        if first.status_code == 422:
            message = answer["errors"][0]["message"]
            assert message[:1].islower() and "Traceback" not in message
            return
        if choose:
            body.update(answer["suggested"])
            second = client.post(URL, json=body)
            assert second.status_code in (200, 422), second.text
            out = strict_json(second.text)
            if second.status_code == 200:
                for p in out["dataset"]["points"]:
                    assert all(abs(v) <= MAX_ABS_VALUE * 10 for v in p["input"] + p["target"])


@given(st.binary(max_size=200))
@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_fuzz_binary_files_as_a_browser_reads_them(raw: bytes) -> None:
    text = raw.decode("utf-8", errors="replace")  # what File.text() gives the page
    with TestClient(_APP) as client:
        response = client.post(URL, json={"text": text})
        assert response.status_code in (200, 422)
        strict_json(response.text)
        if any(b < 9 or 13 < b < 32 for b in raw if b not in (11, 12)) or "\ufffd" in text:
            assert response.status_code == 422


def test_without_a_part_column_the_test_rows_are_drawn_by_seed(client: TestClient) -> None:
    # a file sorted by class: the last rows alone would hold out one class
    text = "x,label\n" + "".join(f"{k / 10},{'abc'[k // 10]}\n" for k in range(30))
    data = read(client, text, inputs=[0], targets=[1], test_fraction=0.2, seed=3)["dataset"]
    assert data["test_fraction"] == 6 / 30
    points = data["points"]
    assert sorted(p["input"][0] for p in points) == [k / 10 for k in range(30)]
    test_classes = {tuple(p["target"]) for p in points[24:]}
    assert len(test_classes) > 1
    # the training rows, then the test rows, each in the file's order; the same seed, the same
    assert [p["input"][0] for p in points[:24]] == sorted(p["input"][0] for p in points[:24])
    again = read(client, text, inputs=[0], targets=[1], test_fraction=0.2, seed=3)["dataset"]
    assert again["points"] == points
    other = read(client, text, inputs=[0], targets=[1], test_fraction=0.2, seed=4)["dataset"]
    assert other["points"] != points
    # a part column says it instead
    marked = "x,t,part\n1,2,train\n3,4,test\n5,6,train\n"
    data = read(client, marked, inputs=[0], targets=[1], part=2, test_fraction=0.9)["dataset"]
    assert [p["input"][0] for p in data["points"]] == [1.0, 5.0, 3.0]
    assert data["test_fraction"] == 1 / 3
