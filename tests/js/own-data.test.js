import assert from "node:assert/strict";
import { test } from "node:test";

import { choiceOf, classWords, csvRefusal, defaultTargetKind, importNote, isOwnData,
         networkFor, ownDataOf, standardizationWords, suggestedRoles } from "../../static/js/explain/own-data.js";
import { encodeHash, decodeHash, linkKeepsPoints, linkState, settingsTable } from "../../static/js/state/link.js";
import { LINK } from "../../static/js/lib/config.js";
import { options } from "./helpers.js";

const preview = {
  separator: "comma", header: true, rows: 3, first_rows: [], first_lines: [],
  columns: [{ index: 0, name: "a", kind: "number", labels: null, distinct: 3 },
            { index: 1, name: "part", kind: "part", labels: ["test", "train"], distinct: 2 },
            { index: 2, name: "b", kind: "number", labels: null, distinct: 3 },
            { index: 3, name: "species", kind: "label", labels: ["cat", "dog"], distinct: 2 }],
  suggested: { inputs: [0, 2], targets: [3], target_kind: "classes", part: 1 },
  dataset: null,
};

test("own_data_roles_come_from_the_server_suggestion_and_give_the_choice_back", () => {
  const roles = suggestedRoles(preview);
  assert.deepEqual(roles, ["input", "part", "input", "target"]);
  assert.deepEqual(choiceOf(roles), { inputs: [0, 2], targets: [3], part: 1 });
  assert.deepEqual(choiceOf(["target", "none", "input", "input"]),
                   { inputs: [2, 3], targets: [0], part: null });
  assert.equal(defaultTargetKind(preview, roles), "classes");
  assert.equal(defaultTargetKind(preview, ["input", "none", "target", "none"]), "numbers");
  assert.equal(defaultTargetKind(preview, ["input", "none", "target", "target"]), "numbers");
});

const data = (problem, targets, extra = {}) => ({
  problem, classes: problem === "classes" ? ["cat", "dog", "eel"] : null, inputs: ["a", "b"],
  targets: ["species"], test_fraction: null, means: null, spreads: null, notes: [],
  points: targets.map((t) => ({ input: [0, 1], target: t })), ...extra });

test("own_data_sets_the_input_and_output_layers_and_the_output_the_targets_need", () => {
  const n = { layers: [1, 4, 3, 1], output_activation: "sigmoid", loss: "squared" };
  // classes: a softmax output with categorical cross entropy, hidden layers kept
  assert.deepEqual(networkFor(data("classes", [[1, 0, 0], [0, 0, 1]]), n),
                   { layers: [2, 4, 3, 3], output_activation: "softmax",
                     loss: "categorical_cross_entropy", rebuild: true });
  // numbers in [0, 1] keep the output shown; beyond it, a linear output with squared error
  assert.deepEqual(networkFor(data("regression", [[0.2], [1]]), n),
                   { layers: [2, 4, 3, 1], output_activation: "sigmoid", loss: "squared", rebuild: true });
  assert.deepEqual(networkFor(data("regression", [[0.2], [3]]), n).output_activation, "linear");
  const two = { layers: [2, 4, 3, 1], output_activation: "sigmoid", loss: "cross_entropy" };
  assert.equal(networkFor(data("regression", [[0], [1]]), two).rebuild, false);
  // from a softmax network back to numbers
  const soft = { layers: [2, 3, 3], output_activation: "softmax", loss: "categorical_cross_entropy" };
  assert.deepEqual(networkFor(data("regression", [[0.5], [0.1]]), soft),
                   { layers: [2, 3, 1], output_activation: "linear", loss: "squared", rebuild: true });
});

test("own_data_says_what_it_did_with_the_classes_and_the_standardization", () => {
  const d = data("classes", [[1, 0, 0], [0, 1, 0]], { means: [0.5, -2], spreads: [0.25, 0],
                                                       notes: ["b has the same value in every row"] });
  const n = { layers: [1, 2, 2, 1], output_activation: "sigmoid", loss: "squared" };
  const note = importNote(d, networkFor(d, n), n, { train: 2, test: 0 });
  assert.match(note, /^Imported 2 points \(2 for training, 0 for testing\) of 2 inputs \(a, b\) and 3 classes \(one-hot targets\)\./);
  assert.match(note, /rebuilt as 2-2-2-3, with a softmax output and the categorical cross entropy loss\./);
  assert.match(note, /Classes: 1 = cat, 2 = dog, 3 = eel/);
  assert.match(note, /a: mean 0\.5, spread 0\.25; b: mean -2, spread 0 \(centred only\)\./);
  assert.match(note, /b has the same value in every row\.$/);
  assert.equal(classWords(ownDataOf(data("regression", [[1]]))), "");
  assert.equal(standardizationWords(ownDataOf(data("regression", [[1]]))), "");
  assert.ok(isOwnData(ownDataOf(d)));
  assert.ok(!isOwnData({ ...ownDataOf(d), classes: [1, 2] }));
  // ten classes, as the output layer may have (a link of them keeps their names)
  const ten = Array.from({ length: 10 }, (_, k) => `c${k}`);
  assert.ok(isOwnData({ ...ownDataOf(d), problem: "classes", targets: ["kind"], classes: ten }));
  assert.ok(!isOwnData({ ...ownDataOf(d), classes: [...ten, "c10"] }));
  assert.ok(!isOwnData({ ...ownDataOf(d), extra: 1 }));
});

test("own_data_refusals_are_the_servers_words_and_say_nothing_changed", () => {
  assert.equal(csvRefusal({ status: 422, message: "text: line 12, column 3: 'abc' is not a number",
                            errors: [{ field: "text", message: "line 12, column 3: 'abc' is not a number" }] }),
               "Line 12, column 3: 'abc' is not a number. Nothing was changed.");
  assert.equal(csvRefusal({ status: 422, message: "", errors: [{ field: "inputs", message: "a column is chosen twice" }] }),
               "Inputs: a column is chosen twice. Nothing was changed.");
  assert.equal(csvRefusal({ status: 413, message: "body: the request body is larger than the limit of 983,040 bytes" }),
               "The file is larger than the limit of 983,040 bytes. Nothing was changed.");
});

const table = settingsTable(options);
const stateWith = (points, ownData = null) => ({
  network: { layers: [2, 2, 3], activation: "tanh", output_activation: "softmax",
             loss: "categorical_cross_entropy", learning_rate: 0.1, l2: 0, seed: 1, step: 0,
             weights: [[[1, 2], [3, 4]], [[1, 2, 3], [4, 5, 6]]], biases: [[0, 0], [0, 0, 0]] },
  initial: { weights: [[[1, 2], [3, 4]], [[1, 2, 3], [4, 5, 6]]], biases: [[0, 0], [0, 0, 0]] },
  init: "glorot_uniform", samplesTrained: 0, training: { batch_size: 10 },
  sample: { input: [0, 0], target: [1, 0, 0] }, stepOn: "sample", speed: 1,
  plotView: { showTest: true, discretize: false }, landscape: null, ownData,
  datasetSpec: { name: "xor", size: 200, noise: 0.1, seed: 0, test_fraction: 0.2 },
  dataset: { name: null, size: points.length, noise: 0, seed: 0, test_fraction: 0,
             train: points, test: [] },
});
const pointsOf = (n) => Array.from({ length: n }, (_, k) => ({
  input: [Math.sin(k) / 3, Math.cos(k) / 7], target: [1, 0, 0] }));

test("a_link_keeps_own_points_and_their_classes_while_they_are_few_enough", () => {
  const about = ownDataOf(data("classes", [[1, 0, 0]]));
  const small = stateWith(pointsOf(20), about);
  assert.equal(linkKeepsPoints(small).keeps, true);
  const { state, problems } = decodeHash(table, encodeHash(table, linkState(small, true)));
  assert.deepEqual(problems, []);
  assert.equal(state.dataset.points.length, 20);
  assert.deepEqual(state.dataset.about, about);
  // too many: the link says how many it left out, a file keeps them all
  const big = stateWith(pointsOf(1500), about);
  const fit = linkKeepsPoints(big);
  assert.equal(fit.keeps, false);
  assert.equal(fit.points, 1500);
  assert.ok(fit.chars > LINK.maxPointsChars);
  const link = decodeHash(table, encodeHash(table, linkState(big, true))).state;
  assert.deepEqual(link.dataset, { left_out: 1500, about });
  assert.ok(encodeHash(table, linkState(big, true)).length < 4000);
  assert.equal(linkState(big).dataset.points.length, 1500);
});
