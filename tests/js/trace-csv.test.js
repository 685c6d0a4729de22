import assert from "node:assert/strict";
import { test } from "node:test";

import { traceToCsv } from "../../static/js/lib/trace-csv.js";
import { traces } from "./helpers.js";

test("trace_csv_holds_every_number_exactly_and_says_how_it_counts", () => {
  const trace = traces.sigmoid.update;
  const lines = traceToCsv(trace).trimEnd().split("\n");
  const rows = lines.filter((l) => !l.startsWith("#")).map((l) => l.split(","));
  const header = rows[0];
  const nodes = trace.nodes.flat().length;
  const weights = trace.weights.flat(2).length;
  assert.equal(rows.length, 1 + nodes + weights);
  const col = (row, name) => row[header.indexOf(name)];
  // node rows in order, every float64 as String() writes it (the shortest exact form)
  let r = 1;
  trace.nodes.forEach((layer, l) => layer.forEach((n, j) => {
    assert.equal(Number(col(rows[r], "layer")), l);
    assert.equal(Number(col(rows[r], "to")), j);
    assert.equal(Number(col(rows[r], "y")), n.y);
    if (n.dE_dx !== null && n.dE_dx !== undefined) assert.equal(Number(col(rows[r], "dE_dx")), n.dE_dx);
    r += 1;
  }));
  trace.weights.forEach((m, k) => m.forEach((row, i) => row.forEach((w, j) => {
    assert.deepEqual([col(rows[r], "layer"), col(rows[r], "from"), col(rows[r], "to")].map(Number), [k, i, j]);
    assert.equal(Number(col(rows[r], "dE_dw")), w.dE_dw);
    assert.equal(Number(col(rows[r], "w_before")), w.w_before);
    r += 1;
  })));
  const notes = lines.filter((l) => l.startsWith("#"));
  assert.match(notes[0], /^# phase update, step \d+, error /);
  assert.match(notes[1], /numbered from 0 here, from 1 on the page/);
});

test("dataset_csv_gives_every_point_back_exactly", async () => {
  const { datasetToCsv } = await import("../../static/js/lib/trace-csv.js");
  const dataset = { name: null, size: 3, noise: 0, seed: 0, test_fraction: 1 / 3,
                    train: [{ input: [0.1, -1e-7], target: [1] }, { input: [1 / 3, 2], target: [0] }],
                    test: [{ input: [-0.5, 0.25], target: [0.123456789012345] }] };
  const text = datasetToCsv(dataset);
  const [header, ...rows] = text.trim().split("\n");
  assert.equal(header, "x1,x2,t1,part");
  const back = rows.map((r) => r.split(","));
  assert.deepEqual(back.map((r) => r[3]), ["train", "train", "test"]);
  const points = [...dataset.train, ...dataset.test];
  back.forEach((r, n) => {
    assert.deepEqual(r.slice(0, 2).map(Number), points[n].input);
    assert.deepEqual(r.slice(2, 3).map(Number), points[n].target);
  });
  assert.equal(datasetToCsv({ ...dataset, train: [], test: [] }), "");
});
