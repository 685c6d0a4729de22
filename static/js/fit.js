/**
 * How well the network fits its data, computed in the page from the weights in effect (the
 * formulas of server/engine, in float64): E over the training and the test points, and for
 * 0/1 targets the share classified right (output ≥ 0.5 for 1). Pure.
 */
import { ACTIVATIONS } from "./activations.js";

/** The network's outputs y for one input. */
export function outputs(network, input) {
  let y = input;
  const L = network.layers.length;
  for (let k = 0; k < L - 1; k++) {
    const f = ACTIVATIONS[k === L - 2 ? network.output_activation : network.activation].f;
    y = network.biases[k].map((b, j) => f(y.reduce((s, v, i) => s + v * network.weights[k][i][j], b)));
  }
  return y;
}

/** E of one point, as server/engine/losses.py (cross entropy from y, clipped off 0 and 1). */
function error(loss, y, t) {
  if (loss === "cross_entropy") {
    const eps = 1e-300;
    return -y.reduce((s, v, k) => s + t[k] * Math.log(Math.max(v, eps))
      + (1 - t[k]) * Math.log(Math.max(1 - v, eps)), 0);
  }
  return 0.5 * y.reduce((s, v, k) => s + (v - t[k]) ** 2, 0);
}

/**
 * @param {any} network @param {{input:number[], target:number[]}[]} points
 * @returns {{loss:number|null, accuracy:number|null}}
 */
export function fitOn(network, points) {
  if (!points?.length) return { loss: null, accuracy: null };
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
