import assert from "node:assert/strict";
import { test } from "node:test";

import {
  carryInputs, featureLines, featuresFor, featureWords, inputLabel, inputRows, keptFeatures,
  rawInputs,
} from "../../static/js/explain/features.js";
import { textOf } from "../../static/js/explain/mathml.js";
import { options } from "./helpers.js";

const catalogue = options.features;  // what the app serves (fixtures: python -m tests.js_fixtures)

test("features_raw_inputs_and_the_names_of_the_input_nodes", () => {
  const n = { layers: [5, 3, 1], features: ["x1_x2", "sin_x2", "x1_squared"] };
  assert.equal(rawInputs(n), 2);
  assert.equal(rawInputs({ layers: [2, 1] }), 2);
  assert.deepEqual([0, 1, 2, 3, 4].map((j) => inputLabel(n, j, catalogue)),
                   ["x₁", "x₂", "x₁·x₂", "sin x₂", "x₁²"]);
});

test("features_data_of_one_input_take_only_those_of_x1", () => {
  assert.deepEqual(featuresFor(catalogue, 1).map((f) => f.name), ["x1_squared", "sin_x1"]);
  assert.equal(featuresFor(catalogue, 2).length, 5);
  const { kept, dropped } = keptFeatures(catalogue, ["sin_x2", "x1_squared", "x1_x2"], 1);
  assert.deepEqual(kept, ["x1_squared"]);
  assert.deepEqual(dropped, ["x1_x2", "sin_x2"]);
  // always in the catalogue's order, whatever order they were ticked in
  assert.deepEqual(keptFeatures(catalogue, ["sin_x1", "x1_squared"], 2).kept,
                   ["x1_squared", "sin_x1"]);
});

test("features_the_weights_out_of_each_input_node_follow_it_by_name", () => {
  const old = { layers: [4, 2, 1], features: ["x1_squared", "sin_x1"],
                weights: [[[1, 2], [3, 4], [5, 6], [7, 8]], [[9], [10]]], biases: [[0.1, 0.2], [0.3]] };
  // x₁² off, x₁·x₂ on: x₁, x₂, x₁·x₂ (new), sin x₁ (kept, one row lower)
  const rows = inputRows(old, 2, ["x1_x2", "sin_x1"]);
  assert.deepEqual(rows, [0, 1, null, 3]);
  const fresh = { weights: [[[-1, -1], [-1, -1], [-2, -3], [-1, -1]], [[-9], [-9]]],
                  biases: [[0, 0], [0]] };
  const merged = carryInputs(old, fresh, rows);
  assert.deepEqual(merged.weights, [[[1, 2], [3, 4], [-2, -3], [7, 8]], [[9], [10]]]);
  assert.deepEqual(merged.biases, [[0.1, 0.2], [0.3]]);
  assert.equal(merged.added, 2);  // the two weights out of x₁·x₂
  assert.equal(merged.kept, 6 + 2 + 3);  // three input rows, the layer after, every bias
  merged.weights[1][0][0] = 99;
  assert.equal(old.weights[1][0][0], 9, "the old weights are not shared");
});

test("features_a_feature_nodes_formula_puts_in_the_raw_inputs", () => {
  const text = (name, inputs, value) => featureLines(name, 2, inputs, value).map(textOf);
  assert.deepEqual(text("x1_squared", [0.5, -1.5], 0.25),
                   ["x_3^(0)=(x_1^(0))^2 =0.5000^2 =0.2500", "y_3^(0)=x_3^(0) =0.2500"]);
  assert.equal(text("x1_x2", [0.5, -1.5], -0.75)[0],
               "x_3^(0)=x_1^(0)·x_2^(0) =0.5000·(−1.5000) =−0.7500");
  assert.equal(text("sin_x2", [0.5, -1.5], Math.sin(-1.5))[0],
               "x_3^(0)=sin(x_2^(0)) =sin(−1.5000) =−0.9975");
  assert.match(featureWords("x1_x2"), /saddle/);
});
