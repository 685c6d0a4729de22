import assert from "node:assert/strict";
import { test } from "node:test";

import { problemNote, problemOf, settingsFor, targetKind, targetReachNote } from "../../static/js/explain/problem.js";

const points = (targets) => ({ train: targets.map((t) => ({ input: [0], target: t })), test: [] });

test("problem_type_is_read_from_the_loss_and_sets_the_output_and_loss_that_fit", () => {
  assert.equal(problemOf({ loss: "squared" }), "regression");
  assert.equal(problemOf({ loss: "cross_entropy" }), "classification");
  assert.equal(problemOf({ loss: "categorical_cross_entropy" }), "classification");
  assert.deepEqual(settingsFor("classification", 1), { output_activation: "sigmoid", loss: "cross_entropy" });
  assert.deepEqual(settingsFor("classification", 3),
                   { output_activation: "softmax", loss: "categorical_cross_entropy" });
  assert.deepEqual(settingsFor("regression", 3), { output_activation: "linear", loss: "squared" });
});

test("problem_type_mismatch_with_the_data_is_explained", () => {
  assert.equal(targetKind(null), null);
  assert.equal(targetKind(points([[0], [1]])), "classes");
  assert.equal(targetKind(points([[0, 1, 0], [1, 0, 0]])), "classes");
  assert.equal(targetKind(points([[0.3], [1]])), "numbers");
  const regression = { loss: "squared", output_activation: "sigmoid" };
  const classification = { loss: "cross_entropy", output_activation: "sigmoid" };
  assert.match(problemNote(regression, points([[0], [1]])), /These data are classes/);
  assert.match(problemNote(classification, points([[0.3], [0.7]])), /These targets are numbers/);
  assert.doesNotMatch(problemNote(classification, points([[0], [1]])), /These/);
  assert.match(problemNote(regression, null), /^Regression/);
});

test("problem_a_target_beyond_the_outputs_reach_is_said", () => {
  assert.equal(targetReachNote("sigmoid", [0.2]), null);
  assert.equal(targetReachNote("linear", [5]), null);
  assert.match(targetReachNote("sigmoid", [2]), /Target 1 is 2, but a sigmoid output only gives values between 0 and 1/);
  assert.match(targetReachNote("relu", [0.5, -1]), /Target 2 is -1.*0 and above/);
  assert.match(targetReachNote("tanh", [-1.5]), /between -1 and 1/);
});
