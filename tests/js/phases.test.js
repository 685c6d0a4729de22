import assert from "node:assert/strict";
import { test } from "node:test";

import {
  applyFetch, atLiveStep, createStepper, currentPhase, moveTo, phasesFor, planNext,
  planPrevious, visibility,
} from "../../static/js/state/stepper.js";
import { traces } from "./helpers.js";

const settings = { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" };
const { forward, backward, update } = traces.sigmoid;

test("phasesFor_lists_input_forward_error_backward_update", () => {
  const kinds = phasesFor(4).map((p) => `${p.kind}${p.layer ?? ""}`);
  assert.deepEqual(kinds, ["input0", "forward1", "forward2", "forward3", "error3",
                           "backward3", "backward2", "backward1", "update"]);
});

/** Walks with Next, answering each fetch with the API's trace of that phase. */
function walk(s, n) {
  const answer = { forward, backward, update };
  const calls = [];
  for (let k = 0; k < n; k++) {
    const plan = planNext(s);
    if (plan.type === "fetch") {
      calls.push(plan.call);
      s = applyFetch(s, plan, answer[plan.call], settings, 200);
    } else {
      s = moveTo(s, plan.cursor);
    }
  }
  return { s, calls };
}

test("stepper_fetches_each_phase_once_and_only_when_needed", () => {
  const { s, calls } = walk(createStepper(4), 9);
  assert.deepEqual(calls, ["forward", "backward", "update"]);
  assert.equal(currentPhase(s).kind, "update");
  const again = walk(s, 1);
  assert.deepEqual(again.calls, ["forward"]);  // the next step starts with a new record
  assert.equal(again.s.records.length, 2);
});

test("stepper_previous_walks_back_across_steps_and_next_replays_without_fetching", () => {
  let { s } = walk(createStepper(4), 10);  // step 2, input phase
  for (let k = 0; k < 5; k++) s = moveTo(s, planPrevious(s));
  assert.equal(s.cursor.record, 0);
  assert.equal(currentPhase(s).kind, "error");  // update, backward ×3, error
  assert.equal(atLiveStep(s), false);
  const { calls, s: back } = walk(s, 5);
  assert.deepEqual(calls, []);
  assert.equal(atLiveStep(back), true);
  let first = back;
  while (planPrevious(first)) first = moveTo(first, planPrevious(first));
  assert.deepEqual(first.cursor, { record: 0, phase: 0 });
});

test("visibility_hides_what_the_pass_has_not_reached", () => {
  const v = visibility(forward, { kind: "forward", layer: 2 }, 4);
  assert.equal(v.forwardLayer, 2);
  assert.equal(v.errorShown, false);
  const b = visibility(update, { kind: "backward", layer: 2 }, 4);
  assert.equal(b.backwardLayer, 2);
  assert.equal(b.useBefore, true);  // before the update, the old weights are shown
  assert.equal(visibility(update, { kind: "update", layer: null }, 4).updating, true);
});

test("history_is_bounded", () => {
  let s = createStepper(2);
  for (let k = 0; k < 5; k++) {
    s = applyFetch(s, { type: "fetch", call: "forward", cursor: { record: k, phase: 0 },
                        newRecord: true }, forward, settings, 3);
  }
  assert.equal(s.records.length, 3);
  assert.equal(s.cursor.record, 2);
});
