import assert from "node:assert/strict";
import { test } from "node:test";

import { grade, questionFor, readNumber, updateOutcome, within } from "../../static/js/explain/quiz.js";
import { phasesFor } from "../../static/js/state/stepper.js";
import { traces } from "./helpers.js";

const SETTINGS = {
  sigmoid: { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" },
  linear: { activation: "linear", output_activation: "linear", loss: "squared" },
  cross_entropy: { activation: "sigmoid", output_activation: "sigmoid", loss: "cross_entropy" },
  l2: { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" },
  momentum: { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" },
  adam: { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" },
  softmax: { activation: "tanh", output_activation: "softmax", loss: "categorical_cross_entropy" },
};

/** The trace a phase shows: the forward pass's up to the error, then backward, then update. */
const traceAt = (t, phase) => (phase.kind === "update" ? t.update
  : phase.kind === "backward" ? t.backward : t.forward);

test("quiz_every_phase_but_the_input_asks_and_the_truth_is_graded_right", () => {
  for (const [name, t] of Object.entries(traces)) {
    const L = t.network.layers.length;
    for (const phase of phasesFor(L)) {
      const record = { trace: traceAt(t, phase), settings: SETTINGS[name] };
      const q = questionFor(record, phase);
      if (phase.kind === "input") {
        assert.equal(q, null);
        continue;
      }
      assert.ok(q && q.prompt.length > 10, `${name} ${phase.kind} ${phase.layer}`);
      const truth = q.kind === "value" ? String(q.truth) : q.truth;
      const verdict = grade(q, truth, record);
      assert.equal(verdict.right, true, `${name} ${phase.kind}: ${q.prompt}`);
      assert.ok(verdict.why.length > 10);
      if (q.kind === "value") {
        const tol = within(q.truth, q.about.what);
        assert.equal(grade(q, String(q.truth + 3 * tol), record).right, false);
        assert.equal(grade(q, String(q.truth + 0.5 * tol), record).right, true);
        assert.equal(grade(q, "abc", record).right, false);
      }
    }
  }
});

test("quiz_questions_differ_from_step_to_step", () => {
  const t = traces.sigmoid;
  const asked = new Set();
  for (let step = 0; step < 12; step++) {
    for (const phase of phasesFor(4).slice(1)) {
      const q = questionFor({ trace: { ...traceAt(t, phase), step }, settings: SETTINGS.sigmoid },
                            phase);
      asked.add(q.prompt);
    }
  }
  assert.ok(asked.size >= 15, `${asked.size} different questions`);
});

test("quiz_names_the_factor_a_wrong_guess_missed", () => {
  const t = traces.sigmoid;
  const settings = SETTINGS.sigmoid;
  const out = t.backward.nodes[3][0];
  const record = { trace: t.backward, settings };
  const ask = (about) => ({ kind: "value", prompt: "?", truth: t.backward.nodes[about.l][about.j][about.what],
                            tolerance: "", about });
  // ∂E/∂x guessed as ∂E/∂y: f′ left out
  assert.match(grade(ask({ type: "node", l: 3, j: 0, what: "dE_dx" }), String(out.dE_dy), record).why,
               /You left out the factor f′\(x\)/);
  // the sign of ∂E/∂x turned over
  assert.match(grade(ask({ type: "node", l: 3, j: 0, what: "dE_dx" }), String(-out.dE_dx * 1.0001), record).why,
               /The sign is the other way/);
  // a hidden ∂E/∂y guessed as one path's term
  const hidden = t.backward.nodes[1][0];
  const term1 = t.backward.nodes[2][0].dE_dx * t.backward.weights[1][0][0].w;
  assert.match(grade(ask({ type: "node", l: 1, j: 0, what: "dE_dy" }), String(term1), record).why,
               /alone: y reaches E through all 2 nodes it feeds/);
  assert.ok(Math.abs(term1 - hidden.dE_dy) > within(hidden.dE_dy, "dE_dy"));
  // E without the ½
  const E = { kind: "value", prompt: "?", truth: t.forward.error, tolerance: "",
              about: { type: "node", l: 3, j: 0, what: "E" } };
  assert.match(grade(E, String(2 * t.forward.error), { trace: t.forward, settings }).why,
               /You left out the ½/);
  // x without its bias
  const n = t.forward.nodes[1][0];
  const sum = t.forward.nodes[0][0].y * t.forward.weights[0][0][0].w;
  assert.match(grade({ kind: "value", prompt: "?", truth: n.x, tolerance: "",
                       about: { type: "node", l: 1, j: 0, what: "x" } }, String(sum),
                     { trace: t.forward, settings }).why, /You left out the bias/);
});

test("quiz_sign_and_choices_say_why", () => {
  const t = traces.sigmoid;
  const record = { trace: t.backward, settings: SETTINGS.sigmoid };
  const g = t.backward.weights[2][0][0].dE_dw;
  const q = { kind: "sign", prompt: "?", truth: g > 0 ? "+" : "−", about: { type: "link", k: 2, i: 0, j: 0 } };
  const wrong = grade(q, g > 0 ? "−" : "+", record);
  assert.equal(wrong.right, false);
  assert.match(wrong.why, /∂E\/∂w = y·∂E\/∂x/);
  assert.equal(updateOutcome(1, 0.5), "down-lot");
  assert.equal(updateOutcome(1, 0.95), "down-little");
  assert.equal(updateOutcome(1, 1.2), "up");
  assert.equal(updateOutcome(1, 1), "up");
});

test("quiz_reads_numbers_as_typed_and_the_update_says_its_side_of_10_percent", () => {
  assert.equal(readNumber("−0.42"), -0.42);
  assert.equal(readNumber(" 0,5 "), 0.5);
  assert.equal(readNumber("3e-2"), 0.03);
  for (const bad of ["abc", "", "  ", "1/2", "Infinity"]) assert.equal(readNumber(bad), null, bad);
  // E from 1 to 0.9004: 9.96% lower, which one decimal would write as 10.0%
  const t = traces.sigmoid;
  const q = { kind: "choice", prompt: "?", truth: "down-little", options: [],
              about: { type: "update" } };
  const trace = { ...t.update, error: 1, error_after: 0.9004 };
  const why = grade(q, "down-lot", { trace, settings: SETTINGS.sigmoid }).why;
  assert.match(why, /−9\.96%: lower by less than 10% of E/);
  const far = grade(q, "down-lot", { trace: { ...trace, error_after: 0.5 }, settings: SETTINGS.sigmoid }).why;
  assert.match(far, /−50\.0%: lower by 10% of E or more/);
});
