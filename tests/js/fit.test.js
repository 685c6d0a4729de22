import assert from "node:assert/strict";
import { test } from "node:test";

import { ACTIVATIONS } from "../../static/js/explain/activations.js";
import { fitOn, outputs } from "../../static/js/explain/fit.js";

/** The fit as first written (map and reduce per point): the fast loop must equal it bit for bit. */
function reference(network, points) {
  if (!points?.length) return { loss: null, accuracy: null };
  const error = (loss, y, t) => (loss === "cross_entropy"
    ? -y.reduce((s, v, k) => s + t[k] * Math.log(Math.max(v, 1e-300))
      + (1 - t[k]) * Math.log(Math.max(1 - v, 1e-300)), 0)
    : 0.5 * y.reduce((s, v, k) => s + (v - t[k]) ** 2, 0));
  let loss = 0;
  let right = 0;
  const binary = points.every((p) => p.target.every((t) => t === 0 || t === 1));
  for (const p of points) {
    const y = outputs(network, p.input);
    loss += error(network.loss, y, p.target);
    if (binary && y.every((v, k) => (v >= 0.5) === (p.target[k] === 1))) right += 1;
  }
  return { loss: loss / points.length, accuracy: binary ? right / points.length : null };
}

/** A seeded generator, so that the test is the same every run. */
function random(seed) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function network(layers, activation, output_activation, loss, rand) {
  const weights = layers.slice(1).map((n, k) => Array.from({ length: layers[k] }, () =>
    Array.from({ length: n }, () => (rand() - 0.5) * 4)));
  const biases = layers.slice(1).map((n) => Array.from({ length: n }, () => rand() - 0.5));
  return { layers, activation, output_activation, loss, weights, biases };
}

test("fitOn_equals_the_map_and_reduce_fit_bit_for_bit_for_every_activation_and_loss", () => {
  const rand = random(7);
  for (const activation of Object.keys(ACTIVATIONS)) {
    for (const [output_activation, loss] of [["sigmoid", "cross_entropy"], ["sigmoid", "squared"],
                                              [activation, "squared"]]) {
      for (const layers of [[1, 2, 2, 1], [2, 3, 1], [2, 4, 3, 2]]) {
        const net = network(layers, activation, output_activation, loss, rand);
        const binary = rand() < 0.5;
        const points = Array.from({ length: 50 }, () => ({
          input: Array.from({ length: layers[0] }, () => (rand() - 0.5) * 2.5),
          target: Array.from({ length: layers[layers.length - 1] }, () =>
            (binary ? Math.round(rand()) : rand())),
        }));
        assert.deepEqual(fitOn(net, points), reference(net, points), `${activation} ${loss} ${layers}`);
      }
    }
  }
});

test("fitOn_without_points_is_null", () => {
  const net = network([1, 1], "sigmoid", "sigmoid", "squared", random(1));
  assert.deepEqual(fitOn(net, []), { loss: null, accuracy: null });
  assert.deepEqual(fitOn(net, undefined), { loss: null, accuracy: null });
});
