import assert from "node:assert/strict";
import { test } from "node:test";

import { carry, describeChange, reshape } from "../../static/js/actions/reshape.js";

const LIMITS = { max_layers: 8, min_nodes: 1, max_nodes: 8 };

/** Weights and biases of `layers` whose every value says where it is (w k.i.j, b k.j),
 * offset by `base` (old: 0; fresh: 1000). */
function net(layers, base) {
  const weights = layers.slice(0, -1).map((n, k) => Array.from({ length: n }, (_, i) =>
    Array.from({ length: layers[k + 1] }, (_, j) => base + 100 * k + 10 * i + j)));
  const biases = layers.slice(1).map((n, k) => Array.from({ length: n }, (_, j) => base + 500 + 10 * k + j));
  return { weights, biases };
}

test("reshape_adds_and_removes_layers_and_nodes_within_the_limits", () => {
  assert.deepEqual(reshape([1, 2, 2, 1], { kind: "add-layer" }, LIMITS).value,
                   { layers: [1, 2, 2, 2, 1], from: [0, 1, 2, null, 3] });
  assert.deepEqual(reshape([1, 1], { kind: "add-layer" }, LIMITS).value,
                   { layers: [1, 2, 1], from: [0, null, 1] });
  assert.deepEqual(reshape([1, 2, 3, 1], { kind: "remove-layer" }, LIMITS).value,
                   { layers: [1, 2, 1], from: [0, 1, 3] });
  assert.deepEqual(reshape([1, 2, 2, 1], { kind: "add-node", layer: 2 }, LIMITS).value.layers, [1, 2, 3, 1]);
  assert.match(reshape([1, 1], { kind: "remove-layer" }, LIMITS).message, /no hidden layer/);
  assert.match(reshape(Array(8).fill(1), { kind: "add-layer" }, LIMITS).message, /at most 8 layers/);
  assert.match(reshape([1, 8, 1], { kind: "add-node", layer: 1 }, LIMITS).message, /at most 8 nodes/);
  assert.match(reshape([1, 1, 1], { kind: "remove-node", layer: 1 }, LIMITS).message, /remove the layer/);
  assert.match(reshape([1, 2, 1], { kind: "add-node", layer: 0 }, LIMITS).message, /hidden layers/);
});

test("carry_keeps_every_weight_that_has_a_place_and_takes_the_rest_fresh", () => {
  // a node added to hidden layer 1 of 1-2-2-1: its column in, its row out, its bias are new
  const old = net([1, 2, 2, 1], 0);
  const change = reshape([1, 2, 2, 1], { kind: "add-node", layer: 1 }, LIMITS).value;
  const fresh = net(change.layers, 1000);
  const out = carry(old, fresh, change.from);
  assert.deepEqual(out.weights[0], [[0, 1, 1002]]);
  assert.deepEqual(out.weights[1], [[100, 101], [110, 111], [1120, 1121]]);
  assert.deepEqual(out.weights[2], old.weights[2]);
  assert.deepEqual(out.biases[0], [500, 501, 1502]);
  assert.equal(out.added, 1 + 2 + 1);
  assert.equal(out.kept, 2 + 4 + 2 + 2 + 2 + 1);
  // removed again: exactly the old network
  const back = reshape(change.layers, { kind: "remove-node", layer: 1 }, LIMITS).value;
  const again = carry(out, net(back.layers, 1000), back.from);
  assert.deepEqual([again.weights, again.biases], [old.weights, old.biases]);
  assert.equal(again.added, 0);
});

test("carry_a_layer_added_or_removed_makes_the_weights_around_it_new", () => {
  const old = net([2, 3, 1], 0);
  const added = reshape([2, 3, 1], { kind: "add-layer" }, LIMITS).value;  // 2-3-3-1
  const out = carry(old, net(added.layers, 1000), added.from);
  assert.deepEqual(out.weights[0], old.weights[0]);  // input → hidden 1: kept
  assert.ok(out.weights[1].flat().every((w) => w >= 1000));  // hidden 1 → new layer: new
  assert.ok(out.weights[2].flat().every((w) => w >= 1000));  // new layer → output: new
  assert.deepEqual(out.biases[0], old.biases[0]);
  assert.ok(out.biases[1].every((b) => b >= 1000));
  assert.deepEqual(out.biases[2], old.biases[1]);  // the output's bias: kept
  const removed = reshape(added.layers, { kind: "remove-layer" }, LIMITS).value;
  const back = carry(out, net(removed.layers, 2000), removed.from);
  assert.deepEqual(back.weights[0], old.weights[0]);
  assert.ok(back.weights[1].flat().every((w) => w >= 2000));  // hidden 1 → output: new
  assert.deepEqual(back.biases[1], old.biases[1]);
  assert.match(describeChange({ kind: "add-layer" }, added.layers), /Added hidden layer 2 \(3 nodes\)/);
});
