// A wide network (the digits' 64 pixels, hidden layers of up to 32): its layout, the drawing
// pad, the weights' names, and the formulas that stay readable over a wide layer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { arrangement, inkOf, isWide, layoutGrid, paintDiverging } from "../../static/js/views/grid-layout.js";
import { oneHot, touch } from "../../static/js/views/digit-pad.js";
import { weightIndex } from "../../static/js/explain/notation.js";
import { forwardNode, WIDE_SUM } from "../../static/js/explain/formulas.js";
import { graphModel, MAX_TERMS } from "../../static/js/explain/graph-model.js";
import { textOf } from "../../static/js/explain/mathml.js";
import { layerTooWide } from "../../static/js/lib/limits.js";

const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

test("a_network_is_drawn_as_grids_only_with_a_layer_wider_than_the_cards", () => {
  assert.equal(isWide([2, 8, 10]), false);
  assert.equal(isWide([64, 32, 10]), true);
  assert.equal(isWide([2, 9, 1]), true);
});

test("the_input_is_a_square_image_and_hidden_layers_columns_of_8", () => {
  assert.deepEqual(arrangement(64, 0, false), { cols: 8, rows: 8 });
  assert.deepEqual(arrangement(32, 1, false), { cols: 4, rows: 8 });
  assert.deepEqual(arrangement(32, 1, true), { cols: 8, rows: 4 });
  assert.deepEqual(arrangement(12, 0, false), { cols: 4, rows: 3 });
});

for (const layers of [[64, 32, 10], [64, 32, 16, 10], [64, 10], [64, 9, 10], [12, 32, 1]]) {
  for (const width of [390, 900, 1440]) {
    test(`grid_layout_${layers.join("-")}_at_${width}_keeps_every_cell_apart_and_inside`, () => {
      const lay = layoutGrid(layers, width);
      const cells = layers.flatMap((n, l) => Array.from({ length: n }, (_, j) => lay.cellOf(l, j)));
      for (const c of [...cells, lay.inspector]) {
        assert.ok(c.x >= 0 && c.y >= 0 && c.x + c.w <= lay.width + 1e-9 && c.y + c.h <= lay.height + 1e-9,
                  JSON.stringify(c));
      }
      for (let a = 0; a < cells.length; a++) {
        for (let b = a + 1; b < cells.length; b++) assert.ok(!overlap(cells[a], cells[b]));
        assert.ok(!overlap(cells[a], lay.inspector), "the inspector covers no node");
      }
      assert.equal(lay.vertical, width < 640);
    });
  }
}

test("pictures_are_diverging_white_at_0_and_full_at_the_scale", () => {
  const out = new Uint8ClampedArray(2 * 1 * 4);
  paintDiverging([0.5, -1], { cols: 2, rows: 1 }, 1, [232, 113, 10], [8, 119, 189], out, 2, 0, 0);
  assert.deepEqual([...out.slice(0, 4)], [132, 187, 222, 255]);  // half way to the positive blue
  assert.deepEqual([...out.slice(4, 8)], [232, 113, 10, 255]);   // the full negative orange
  assert.equal(inkOf(0), "rgb(255,255,255)");
  assert.equal(inkOf(1), "rgb(30,30,30)");
  assert.equal(inkOf(7), inkOf(1));
});

test("a_stroke_inks_its_pixel_and_half_inks_its_neighbours_and_erases", () => {
  let p = Array(64).fill(0);
  p = touch(p, 8, 8, 3, 2, false);
  assert.equal(p[2 * 8 + 3], 1);
  for (const at of [2 * 8 + 2, 2 * 8 + 4, 8 + 3, 3 * 8 + 3]) assert.equal(p[at], 0.375);
  assert.equal(p.filter((v) => v > 0).length, 5);
  assert.equal(touch(p, 8, 8, 3, 2, true)[2 * 8 + 3], 0);
  assert.deepEqual(touch(p, 8, 8, 9, 0, false), p, "outside the image: nothing");
  assert.equal(touch([0, 0, 0, 0], 2, 2, 0, 0, false).length, 4);
  assert.deepEqual(oneHot(2, 4), [0, 0, 1, 0]);
});

test("a_weight_index_has_a_comma_once_a_node_number_has_two_digits", () => {
  assert.equal(weightIndex(0, 1), "12");
  assert.equal(weightIndex(63, 9), "64,10");
  assert.equal(weightIndex(8, 0), "91");  // node 9 to node 1: one digit each
  assert.equal(weightIndex(9, 0), "10,1");
});

test("a_layer_too_wide_is_named_with_its_limit", () => {
  const limits = { max_nodes: 8, max_inputs: 64, max_hidden: 32, max_outputs: 10 };
  assert.equal(layerTooWide([64, 32, 10], limits), "");
  assert.match(layerTooWide([2, 33, 1], limits), /^Hidden layer 1 can have at most 32 nodes/);
});

/** A trace of a 64-3-2 network with pixel-like inputs (a third of them 0). */
function wideTrace() {
  const y0 = Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? 0 : ((i * 7) % 17) / 16));
  const w = Array.from({ length: 64 }, (_, i) => Array.from({ length: 3 }, (_, j) => Math.sin(i * 3.1 + j)));
  const b = [0.1, -0.2, 0.3];
  const x = [0, 1, 2].map((j) => y0.reduce((t, y, i) => t + w[i][j] * y, 0) + b[j]);
  return {
    trace: {
      nodes: [y0.map((y) => ({ x: y, y })), x.map((v, j) => ({ x: v, y: 1 / (1 + Math.exp(-v)), b: b[j],
                                                                     dE_dx: null, dE_db: null }))],
      weights: [w.map((r) => r.map((v) => ({ w: v, dE_dw: null })))],
      error: null, target: [0, 1, 0],
    },
    w, y0, b, x,
  };
}

test("a_sum_over_a_wide_layer_writes_its_largest_terms_and_the_rest_in_one", () => {
  const { trace, w, y0, x } = wideTrace();
  const [xLine] = forwardNode(trace, (k, i, j) => w[i][j], 1, 1, "sigmoid");
  const text = textOf(xLine);
  assert.match(text, /Σ/);
  assert.match(text, /\[the other 58 w·y \(\d+ of them on an input of 0\)\]/);
  const products = [...text.matchAll(/\(?(−?\d+\.\d+)\)?·(\d+\.\d+)/g)];
  assert.equal(products.length, WIDE_SUM - 2, "six products written out");
  const largest = y0.map((y, i) => Math.abs(w[i][1] * y)).sort((a, c) => c - a)[WIDE_SUM - 3];
  for (const [, a, c] of products) {
    assert.ok(Math.abs(Number(a.replace("−", "-")) * Number(c)) >= largest - 1e-3, "only the largest");
  }
  assert.ok(text.endsWith(x[1].toFixed(4).replace("-", "−")), text.slice(-40));
});

test("the_graph_of_a_node_over_a_wide_layer_draws_its_largest_terms_and_sums_the_rest", () => {
  const { trace, w, y0, x } = wideTrace();
  const model = graphModel(/** @type {any} */ (trace), { kind: "forward", layer: 1 }, 1, 2, { loss: "squared" });
  const times = model.nodes.filter((n) => n.op === "×");
  assert.equal(times.length, MAX_TERMS - 2);
  const rest = model.edges.find((e) => e.id === "rest-s");
  const drawn = model.edges.filter((e) => e.to === "s" && e.id !== "rest-s");
  const total = drawn.reduce((t, e) => t + e.value, 0) + rest.value;
  assert.ok(Math.abs(total + 0.3 - x[2]) < 1e-12, "the drawn terms and the rest add up to x − b");
  assert.equal(model.nodes.find((n) => n.id === "rest").op, "58 more w·y");
  assert.ok(y0.length === 64 && w.length === 64);
});

test("a_gradient_check_of_thousands_of_parameters_lists_the_largest_differences", async () => {
  const { rowsShown, MAX_ROWS } = await import("../../static/js/views/gradcheck-card.js");
  const entries = Array.from({ length: 2410 }, (_, n) => ({ n, relative_difference: ((n * 7919) % 2410) / 1e9 }));
  const rows = rowsShown(entries);
  assert.equal(rows.length, MAX_ROWS);
  assert.equal(rows[0].relative_difference, Math.max(...entries.map((e) => e.relative_difference)));
  for (let k = 1; k < rows.length; k++) assert.ok(rows[k - 1].relative_difference >= rows[k].relative_difference);
  const few = entries.slice(0, 9);
  assert.deepEqual(rowsShown(few), few, "a small network lists every row, in order");
});

test("a_fast_stroke_inks_every_cell_between_the_points_the_pen_reported", async () => {
  const { cellsBetween } = await import("../../static/js/views/digit-pad.js");
  assert.deepEqual(cellsBetween(4, 0, 4, 3), [[4, 0], [4, 1], [4, 2], [4, 3]]);
  assert.deepEqual(cellsBetween(0, 0, 2, 1), [[0, 0], [1, 1], [2, 1]]);
  assert.deepEqual(cellsBetween(5, 5, 5, 5), [[5, 5]]);
});

test("bands_of_layers_top_to_bottom_never_overlap", () => {
  for (const layers of [[64, 32, 10], [64, 32, 16, 10], [64, 16, 10]]) {
    const lay = layoutGrid(layers, 390);
    for (let l = 1; l < layers.length; l++) {
      const a = lay.band(l - 1);
      assert.ok(a.y + a.h <= lay.band(l).y, `${layers}: band ${l - 1} runs into band ${l}`);
    }
    assert.ok(lay.band(layers.length - 1).y + lay.band(layers.length - 1).h <= lay.inspector.y);
  }
});

test("the_error_of_a_softmax_network_is_explained_as_minus_ln_of_the_targets_y", async () => {
  const { traces } = await import("./helpers.js");
  const { grade } = await import("../../static/js/explain/quiz.js");
  const t = traces.softmax.forward;
  const k = t.target.indexOf(1);
  const L = t.nodes.length;
  const E = { kind: "value", prompt: "?", truth: t.error, tolerance: "",
              about: { type: "node", l: L - 1, j: 0, what: "E" } };
  const why = grade(E, "0.5", { trace: t, settings: { loss: "categorical_cross_entropy",
                                                      output_activation: "softmax" } }).why;
  assert.ok(Math.abs(-Math.log(t.nodes[L - 1][k].y) - t.error) < 1e-12);
  assert.ok(why.includes(`= −ln ${t.nodes[L - 1][k].y.toFixed(4)} = ${t.error.toFixed(4)}.`), why);
  assert.doesNotMatch(why, /½/);
});

test("the_confusion_note_names_the_classes_as_the_table_does", async () => {
  const { confusionTable } = await import("../../static/js/explain/training-notes.js");
  const m = Array.from({ length: 10 }, (_, k) => Array.from({ length: 10 }, (_, p) => (p === k ? 9 : 0)));
  m[7][3] = 4;
  assert.match(confusionTable(m, "test", "0123456789".split("")).note,
               /the most common mistake: 4 of class "7" taken for class "3"\./);
  assert.match(confusionTable(m, "test").note, /4 of class 8 taken for class 4\./);
});

test("the_error_of_ten_classes_and_a_one_hot_target_keeps_the_targets_term_only", async () => {
  const { errorEquation } = await import("../../static/js/explain/formulas.js");
  const ys = [0.05, 0.1, 0.05, 0.1, 0.05, 0.1, 0.05, 0.1, 0.3, 0.1];
  const target = ys.map((_, k) => (k === 9 ? 1 : 0));
  const trace = { nodes: [[{ x: 0, y: 0 }], ys.map((y) => ({ x: 0, y }))], target,
                  error: -Math.log(0.1) };
  const text = textOf(errorEquation("categorical_cross_entropy", trace));
  assert.match(text, /t₁₀ = 1, every other t = 0/);
  assert.ok(text.includes("=−ln(0.1000) =2.3026"), text);
  // three classes: every term written, as before
  const three = { nodes: [[{ x: 0, y: 0 }], [0.2, 0.3, 0.5].map((y) => ({ x: 0, y }))],
                  target: [0, 0, 1], error: -Math.log(0.5) };
  assert.match(textOf(errorEquation("categorical_cross_entropy", three)), /0·ln0\.2000/);
});
