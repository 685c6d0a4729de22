"""POST /api/datasets/csv: the learner's own data as CSV text, read and bounded by the server
(api/csv_import.py); the page shows what the server read and never trusts a parse of its own.
It keeps nothing: with the columns chosen it answers the points, which the page then puts as
the network's dataset (PUT /api/networks/{id}/dataset)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from ..errors import FieldError
from . import csv_import
from .calls import NetworkCalls
from .errors import ERROR_RESPONSES
from .render import json_answer
from .requests import CsvRequest, Sample
from .responses import CsvChoice, CsvColumn, CsvDataset, CsvOut, ErrorOut

router = APIRouter(prefix="/api/datasets", tags=["training"], responses=ERROR_RESPONSES)


def read_csv(body: CsvRequest) -> CsvOut:
    """The file's columns and first rows, and with a choice of columns, its points."""
    table = csv_import.read_table(body.text, body.header)
    columns = csv_import.describe(table)
    suggested = csv_import.suggest(columns)
    dataset = None
    if body.inputs is not None or body.targets is not None:
        if body.inputs is None or body.targets is None:
            raise FieldError("targets" if body.targets is None else "inputs",
                             "choose the inputs and the targets together")
        kind = body.target_kind
        if kind is None:
            kind = ("classes" if len(body.targets) == 1 and body.targets[0] < table.width
                    and csv_import.holds_labels(table, body.targets[0]) else "numbers")
        choice = csv_import.Choice(body.inputs, body.targets, kind, body.part)
        made = csv_import.build(table, choice, body.standardize, body.test_fraction, body.seed)
        names = table.names()
        n = len(made.X)
        dataset = CsvDataset(
            problem=made.problem, classes=made.classes,
            inputs=[names[c] for c in body.inputs], targets=[names[c] for c in body.targets],
            points=[Sample.model_construct(input=made.X[r].tolist(), target=made.T[r].tolist())
                    for r in range(n)],
            test_fraction=made.test_fraction, means=made.means, spreads=made.spreads,
            notes=made.notes)
    return CsvOut(
        separator=csv_import.SEPARATORS[table.separator],  # type: ignore[arg-type]
        header=table.header is not None, rows=len(table.rows),
        columns=[CsvColumn(index=c.index, name=c.name, kind=c.kind, labels=c.labels,
                           distinct=c.distinct) for c in columns],
        first_rows=[[csv_import.cut(x) for x in row]
                    for row in table.rows[:csv_import.PREVIEW_ROWS]],
        first_lines=table.lines[:csv_import.PREVIEW_ROWS],
        suggested=CsvChoice(inputs=suggested.inputs, targets=suggested.targets,
                            target_kind=suggested.target_kind, part=suggested.part),
        dataset=dataset)


@router.post("/csv", response_model=CsvOut, responses={
    413: {"model": ErrorOut, "description": "The file is larger than the body's limit"}})
async def import_csv(calls: NetworkCalls, body: CsvRequest) -> Response:
    """Read a CSV file's text: its separator, header, columns (each a number, label or part
    column) and first rows, with the columns proposed for the inputs and the target; with
    `inputs` and `targets` chosen, also the points, ready for PUT …/dataset (a class column
    made one-hot, the inputs standardized if asked). A file that cannot be used is refused
    (422) naming its line and column. Changes nothing."""
    async with calls.heavy.slot(calls.caller.client, calls.caller.gone) as on_worker:
        return await on_worker(lambda: json_answer(read_csv(body)))
