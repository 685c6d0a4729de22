import assert from "node:assert/strict";
import { test } from "node:test";

import { explain, narrate } from "../../static/js/explain/explanation.js";
import { phasesFor } from "../../static/js/state/stepper.js";
import { fmt } from "../../static/js/lib/format.js";
import { textOf } from "../../static/js/explain/mathml.js";
import { traces } from "./helpers.js";

const ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "linear"];
const PHASES = [{ kind: "input", layer: 0 }, { kind: "forward", layer: 1 },
                { kind: "forward", layer: 2 }, { kind: "forward", layer: 3 },
                { kind: "error", layer: 3 }, { kind: "backward", layer: 3 },
                { kind: "backward", layer: 2 }, { kind: "backward", layer: 1 },
                { kind: "update", layer: null }];

/** Every formula tree is whole: no missing part anywhere (what broke "linear"). */
function assertWhole(node) {
  assert.ok(node !== undefined && node !== null, "a formula has a missing part");
  if (typeof node === "string") return;
  for (const c of node.children) assertWhole(c);
}

test("explain_every_activation_at_every_phase_for_every_node_is_whole", () => {
  const { update } = traces.sigmoid;
  for (const activation of ACTIVATIONS) {
    for (const output_activation of ACTIVATIONS) {
      const record = { trace: update, settings: { activation, output_activation, loss: "squared" } };
      for (const phase of PHASES) {
        for (const [l, j] of [[0, 0], [1, 0], [2, 1], [3, 0]]) {
          const ex = explain(record, phase, { type: "node", l, j });
          assert.ok(ex.narration.length > 20);
          ex.formulas.forEach(assertWhole);
        }
        explain(record, phase, { type: "link", k: 1, i: 1, j: 0 }).formulas.forEach(assertWhole);
      }
    }
  }
});

test("explain_forward_substitutes_the_numbers_of_the_sum", () => {
  const { forward } = traces.sigmoid;
  const record = { trace: forward, settings: { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" } };
  const ex = explain(record, { kind: "forward", layer: 1 }, { type: "node", l: 1, j: 0 });
  const text = textOf(ex.formulas[0]);
  const w = forward.weights[0][0][0].w;
  assert.ok(text.includes(`${fmt(w)}·${fmt(forward.nodes[0][0].y)}`), text);
  assert.ok(text.endsWith(fmt(forward.nodes[1][0].x)), text);
});

test("explain_linear_activation_shows_y_equals_x", () => {
  const { forward } = traces.linear;
  const record = { trace: forward, settings: { activation: "linear", output_activation: "linear", loss: "squared" } };
  const ex = explain(record, { kind: "forward", layer: 1 }, { type: "node", l: 1, j: 0 });
  assert.equal(ex.formulas.length, 2);
  assert.ok(textOf(ex.formulas[1]).includes(fmt(forward.nodes[1][0].x)));
});

test("explain_weight_gradient_is_y_times_dE_dx", () => {
  const { backward } = traces.sigmoid;
  const record = { trace: backward, settings: { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" } };
  const ex = explain(record, { kind: "backward", layer: 3 }, { type: "link", k: 2, i: 1, j: 0 });
  const text = textOf(ex.formulas[0]);
  const y = backward.nodes[2][1].y;
  const dx = backward.nodes[3][0].dE_dx;
  assert.ok(text.includes(fmt(y)) && text.includes(fmt(Math.abs(dx)).replace("−", "")), text);
  assert.ok(text.endsWith(fmt(backward.weights[2][1][0].dE_dw)), text);
});

test("explain_update_puts_negative_factors_in_parentheses", () => {
  const { update } = traces.sigmoid;
  const record = { trace: update, settings: { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" } };
  const negative = update.weights.flatMap((m, k) => m.flatMap((r, i) => r.map((w, j) => ({ w, k, i, j }))))
    .find(({ w }) => w.dE_dw < 0);
  assert.ok(negative, "the fixture has a negative gradient");
  const { k, i, j } = negative;
  const text = textOf(explain(record, { kind: "update", layer: null }, { type: "link", k, i, j }).formulas[0]);
  assert.ok(text.includes(`·(${fmt(negative.w.dE_dw)})`), text);
});

test("explain_hidden_dy_sums_the_paths_through_the_layer_above", () => {
  const { backward } = traces.sigmoid;
  const record = { trace: backward, settings: { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" } };
  const ex = explain(record, { kind: "backward", layer: 1 }, { type: "node", l: 1, j: 0 });
  const n = backward.nodes[1][0];
  const [dy, slope, dx, db] = ex.formulas.map(textOf);
  const terms = backward.nodes[2].map((a, k) => a.dE_dx * backward.weights[1][0][k].w);
  assert.ok(Math.abs(terms.reduce((s, t) => s + t, 0) - n.dE_dy) < 1e-15);
  assert.ok(dy.endsWith(fmt(n.dE_dy)) && dy.includes("Σ"), dy);
  assert.ok(slope.endsWith(fmt(n.y * (1 - n.y))), slope);
  assert.ok(dx.endsWith(fmt(n.dE_dx)) && db.endsWith(fmt(n.dE_db)), dx);
  assert.match(ex.note, /chain rule for a function of several variables/);
  assert.match(ex.note, /effects add up/);
  assert.match(ex.note, /j = 1 … 2/);
});

test("explain_sigmoid_cross_entropy_output_shows_y_minus_t", () => {
  const { backward } = traces.cross_entropy;
  const record = { trace: backward, settings: { activation: "sigmoid", output_activation: "sigmoid", loss: "cross_entropy" } };
  const ex = explain(record, { kind: "backward", layer: 2 }, { type: "node", l: 2, j: 0 });
  const out = backward.nodes[2][0];
  const dx = textOf(ex.formulas[2]);
  assert.ok(dx.includes("y−t") && dx.endsWith(fmt(out.dE_dx)), dx);
  assert.match(ex.note, /cancels/);
});

test("explain_update_without_a_selection_compares_E_before_and_after", () => {
  const { update } = traces.sigmoid;
  const record = { trace: update, settings: { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" } };
  const ex = explain(record, { kind: "update", layer: null }, null);
  const [change, predicted] = ex.formulas.map(textOf);
  const grads = [...update.weights.flat(2).map((w) => w.dE_dw), ...update.nodes.slice(1).flat().map((n) => n.dE_db)];
  assert.ok(change.endsWith(fmt(update.error_after - update.error)), change);
  assert.ok(predicted.endsWith(fmt(-update.learning_rate * grads.reduce((s, g) => s + g * g, 0))), predicted);
  assert.match(ex.note, /E fell/);
});

test("explain_update_says_the_prediction_held_only_when_E_fell_by_about_it", () => {
  const { update } = traces.sigmoid;
  const settings = { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" };
  const grads = [...update.weights.flat(2).map((w) => w.dE_dw), ...update.nodes.slice(1).flat().map((n) => n.dE_db)];
  const predicted = -update.learning_rate * grads.reduce((s, g) => s + g * g, 0);
  const note = (share) => explain({ trace: { ...update, error_after: update.error + share * predicted },
                                    settings }, { kind: "update", layer: null }, null).note;
  assert.match(note(0.95), /E fell by about what the gradient predicted \(95% of it\)/);
  assert.match(note(0.63), /E fell by 63% of what the first-order prediction says/);  // lr 10
  assert.match(note(1.6), /E fell by 160% of what/);
  assert.match(note(-0.2), /E rose: the step overshot/);
});

test("narration_says_why_each_phase_follows", async () => {
  const { narrate } = await import("../../static/js/explain/explanation.js");
  const settings = { activation: "relu", output_activation: "sigmoid", loss: "squared" };
  assert.match(narrate({ kind: "error", layer: 3 }, 4, settings), /Now that E is known/);
  assert.match(narrate({ kind: "backward", layer: 1 }, 4, settings), /previous phase found/);
  assert.match(narrate({ kind: "update", layer: null }, 4, settings), /every gradient is now known/);
  assert.match(narrate({ kind: "update", layer: null }, 4, settings),
               /the x and y are still the forward pass's, from the old ones/);
});

test("operating_point_names_saturation_and_a_dead_relu", async () => {
  const { operatingPoint, curves, ACTIVATIONS } = await import("../../static/js/explain/activations.js");
  assert.equal(operatingPoint("relu", -0.3).state, "dead");
  assert.equal(operatingPoint("sigmoid", 8).state, "saturated");
  assert.equal(operatingPoint("sigmoid", 0).state, "active");
  assert.equal(operatingPoint("tanh", 4).state, "saturated");
  const c = curves("sigmoid", 12);
  assert.ok(c.range[1] > 12, "the x of the node is inside the picture");
  // f′ agrees with a central difference of f, for every activation
  for (const [name, a] of Object.entries(ACTIVATIONS)) {
    for (const x of [-2.3, -0.4, 0.7, 3.1]) {
      const h = 1e-6;
      assert.ok(Math.abs((a.f(x + h) - a.f(x - h)) / (2 * h) - a.df(x)) < 1e-6, `${name} at ${x}`);
    }
  }
});

test("gradient_sizes_say_vanishing_or_exploding", async () => {
  const { describeSizes, shownSizes } = await import("../../static/js/views/gradient-chart.js");
  assert.match(describeSizes([1e-6, 1e-4, 1e-2]), /vanishing/);
  assert.match(describeSizes([1e3, 10, 1]), /exploding/);
  assert.match(describeSizes([0.1, 0.12, 0.09]), /same size/);
  assert.match(describeSizes([0.02, 0.05, 0.1]), /shrinks 5\.0-fold: the layers learn at different paces/);
  // The sizes shown are the server's: the pass's once it has gone backward, else training's.
  const { backward, forward } = traces.sigmoid;
  const phases = phasesFor(4);
  const at = (trace, phase = 0) => ({ stepper: { phases, records: [{ trace, settings: {} }],
                                                 cursor: { record: 0, phase } },
                                      gradientSizes: [7], predict: { quiz: null } });
  const index = (kind, layer) => phases.findIndex((p) => p.kind === kind && p.layer === layer);
  // before the backward walk no layer is reached; then one more layer at each phase
  for (const [kind, layer] of [["input", 0], ["forward", 2], ["error", 3]]) {
    assert.deepEqual(shownSizes(at(forward, index(kind, layer))), [null, null, null]);
  }
  const [g1, g2, g3] = backward.gradient_sizes;
  assert.deepEqual(shownSizes(at(backward, index("backward", 3))), [null, null, g3]);
  assert.deepEqual(shownSizes(at(backward, index("backward", 2))), [null, g2, g3]);
  assert.deepEqual(shownSizes(at(backward, index("backward", 1))), [g1, g2, g3]);
  assert.deepEqual(shownSizes(at(backward, index("update", null))), [g1, g2, g3]);
  assert.match(describeSizes([null, null, g3]), /reached w⁽³⁾ so far/);
  assert.match(describeSizes([null, g2, g3]), /reached w⁽²⁾ to w⁽³⁾ so far/);
  assert.match(describeSizes([null, null, null]), /has not started/);
  // not stepping through a pass: the last training call's
  assert.deepEqual(shownSizes({ stepper: { phases, records: [], cursor: null },
                                gradientSizes: [7], predict: { quiz: null } }), [7]);
  assert.equal(backward.gradient_sizes.length, 3);
  const layer0 = backward.weights[0].flat().map((w) => Math.abs(w.dE_dw));
  assert.ok(Math.abs(backward.gradient_sizes[0] - layer0.reduce((s, g) => s + g, 0) / layer0.length)
            < 1e-15);
});

test("graph_model_values_and_gradients_equal_the_trace", async () => {
  const { graphModel } = await import("../../static/js/explain/graph-model.js");
  const { backward, forward } = traces.sigmoid;
  const settings = { loss: "squared" };
  const g = graphModel(backward, { kind: "backward", layer: 1 }, 3, 0, settings);
  const edge = (id) => g.edges.find((e) => e.id === id);
  const out = backward.nodes[3][0];
  assert.equal(edge("p-f").value, out.x);
  assert.equal(edge("p-f").grad, out.dE_dx);
  assert.equal(edge("f-E").grad, out.dE_dy);
  assert.equal(edge("b-p").grad, out.dE_db);
  for (let i = 0; i < 2; i++) {
    assert.equal(edge(`w${i}-m${i}`).grad, backward.weights[2][i][0].dE_dw);
    assert.equal(edge(`y${i}-m${i}`).value, backward.nodes[2][i].y);
  }
  const sum = edge("s-p").value + edge("b-p").value;
  assert.ok(Math.abs(sum - out.x) < 1e-12, "Σ + b = x");
  // each name says its layer (a learner read "y1" and "w1" and could not tell which)
  assert.equal(edge("y1-m1").label, "y⁽²⁾₂");
  assert.equal(edge("w1-m1").label, "w⁽³⁾₂₁");
  assert.equal(edge("m1-s").label, "w⁽³⁾₂₁·y⁽²⁾₂");
  // before the backward pass reaches the node, no gradient shows
  const early = graphModel(forward, { kind: "error", layer: 3 }, 3, 0, settings);
  assert.ok(early.edges.every((e) => e.grad === null));
  assert.equal(graphModel(forward, { kind: "forward", layer: 1 }, 3, 0, settings).edges
    .find((e) => e.id === "p-f").value, null);
});

test("the_l2_prediction_writes_a_negative_decay_as_a_subtraction", () => {
  const { update } = traces.sigmoid;
  // Weights of both signs, and λ: the decay Σ ∂E/∂w·w is negative here.
  const weights = update.weights.map((m) => m.map((r) => r.map((w) => ({ ...w, w_before: -Math.sign(w.dE_dw || 1) * 0.5 }))));
  const trace = { ...update, weights, l2: 0.1 };
  const decay = 0.1 * weights.flat(2).reduce((s, w) => s + w.dE_dw * w.w_before, 0);
  assert.ok(decay < 0);
  const record = { trace, settings: { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" } };
  const text = explain(record, { kind: "update", layer: null }, { type: "link", k: 0, i: 0, j: 0 })
    .formulas.map(textOf).join("\n");
  assert.ok(!/\+\s*−/.test(text), text);
  assert.ok(text.includes(`−${fmt(-decay)})`), text);
});

test("the_graph_at_the_update_says_its_pass_used_the_weights_from_before", () => {
  const { update, backward } = traces.sigmoid;
  const settings = { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" };
  const at = (trace, phase) => explain({ trace, settings }, phase, { type: "node", l: 3, j: 0 }).graph;
  assert.match(at(update, { kind: "update", layer: null }).after, /before the update/);
  assert.equal(at(backward, { kind: "backward", layer: 3 }).after, "");
});

test("a_long_sum_goes_over_lines_that_fit_a_narrow_panel_and_reads_the_same", async () => {
  const { sum, product, mn, textOf } = await import("../../static/js/explain/mathml.js");
  const terms = [[0.0022, 0.559], [0.0067, 0.3676], [-0.0017, 0.8004], [0.0068, -0.7285]]
    .map(([a, b]) => product(mn(a, true), mn(b, true)));
  const long = sum(terms);
  assert.equal(long.tag, "mtable");
  for (const line of long.children) assert.ok(textOf(line).length <= 30, textOf(line));
  assert.equal(textOf(long).replace(/ /g, ""), terms.map(textOf).join("+"));
  assert.equal(sum(terms.slice(0, 2)).tag, "mrow");  // two terms stay on one line
});

test("activationSteps_writes_a_negative_x_inside_a_function_once_in_parentheses", async () => {
  const { activationSteps } = await import("../../static/js/explain/formulas.js");
  assert.equal(textOf(activationSteps("tanh", -0.0722)[1]), `tanh(${fmt(-0.0722)})`);
  assert.equal(textOf(activationSteps("relu", -0.5)[1]), `max(0,${fmt(-0.5)})`);
  assert.match(textOf(activationSteps("sigmoid", -0.5)[1]), /\(−0\.5000\)/);  // after a sign: kept
});

test("explain_states_the_update_rule_in_effect_with_or_without_l2", () => {
  const settings = { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" };
  const backwardNote = (trace) => explain({ trace, settings }, { kind: "backward", layer: 3 },
                                          { type: "link", k: 2, i: 0, j: 0 }).note;
  // With λ = 0.1 the preview of the backward phase has the λ·w term (it had left it out)...
  const { backward: withL2, update: updateL2 } = traces.l2;
  const w = withL2.weights[2][0][0];
  assert.equal(withL2.l2, 0.1);
  assert.match(backwardNote(withL2), /w ← w − α·\(∂E\/∂w \+ λ·w\)/);
  assert.ok(backwardNote(withL2).includes(`${fmt(w.w)} − 0.5000·(${fmt(w.dE_dw)} + 0.1000·`),
            backwardNote(withL2));
  // ... which gives what the update then applies.
  const after = updateL2.weights[2][0][0];
  assert.ok(Math.abs(after.w - (w.w - 0.5 * (w.dE_dw + 0.1 * w.w))) < 1e-15);
  // and the update's narration states the rule in effect
  assert.match(narrate({ kind: "update", layer: null }, 4, settings, 0.1),
               /λ = 0\.1000: w ← w − α·\(∂E\/∂w \+ λ·w\)/);
  assert.match(explain({ trace: updateL2, settings }, { kind: "update", layer: null }, null).narration,
               /w ← w − α·\(∂E\/∂w \+ λ·w\)/);
  // Without λ, the plain rule, and no λ anywhere.
  const plain = backwardNote(traces.sigmoid.backward);
  assert.match(plain, /w ← w − α·∂E\/∂w = /);
  assert.doesNotMatch(plain, /λ/);
  assert.doesNotMatch(narrate({ kind: "update", layer: null }, 4, settings), /λ/);
});

test("loss_trend_names_a_plateau_or_a_local_minimum_where_the_curve_flattens_above_0", async () => {
  const { lossTrend } = await import("../../static/js/explain/training-notes.js");
  const curve = (f) => Array.from({ length: 90 }, (_, n) => ({ step: 10 * n, train: f(n), test: null }));
  // falling fast, then stuck at 0.125 (XOR on 2-2-2-1 at 75%)
  const stuck = curve((n) => (n < 40 ? 0.3 - 0.004 * n : 0.125 + 1e-5 * Math.sin(n)));
  assert.match(lossTrend(stuck), /hardly moved over the last 290 steps, at about 0\.1250: a plateau/);
  assert.match(lossTrend(stuck), /local minimum/);
  assert.equal(lossTrend(curve((n) => 0.3 * 0.97 ** n)), "");  // still falling
  assert.equal(lossTrend(curve(() => 0.001)), "");  // flat, but learned
  assert.equal(lossTrend(stuck.slice(0, 20)), "");  // too short to say
});

test("explain_looking_back_at_the_forward_pass_uses_the_bias_it_was_computed_with", () => {
  const { update } = traces.sigmoid;
  const record = { trace: update, settings: { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" } };
  for (const l of [1, 2, 3]) {
    const n = update.nodes[l][0];
    assert.notEqual(fmt(n.b_before), fmt(n.b));  // the update moved it, visibly
    const text = textOf(explain(record, { kind: "forward", layer: l }, { type: "node", l, j: 0 }).formulas[0]);
    assert.ok(text.includes(fmt(n.b_before)), text);
    assert.ok(!text.includes(fmt(n.b)), text);
    // the sum of the numbers shown is the x shown (to the digits shown)
    const terms = update.nodes[l - 1].map((p, i) => update.weights[l - 1][i][0].w_before * p.y);
    assert.ok(Math.abs(terms.reduce((a, b) => a + b, n.b_before) - n.x) < 1e-12);
  }
});

test("explain_an_update_with_every_gradient_0_says_nothing_moved", () => {
  const { update } = traces.sigmoid;
  const still = { ...update, error_after: update.error,
                  weights: update.weights.map((m) => m.map((r) => r.map((w) => ({ ...w, dE_dw: 0 })))),
                  nodes: update.nodes.map((layer) => layer.map((n) => ({ ...n, dE_db: n.dE_db === null ? null : 0 }))) };
  const note = explain({ trace: still, settings: { activation: "relu", output_activation: "relu", loss: "squared" } },
                       { kind: "update", layer: null }, null).note;
  assert.match(note, /Nothing moved: every gradient is 0/);
  assert.doesNotMatch(note, /E fell/);
});
