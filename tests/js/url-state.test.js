import assert from "node:assert/strict";
import { test } from "node:test";

import { decodeHash, encodeHash, settingsTable } from "../../static/js/state/link.js";
import { options, traces } from "./helpers.js";

const table = settingsTable(options);
const { network } = traces.sigmoid;

const state = {
  network: { layers: network.layers, activation: "tanh", output_activation: "sigmoid",
             loss: "squared", learning_rate: 0.3, seed: 7, weights: network.weights,
             biases: network.biases, current_weights: network.weights,
             current_biases: network.biases, step: 12, samples_trained: 384 },
  dataset: { name: "sine", size: 50, noise: 0.2, seed: 3, test_fraction: 0.1 },
  training: { batch_size: null, l2: 0.01 },
  view: { step_on: "batch", speed: 2, show_test: false, discretize: true },
};

test("a_link_round_trips_every_setting_exactly", () => {
  const { state: back, problems } = decodeHash(table, encodeHash(table, state));
  assert.deepEqual(problems, []);
  assert.deepEqual(back, state);
});

test("a_link_keeps_only_what_the_table_names", () => {
  const hash = encodeHash(table, { network: { layers: [1, 1], secret: 1 } });
  assert.deepEqual(decodeHash(table, hash).state, { network: { layers: [1, 1] } });
});

test("a_link_with_bad_values_names_each_and_keeps_the_rest", () => {
  const bad = { network: { ...state.network, layers: [1, 33, 1], activation: "swish",
                           learning_rate: 0 }, training: state.training };
  const { state: back, problems } = decodeHash(table, encodeHash(table, bad));
  assert.equal(problems.length, 3);
  assert.match(problems[0], /^layers must be 2 to 8 layers of at least 1 node \(the input layer up to \d+, a hidden layer up to \d+, the output layer up to 10\)/);
  assert.equal(back.network.layers, undefined);
  assert.equal(back.network.seed, 7);
});

test("a_garbled_link_is_said_to_be_so", () => {
  assert.deepEqual(decodeHash(table, "#s=AAAA").problems, ["it is cut short or garbled"]);
  assert.deepEqual(decodeHash(table, ""), { state: null, problems: [] });
});

test("a_link_refuses_a_plot_switch_that_is_not_true_or_false", () => {
  const { state: back, problems } = decodeHash(table, encodeHash(table, {
    view: { show_test: "yes", discretize: true } }));
  assert.deepEqual(problems, ["view show test must be true or false"]);
  assert.deepEqual(back.view, { discretize: true });
});
