import assert from "node:assert/strict";
import { test } from "node:test";

import { curves, operatingPoint, softmaxAlone } from "../../static/js/explain/activations.js";
import { explain, narrate } from "../../static/js/explain/explanation.js";
import { softmaxJacobian } from "../../static/js/explain/chain-rule.js";
import { graphModel } from "../../static/js/explain/graph-model.js";
import { textOf } from "../../static/js/explain/mathml.js";
import { fmt } from "../../static/js/lib/format.js";
import {
  checkLossAndOutput, checkSample, completeProbabilities, pairOutputOnly,
} from "../../static/js/actions/validate.js";
import { defaultSample } from "../../static/js/state/store.js";
import { options, traces } from "./helpers.js";

// A 2-3-3 network, tanh then softmax, categorical cross entropy, target (0, 1, 0): the app's
// own answers (tests/js_fixtures.py).
const { backward, forward } = traces.softmax;
const settings = { activation: "tanh", output_activation: "softmax", loss: "categorical_cross_entropy" };
const text = (ex) => ex.formulas.map(textOf).join("\n");

test("softmax_forward_writes_each_y_over_every_x_of_the_layer", () => {
  const out = forward.nodes[2];
  const ex = explain({ trace: forward, settings }, { kind: "forward", layer: 2 },
                     { type: "node", l: 2, j: 1 });
  const written = text(ex);
  for (const n of out) assert.ok(written.includes(fmt(n.x)), `${fmt(n.x)} in ${written}`);
  assert.ok(written.trimEnd().endsWith(fmt(out[1].y)), written);
  assert.match(ex.note, /each y depends on every x of the layer/);
  // its curve over its own x, the others held: σ(x − c), c = ln Σ eˣʲ of the others, whose
  // value at the node's x is the server's y, and whose slope is y(1 − y)
  const c = Math.log(out.filter((_, k) => k !== 1).reduce((a, n) => a + Math.exp(n.x), 0));
  assert.equal(ex.operating?.activation, "softmax");
  assert.ok(Math.abs((ex.operating?.shift ?? 0) - c) < 1e-12);
  const alone = softmaxAlone(c);
  assert.ok(Math.abs(alone.f(out[1].x) - out[1].y) < 1e-12);
  assert.ok(Math.abs(alone.df(out[1].x) - out[1].y * (1 - out[1].y)) < 1e-12);
  const point = operatingPoint("softmax", out[1].x, c);
  assert.ok(Math.abs(point.slope - out[1].y * (1 - out[1].y)) < 1e-12);
  const drawn = curves("softmax", out[1].x, 11, c);
  assert.ok(drawn.range[0] < c && c < drawn.range[1]);
  assert.match(narrate({ kind: "forward", layer: 2 }, 3, settings), /applies softmax/);
  // the y's the server computed are softmax's
  const sum = out.reduce((s, n) => s + Math.exp(n.x), 0);
  out.forEach((n) => assert.ok(Math.abs(n.y - Math.exp(n.x) / sum) < 1e-15));
});

test("softmax_error_is_minus_the_sum_of_t_ln_y_with_its_numbers", () => {
  const ex = explain({ trace: forward, settings }, { kind: "error", layer: 2 },
                     { type: "node", l: 2, j: 0 });
  const written = text(ex);
  assert.match(written, /ln/);
  for (const n of forward.nodes[2]) assert.ok(written.includes(fmt(n.y)));
  assert.ok(written.endsWith(fmt(forward.error)), written);
  assert.ok(Math.abs(forward.error + Math.log(forward.nodes[2][1].y)) < 1e-14);
  assert.match(ex.note, /only the true class's term is left/);
});

test("softmax_backward_goes_through_the_jacobian_to_y_minus_t", () => {
  const trace = backward;
  const out = trace.nodes[2];
  for (const j of [0, 1, 2]) {
    const column = softmaxJacobian(out, j);
    // Σ_m ∂E/∂y_m·∂y_m/∂x_j is the server's ∂E/∂x_j, and equals y_j − t_j
    const chained = column.reduce((s, { k, value }) => s + out[k].dE_dy * value, 0);
    assert.ok(Math.abs(chained - out[j].dE_dx) < 1e-12, `${chained} ${out[j].dE_dx}`);
    assert.ok(Math.abs(out[j].dE_dx - (out[j].y - trace.target[j])) < 1e-15);
    assert.deepEqual(column.map((c) => c.delta), [0, 1, 2].map((k) => (k === j ? 1 : 0)));
    const ex = explain({ trace, settings }, { kind: "backward", layer: 2 },
                       { type: "node", l: 2, j });
    const written = text(ex);
    for (const { value } of column) assert.ok(written.includes(fmt(value)), `${fmt(value)}`);
    assert.ok(written.includes(fmt(out[j].dE_dy)) && written.includes(fmt(out[j].dE_dx)));
    assert.match(ex.note, /Softmax couples the outputs/);
  }
  assert.match(narrate({ kind: "backward", layer: 2 }, 3, settings), /Jacobian/);
});

test("softmax_graph_takes_every_other_x_of_the_layer", () => {
  const trace = backward;
  const model = graphModel(trace, { kind: "backward", layer: 2 }, 2, 0, settings);
  assert.ok(model);
  assert.equal(model.nodes.find((n) => n.id === "f")?.op, "softmax");
  const others = model.edges.filter((e) => e.to === "f" && e.from !== "p");
  assert.deepEqual(others.map((e) => [e.value, e.grad]),
                   [1, 2].map((k) => [trace.nodes[2][k].x, trace.nodes[2][k].dE_dx]));
  const plain = graphModel(trace, { kind: "backward", layer: 2 }, 2, 0,
                           { ...settings, output_activation: "sigmoid" });
  assert.equal(plain?.nodes.find((n) => n.id === "f")?.op, "f");
});

test("softmax_and_its_loss_are_chosen_together_and_left_together", () => {
  const { losses, activations } = options;
  const plain = { loss: "squared", output_activation: "sigmoid", layers: [2, 3, 3] };
  const soft = { loss: "categorical_cross_entropy", output_activation: "softmax", layers: [2, 3, 3] };
  assert.deepEqual(pairOutputOnly({ output_activation: "softmax" }, plain, losses, activations),
                   { output_activation: "softmax", loss: "categorical_cross_entropy" });
  assert.deepEqual(pairOutputOnly({ loss: "categorical_cross_entropy" }, plain, losses, activations),
                   { loss: "categorical_cross_entropy", output_activation: "softmax" });
  assert.deepEqual(pairOutputOnly({ output_activation: "tanh" }, soft, losses, activations),
                   { output_activation: "tanh", loss: "squared" });
  assert.deepEqual(pairOutputOnly({ loss: "cross_entropy" }, soft, losses, activations),
                   { loss: "cross_entropy", output_activation: "sigmoid" });
  assert.deepEqual(pairOutputOnly({ loss: "squared" }, soft, losses, activations),
                   { loss: "squared", output_activation: "sigmoid" });
  assert.deepEqual(pairOutputOnly({ learning_rate: 0.1 }, soft, losses, activations),
                   { learning_rate: 0.1 });
  // through the check the page runs before a call
  assert.deepEqual(checkLossAndOutput({ output_activation: "softmax" }, plain, losses,
                                      [["the sample", 1], ["the sample", 0], ["the sample", 0]],
                                      activations).value,
                   { output_activation: "softmax", loss: "categorical_cross_entropy" });
  // one output node: refused in words, before any call
  assert.match(checkLossAndOutput({ output_activation: "softmax" }, { ...plain, layers: [1, 2, 1] },
                                  losses, [], activations).message,
               /softmax needs 2 or more output nodes.*e\.g\. 1-4-3/);
  // targets that are not a probability vector: refused, naming where
  assert.match(checkLossAndOutput({ output_activation: "softmax" }, plain, losses,
                                  [["the sample", 0.5], ["the sample", 0.5], ["the sample", 0.5],
                                   ["point 0", 1], ["point 0", 0], ["point 0", 0]],
                                  activations).message,
               /add up to 1.*the sample has targets adding up to 1\.5/);
});

test("softmax_sample_targets_are_a_probability_vector", () => {
  const limits = options.limits;
  const loss = "categorical_cross_entropy";
  assert.ok(checkSample({ input: [0, 0], target: [0, 1, 0] }, limits, loss).ok);
  assert.ok(checkSample({ input: [0, 0], target: [0.25, 0.25, 0.5] }, limits, loss).ok);
  assert.match(checkSample({ input: [0, 0], target: [0.5, 0.6, 0] }, limits, loss).message,
               /adding up to 1/);
  assert.match(checkSample({ input: [0, 0], target: [1.5, -0.5, 0] }, limits, loss).message,
               /each between 0 and 1/);
  assert.deepEqual(defaultSample([2, 3, 3], "softmax"), { input: [0.5, -0.3], target: [1, 0, 0] });
  assert.deepEqual(defaultSample([2, 3, 3], "sigmoid").target, [0.5, 0.5, 0.5]);
  // the hidden layers' choices leave softmax out
  assert.deepEqual(options.activations.filter((a) => a.output_only).map((a) => a.name), ["softmax"]);
});

test("softmax_targets_typed_one_field_at_a_time_stay_a_probability_vector", () => {
  assert.deepEqual(completeProbabilities([1, 0, 0], [1, 1, 0]), [0, 1, 0]);  // class 2 now
  assert.deepEqual(completeProbabilities([0, 1, 0], [0, 0.5, 0]), [0.25, 0.5, 0.25]);
  assert.deepEqual(completeProbabilities([0.2, 0.3, 0.5], [0.2, 0.3, 0]), [0.4, 0.6, 0]);
  assert.deepEqual(completeProbabilities([1, 0, 0], [1, 2, 0]), [1, 2, 0]);  // refused later
  assert.deepEqual(completeProbabilities([1, 0, 0], [0, 1, 0]), [0, 1, 0]);  // two typed: kept
  assert.deepEqual(completeProbabilities([0.5], [0.7]), [0.7]);
});
