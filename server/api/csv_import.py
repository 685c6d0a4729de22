"""The learner's own data as CSV text (POST /api/datasets/csv): read, bounded and typed here,
then, once the learner has said which columns are inputs and which the target(s), turned into
points ready for PUT /api/networks/{id}/dataset. Pure: it keeps nothing and changes nothing.

The page never parses a file itself: every refusal comes from here, as a FieldError naming
the line and the column in plain words ("line 12, column 3: 'abc' is not a number"), lines
and columns counted from 1 as in a spreadsheet (column indexes in requests count from 0, as
every index of the API does).

- The text is CSV (RFC 4180: quoted fields may hold the separator, quotes and line breaks),
  separated by commas, or else by tabs or semicolons (the first line's separator), with or
  without a header row (guessed unless said). A UTF-8 byte-order mark before it is ignored;
  blank lines are skipped; spaces around a value are trimmed.
- A number is written as decimals, with an optional sign, point and exponent ("-1.5",
  ".5", "3e-7"); NaN, Infinity, "1_000", hexadecimal and other digits than 0-9 are not
  numbers. Numbers are read as float64 exactly as written (the nearest float64, as Python
  and JavaScript read them), so a file written with each number's shortest round-trip form
  gives back every bit.
- A column of "train" and "test" named "part" (as the page's export writes it) says which
  points are held out for testing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ..errors import FieldError
from ..limits import (
    MAX_ABS_VALUE,
    MAX_CSV_COLUMNS,
    MAX_CSV_LABEL,
    MAX_CSV_ROWS,
    MAX_NODES,
    MAX_OUTPUTS,
    MAX_TEST_FRACTION,
)

PREVIEW_ROWS = 8  # the first rows the answer shows
PREVIEW_CELL = 60  # characters of a cell shown (longer ones cut, with "…")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Characters that no text file holds: NUL and the other C0 controls but tab, line feed and
# carriage return, DEL, and U+FFFD (what a browser reads bytes that are no UTF-8 as).
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_NON_FINITE = re.compile(r"[+-]?(nan|inf|infinity)", re.IGNORECASE)
SEPARATORS = {",": "comma", "\t": "tab", ";": "semicolon"}
PARTS = ("train", "test")

TargetKind = Literal["numbers", "classes"]


def _where(line: int, column: int | None = None) -> str:
    return f"line {line}" + ("" if column is None else f", column {column + 1}")


def _shown(cell: str) -> str:
    """A cell as a message quotes it: cut if long, its control characters escaped."""
    cut = cell if len(cell) <= 40 else cell[:40] + "…"
    return repr(cut)


def is_number(cell: str) -> bool:
    return _NUMBER.fullmatch(cell) is not None


@dataclass(frozen=True)
class Table:
    """The file's rows of cells (trimmed), each with the line it ends on; the header's cells,
    if the file has one."""

    separator: str
    header: list[str] | None
    rows: list[list[str]]
    lines: list[int]
    width: int

    def names(self) -> list[str]:
        return [(self.header[c].strip() if self.header and self.header[c].strip()
                 else f"column {c + 1}") for c in range(self.width)]


def _records(text: str, separator: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            said = str(error)
            why = ("a quoted value is not closed" if "end of data" in said or "EOF" in said
                   else "a value is too long" if "field larger" in said
                   else "a quoted value must end at its closing quote (then the separator "
                        "or the end of the line), and a quote inside it is written twice")
            raise FieldError("text", f"{_where(reader.line_num)}: {why}") from None
        if any(cell.strip() for cell in record):
            yield reader.line_num, [cell.strip() for cell in record]


def _separator(text: str) -> str:
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    return next((s for s in SEPARATORS if s in first), ",")


def read_table(text: str, header: bool | None) -> Table:
    """The text's rows, checked to be a rectangular table of at most MAX_CSV_ROWS rows
    (besides a header) and MAX_CSV_COLUMNS columns; `header` None: guessed."""
    if text.startswith("\ufeff"):
        text = text[1:]
    odd = _NOT_TEXT.search(text)
    if odd:
        line = text.count("\n", 0, odd.start()) + 1
        raise FieldError("text", f"{_where(line)}: the file holds bytes that are not text "
                         "(is it a spreadsheet or another binary file? Save it as CSV, text "
                         "in UTF-8)")
    separator = _separator(text)
    rows: list[list[str]] = []
    lines: list[int] = []
    for line, record in _records(text, separator):
        if not rows and len(record) > MAX_CSV_COLUMNS:
            raise FieldError("text", f"{_where(line)} has {len(record)} values: a file may have "
                             f"at most {MAX_CSV_COLUMNS} columns")
        if rows and len(record) != len(rows[0]):
            raise FieldError("text", f"{_where(line)} has {_values(len(record))}, but "
                             f"{_where(lines[0])} has {len(rows[0])}: every line needs one "
                             "value per column (a value holding the separator is quoted: "
                             "\"1,5\")")
        if len(rows) > MAX_CSV_ROWS:  # a header and MAX_CSV_ROWS rows at most
            raise FieldError("text", f"the file has more than {MAX_CSV_ROWS:,} rows of "
                             f"data: at most {MAX_CSV_ROWS:,} points are sent at once")
        rows.append(record)
        lines.append(line)
    if not rows:
        raise FieldError("text", "the file is empty: it needs a row of values per point")
    if header is None:
        header = _looks_like_header(rows)
    head = rows.pop(0) if header else None
    if header:
        lines.pop(0)
    if not rows:
        raise FieldError("text", "the file has a header but no rows of values")
    if len(rows) > MAX_CSV_ROWS:
        raise FieldError("text", f"the file has {len(rows):,} rows of data: at most "
                         f"{MAX_CSV_ROWS:,} points are sent at once")
    return Table(separator, head, rows, lines, len(rows[0]))


def _values(n: int) -> str:
    return f"{n} value" + ("" if n == 1 else "s")


def _looks_like_header(rows: list[list[str]]) -> bool:
    """The first row is a header when a column is numbers below it but not in it, or when
    none of its cells is a number and none appears again below in its column."""
    if len(rows) < 2:
        return not any(is_number(c) for c in rows[0])
    first, below = rows[0], rows[1:101]
    for c, cell in enumerate(first):
        if not is_number(cell) and all(is_number(r[c]) for r in below):
            return True
    return all(not is_number(cell) and all(r[c] != cell for r in below)
               for c, cell in enumerate(first))


@dataclass(frozen=True)
class Column:
    index: int
    name: str
    kind: Literal["number", "label", "part"]
    labels: list[str] | None  # a label or part column's different values (at most 20)
    distinct: int  # how many different values


def holds_labels(table: Table, c: int) -> bool:
    """Whether column c is labels: none of its values is empty or written as a number (or as
    NaN or Infinity); so that a column of numbers with a typo is read as numbers, and the
    typo named."""
    return not any(cell == "" or is_number(cell) or _NON_FINITE.fullmatch(cell)
                   for cell in (r[c] for r in table.rows))


def describe(table: Table) -> list[Column]:
    columns = []
    for c, name in enumerate(table.names()):
        cells = [r[c] for r in table.rows]
        different = list(dict.fromkeys(cells))
        if all(is_number(x) for x in cells):
            kind: Literal["number", "label", "part"] = "number"
        elif name.lower() == "part" and set(different) <= set(PARTS):
            kind = "part"
        elif holds_labels(table, c):
            kind = "label"
        else:
            kind = "number"  # with a typo, named when the column is used
        columns.append(Column(c, name, kind, None if kind == "number" else
                              [cut(x) for x in _ordered(different)[:20]], len(different)))
    return columns


def cut(cell: str) -> str:
    return cell if len(cell) <= PREVIEW_CELL else cell[:PREVIEW_CELL - 1] + "…"


def _ordered(labels: Sequence[str]) -> list[str]:
    """Labels in their classes' order: by value when all are numbers, else alphabetically."""
    if all(is_number(x) for x in labels):
        return sorted(labels, key=float)
    return sorted(labels)


@dataclass(frozen=True)
class Choice:
    """Which columns are the inputs, the target(s) and the split (None: none)."""

    inputs: list[int]
    targets: list[int]
    target_kind: TargetKind
    part: int | None


def suggest(columns: list[Column]) -> Choice:
    """The columns the page proposes: named x1 … and t1 … (as the export writes them), else
    every number column but the last for inputs and the last column for the target; a
    "part" column as the split."""
    part = next((c.index for c in columns if c.kind == "part"), None)
    usable = [c for c in columns if c.index != part]
    xs = [c.index for c in usable if re.fullmatch(r"x\d+", c.name)]
    ts = [c.index for c in usable if re.fullmatch(r"t\d+", c.name)]
    if xs and ts:
        return Choice(xs[:MAX_NODES], ts[:MAX_OUTPUTS], "numbers", part)
    if not usable:
        return Choice([], [], "numbers", part)
    target = usable[-1]
    inputs = [c.index for c in usable[:-1] if c.kind == "number"][:MAX_NODES]
    return Choice(inputs, [target.index], "numbers" if target.kind == "number" else "classes",
                  part)


@dataclass
class Imported:
    """The points ready for PUT …/dataset, the training rows first, and what they are."""

    problem: Literal["regression", "classes"]
    classes: list[str] | None
    X: np.ndarray
    T: np.ndarray
    test_rows: int
    means: list[float] | None = None
    spreads: list[float] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def test_fraction(self) -> float | None:
        return None if self.test_rows == 0 else self.test_rows / len(self.X)


def _check_choice(table: Table, choice: Choice) -> None:
    width = table.width
    named = [("inputs", choice.inputs), ("targets", choice.targets)]
    for name, indexes in named:
        if not indexes:
            raise FieldError(name, f"choose at least one column for the {name}")
        most = MAX_NODES if name == "inputs" else MAX_OUTPUTS
        if len(indexes) > most:
            raise FieldError(name, f"at most {most} columns (the {name[:-1]} layer has at most "
                             f"{most} nodes), not {len(indexes)}")
        for c in indexes:
            if not 0 <= c < width:
                raise FieldError(name, f"the file has columns 0 to {width - 1} (counted "
                                 f"from 0), not {c}")
        if len(set(indexes)) != len(indexes):
            raise FieldError(name, "a column is chosen twice")
    if set(choice.inputs) & set(choice.targets):
        raise FieldError("targets", "a column cannot be an input and a target")
    if choice.part is not None:
        if not 0 <= choice.part < width:
            raise FieldError("part", f"the file has columns 0 to {width - 1}, not "
                             f"{choice.part}")
        if choice.part in choice.inputs or choice.part in choice.targets:
            raise FieldError("part", "the part column cannot be an input or a target")
    if choice.target_kind == "classes" and len(choice.targets) != 1:
        raise FieldError("targets", "classes come from one column of labels: choose one "
                         "target column")


def _number(table: Table, r: int, c: int, what: str) -> float:
    cell = table.rows[r][c]
    where = _where(table.lines[r], c)
    if cell == "":
        raise FieldError("text", f"{where} is empty: every {what} needs a number")
    if not is_number(cell):
        finite = _NON_FINITE.fullmatch(cell)
        raise FieldError("text", f"{where}: {_shown(cell)} is not a "
                         + ("finite number (NaN and Infinity cannot be learned from)"
                            if finite else "number")
                         + (" (a decimal comma? Write 1.5, or separate the values by "
                            "semicolons)" if re.fullmatch(r"[+-]?\d+,\d+", cell) else ""))
    value = float(cell) + 0.0  # "-0" is 0, as everywhere in the API
    if not abs(value) <= MAX_ABS_VALUE:
        raise FieldError("text", f"{where}: {_shown(cell)} is beyond the limit of "
                         f"±{MAX_ABS_VALUE:,.0f}")
    return value


def build(table: Table, choice: Choice, standardize: bool, test_fraction: float = 0.0,
          seed: int = 0) -> Imported:
    """The points of the chosen columns; every cell of them checked. Without a part column,
    round(n · test_fraction) rows drawn by `seed` are the test rows (a file sorted by class
    would otherwise hold out its last class alone)."""
    _check_choice(table, choice)
    rows = range(len(table.rows))
    test = [False] * len(table.rows)
    if choice.part is None and test_fraction > 0:
        drawn = np.random.default_rng(seed).permutation(len(table.rows))
        for r in drawn[:round(len(table.rows) * test_fraction)]:
            test[int(r)] = True
    if choice.part is not None:
        for r in rows:
            cell = table.rows[r][choice.part].lower()
            if cell not in PARTS:
                raise FieldError("text", f"{_where(table.lines[r], choice.part)}: "
                                 f"{_shown(table.rows[r][choice.part])} is neither train nor "
                                 "test (the part column says which points are test points)")
            test[r] = cell == "test"
    order = [r for r in rows if not test[r]] + [r for r in rows if test[r]]
    n_test = sum(test)
    if n_test > MAX_TEST_FRACTION * len(order) + 1e-9:
        raise FieldError("part", f"{n_test} of the {len(order)} rows are test rows: at most "
                         f"{MAX_TEST_FRACTION:.0%} of the points may be held out")
    X = np.array([[_number(table, r, c, "input") for c in choice.inputs] for r in order],
                 dtype=np.float64).reshape(len(order), len(choice.inputs))
    names = table.names()
    if choice.target_kind == "classes":
        c = choice.targets[0]
        labels = [table.rows[r][c] for r in order]
        for r in order:
            if table.rows[r][c] == "":
                raise FieldError("text", f"{_where(table.lines[r], c)} is empty: every row "
                                 "needs its class")
            if len(table.rows[r][c]) > MAX_CSV_LABEL:
                raise FieldError("text", f"{_where(table.lines[r], c)}: a class label has at "
                                 f"most {MAX_CSV_LABEL} characters")
        classes = _ordered(list(dict.fromkeys(labels)))
        if not 2 <= len(classes) <= MAX_OUTPUTS:
            raise FieldError("targets", f"the column {names[c]!r} has {len(classes)} "
                             f"different label{'s' if len(classes) != 1 else ''}: classes "
                             f"need 2 to {MAX_OUTPUTS} (one output node each)")
        index = {label: k for k, label in enumerate(classes)}
        T = np.zeros((len(order), len(classes)))
        T[np.arange(len(order)), [index[label] for label in labels]] = 1.0
        imported = Imported("classes", classes, X, T, n_test)
    else:
        T = np.array([[_number(table, r, c, "target") for c in choice.targets] for r in order],
                     dtype=np.float64).reshape(len(order), len(choice.targets))
        one_hot = (T.shape[1] >= 2 and bool(np.isin(T, (0.0, 1.0)).all())
                   and bool((T.sum(axis=1) == 1).all()))
        imported = Imported("classes" if one_hot else "regression",
                            [names[c] for c in choice.targets] if one_hot else None, X, T,
                            n_test)
    if standardize:
        means = X.mean(axis=0)
        spreads = X.std(axis=0)
        scale = np.where(spreads > 0, spreads, 1.0)
        imported.X = (X - means) / scale + 0.0
        imported.means = [float(m) for m in means]
        imported.spreads = [float(s) for s in spreads]
        flat = [names[c] for c, s in zip(choice.inputs, spreads, strict=True) if s == 0]
        if flat:
            imported.notes.append(f"{', '.join(flat)} has the same value in every row: "
                                  "centred only (its spread is 0)")
    return imported
