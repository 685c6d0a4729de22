/**
 * How well the network fits its data, computed in the page from the weights in effect (the
 * formulas of server/engine, in float64): E over the training and the test points, and for
 * 0/1 targets the share classified right (output ≥ 0.5 for 1). Pure.
 *
 * During Play this runs over every point (up to 10,000) several times a second, so the
 * forward pass is a plain loop over preallocated arrays; it adds in the same order as
 * `outputs` (b, then each y·w in turn), so that every number is the same to the bit.
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
    let s = 0;
    for (let k = 0; k < t.length; k++) {
      s = s + t[k] * Math.log(Math.max(y[k], eps)) + (1 - t[k]) * Math.log(Math.max(1 - y[k], eps));
    }
    return -s;
  }
  let s = 0;
  for (let k = 0; k < t.length; k++) s += (y[k] - t[k]) ** 2;
  return 0.5 * s;
}

/** A forward pass for many inputs, its arrays made once. @returns {(input:number[]) => Float64Array} */
function forwardPass(network) {
  const { layers, weights, biases } = network;
  const L = layers.length;
  const fs = layers.slice(1).map((_, k) => ACTIVATIONS[k === L - 2 ? network.output_activation
                                                                     : network.activation].f);
  const ys = layers.map((n) => new Float64Array(n));
  return (input) => {
    const y0 = ys[0];
    for (let i = 0; i < y0.length; i++) y0[i] = input[i];
    for (let k = 0; k < L - 1; k++) {
      const prev = ys[k];
      const next = ys[k + 1];
      const w = weights[k];
      const b = biases[k];
      const f = fs[k];
      for (let j = 0; j < next.length; j++) {
        let s = b[j];
        for (let i = 0; i < prev.length; i++) s = s + prev[i] * w[i][j];
        next[j] = f(s);
      }
    }
    return ys[L - 1];
  };
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
  const pass = forwardPass(network);
  for (const p of points) {
    const y = pass(p.input);
    loss += error(network.loss, y, p.target);
    if (binary) {
      let all = true;
      for (let k = 0; k < y.length && all; k++) all = (y[k] >= 0.5) === (p.target[k] === 1);
      if (all) right += 1;
    }
  }
  return { loss: loss / points.length, accuracy: binary ? right / points.length : null };
}
