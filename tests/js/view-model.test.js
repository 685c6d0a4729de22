import assert from "node:assert/strict";
import { test } from "node:test";

import { editableOf, phaseName, viewModel } from "../../static/js/state/view-model.js";
import { traces } from "./helpers.js";

const { network, forward, update } = traces.sigmoid;
const settings = { activation: "sigmoid", output_activation: "sigmoid", loss: "squared" };

test("viewModel_at_rest_shows_weights_and_biases_only", () => {
  const vm = viewModel(network, null, null, null);
  assert.equal(vm.nodes[1][0].x, null);
  assert.equal(vm.nodes[1][0].b, network.biases[0][0]);
  assert.equal(vm.links[0][0][0].w, network.weights[0][0][0]);
  assert.equal(vm.error, null);
});

test("viewModel_forward_shows_layers_up_to_the_phase", () => {
  const record = { trace: forward, settings };
  const vm = viewModel(network, record, { kind: "forward", layer: 1 }, null);
  assert.equal(vm.nodes[1][1].y, forward.nodes[1][1].y);
  assert.equal(vm.nodes[2][0].x, null);
  assert.equal(vm.links[0][0][0].dE_dw, null);
});

test("viewModel_update_tweens_each_weight_from_before_to_after", () => {
  const record = { trace: update, settings };
  const w = update.weights[2][0][0];
  const half = viewModel(network, record, { kind: "update", layer: null }, null, 0.5);
  assert.equal(half.links[2][0][0].w, w.w_before + (w.w - w.w_before) * 0.5);
  const before = viewModel(network, record, { kind: "error", layer: 3 }, null);
  assert.equal(before.links[2][0][0].w, w.w_before);
  assert.equal(before.error, update.error);
});

test("phaseName_names_layers_as_a_reader_would", () => {
  assert.equal(phaseName({ kind: "forward", layer: 1 }, 4), "Forward into hidden layer 1");
  assert.equal(phaseName({ kind: "backward", layer: 3 }, 4), "Backward through output");
  assert.equal(phaseName({ kind: "update", layer: null }, 4), "Update");
});

test("editableOf_offers_the_selected_weight_as_it_stands_but_not_while_looking_back", () => {
  const selection = { type: "link", k: 0, i: 0, j: 0 };
  const live = { network, selection, stepper: { cursor: { record: 1, phase: 0 }, records: [{}, {}] } };
  assert.deepEqual(editableOf(/** @type {any} */ (live)),
                   { label: "Set w⁽¹⁾₁₁ to", value: network.weights[0][0][0] });  // named: which weight
  const back = { ...live, stepper: { cursor: { record: 0, phase: 0 }, records: [{}, {}] } };
  assert.equal(editableOf(/** @type {any} */ (back)), null);
  assert.equal(editableOf(/** @type {any} */ ({ ...live, selection: null })), null);
});
