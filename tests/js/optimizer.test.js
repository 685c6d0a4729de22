import assert from "node:assert/strict";
import { test } from "node:test";

import { explain, narrate, updatePreview } from "../../static/js/explain/explanation.js";
import { errorChange } from "../../static/js/explain/chain-rule.js";
import { needsRule, precise, regularized, ruleLines, ruleWords } from "../../static/js/explain/optimizer.js";
import { fmt } from "../../static/js/lib/format.js";
import { mi, textOf } from "../../static/js/explain/mathml.js";
import { fromTrace, stateOf } from "../../static/js/server/api.js";
import { traces } from "./helpers.js";

const SETTINGS = { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" };
const UPDATE = { kind: "update", layer: null };

/** Every weight and bias of an update trace, as ruleLines takes them. */
function moves(trace) {
  return [
    ...trace.weights.flat(2).map((w) => ({ before: w.w_before, grad: w.dE_dw, after: w.w,
                                           weight: true, state_before: w.state_before,
                                           state: w.state })),
    ...trace.nodes.slice(1).flat().map((n) => ({ before: n.b_before, grad: n.dE_db, after: n.b,
                                                 weight: false, state_before: n.state_before,
                                                 state: n.state })),
  ];
}

test("optimizer_momentum_lines_carry_the_traces_own_numbers", () => {
  const trace = traces.momentum.update;
  assert.equal(trace.optimizer.name, "momentum");
  assert.ok(needsRule(trace));
  for (const p of moves(trace)) {
    const { formulas, note } = ruleLines(mi("w"), p, trace);
    const text = formulas.map(textOf).join(" | ");
    const g = regularized(trace, p);
    // v ← β·v + g with the state before and after, and w ← w − α·v ending in the new value
    assert.ok(text.includes(precise(p.state_before.v)), text);
    assert.ok(text.includes(precise(p.state.v)), text);
    assert.ok(text.includes(precise(g)) || text.includes(precise(-g)), text);
    assert.ok(text.endsWith(fmt(p.after)), text);
    // the server's v follows from the numbers shown (to rounding of the last bit)
    assert.ok(Math.abs(trace.optimizer.momentum * p.state_before.v + g - p.state.v)
              <= 1e-12 * Math.max(1, Math.abs(p.state.v)));
    assert.match(note, /velocity/);
  }
  // L1 is in the weights' g, never the biases'
  const weight = moves(trace)[0];
  assert.equal(regularized(trace, weight),
               weight.grad + trace.l2 * weight.before + trace.l1 * Math.sign(weight.before));
  const bias = moves(trace).at(-1);
  assert.equal(regularized(trace, bias), bias.grad);
});

test("optimizer_adam_lines_show_m_s_their_corrections_and_t", () => {
  const trace = traces.adam.update;
  assert.equal(trace.t, 2);
  for (const p of moves(trace)) {
    const { formulas, note } = ruleLines(mi("w"), p, trace);
    const text = formulas.map(textOf).join(" | ");
    const { beta1, beta2, epsilon } = trace.optimizer;
    const mHat = p.state.m / (1 - beta1 ** 2);
    const sHat = p.state.s / (1 - beta2 ** 2);
    assert.ok(text.includes(precise(mHat)), text);
    assert.ok(text.includes(precise(sHat)), text);
    assert.ok(text.includes(precise(p.state.s)), text);
    assert.ok(text.includes("√("), text);
    assert.ok(text.endsWith(fmt(p.after)), text);
    const after = p.before - trace.learning_rate * mHat / (Math.sqrt(sHat) + epsilon);
    assert.ok(Math.abs(after - p.after) <= 1e-12 * Math.max(1, Math.abs(after)), `${after} ${p.after}`);
    assert.match(note, /t = 2/);
  }
});

test("optimizer_state_numbers_keep_their_significant_digits", () => {
  // a learner worked a step out from ŝ shown as "0.0019" and missed by 0.007
  assert.equal(precise(0.0019), "1.900×10⁻³");
  assert.equal(precise(-0.00031), "−3.100×10⁻⁴");
  assert.equal(precise(0.0365), "0.0365");
  assert.equal(precise(0), "0.0000");
});

test("optimizer_l1_at_zero_says_the_weight_stays", () => {
  const trace = { ...traces.momentum.update, optimizer: { ...traces.momentum.update.optimizer, name: "sgd" } };
  const { note, formulas } = ruleLines(mi("w"), { before: 0, grad: 0.25, after: -0.125, weight: true },
                                       trace);
  assert.match(note, /sign\(0\) = 0/);
  assert.ok(textOf(formulas[0]).includes("sign"));
  const moving = ruleLines(mi("w"), { before: 0.3, grad: 0.25, after: 0.1, weight: true }, trace);
  assert.match(moving.note, /same size/);
});

test("optimizer_explain_uses_the_rule_for_weights_biases_and_the_narration", () => {
  for (const name of ["momentum", "adam"]) {
    const trace = traces[name].update;
    const record = { trace, settings: SETTINGS };
    const L = trace.nodes.length;
    const weight = explain(record, UPDATE, { type: "link", k: 0, i: 0, j: 0 });
    assert.ok(weight.formulas.map(textOf).join(" ").includes("←"));
    assert.match(weight.note, name === "adam" ? /Adam/ : /velocity/);
    const bias = explain(record, UPDATE, { type: "node", l: L - 1, j: 0 });
    assert.match(bias.note, name === "adam" ? /Adam/ : /velocity/);
    assert.match(weight.narration, name === "adam" ? /Adam/ : /momentum/);
    assert.match(narrate(UPDATE, L, SETTINGS, 0, trace), /Σ ∂E\/∂p·Δp/);
    // the first-order prediction from the moves themselves
    const change = errorChange(trace);
    const predicted = moves(trace).reduce((s, p) => s + p.grad * (p.after - p.before), 0);
    assert.ok(Math.abs(change.predicted - predicted) < 1e-15);
    assert.match(ruleWords(trace), name === "adam" ? /m̂/ : /v ← β·v \+ g/);
    assert.match(updatePreview(trace, 0.5, 0.1), name === "adam" ? /running means/ : /velocity/);
  }
});

test("optimizer_state_from_an_update_trace_is_the_networks", () => {
  const momentum = traces.momentum;
  const state = stateOf(momentum.update);
  assert.equal(state.t, 2);
  assert.deepEqual(state.v.weights, momentum.update.weights.map((m) => m.map((r) => r.map((w) => w.state.v))));
  assert.equal(stateOf(momentum.forward), null);
  const update = fromTrace(traces.adam.update);
  assert.equal(update.network.optimizer, "adam");
  assert.equal(update.network.optimizer_state.t, 2);
  assert.deepEqual(update.network.optimizer_state.s.biases,
                   traces.adam.update.nodes.slice(1).map((l) => l.map((n) => n.state.s)));
  assert.equal(fromTrace(traces.sigmoid.update).network.optimizer_state.v, null);
});
