/**
 * Each activation f and its slope f′ in JavaScript, as server/engine/activations.py defines
 * them (leaky relu's slope 0.01, elu's α = 1), for the pictures of a node's operating point.
 * The numbers the page shows come from the server; these only draw curves.
 */

const sigmoid = (x) => 1 / (1 + Math.exp(-x));

/** @type {Record<string, {f:(x:number)=>number, df:(x:number)=>number}>} */
export const ACTIVATIONS = {
  sigmoid: { f: sigmoid, df: (x) => sigmoid(x) * sigmoid(-x) },
  tanh: { f: Math.tanh, df: (x) => 1 - Math.tanh(x) ** 2 },
  relu: { f: (x) => Math.max(0, x), df: (x) => (x > 0 ? 1 : 0) },
  leaky_relu: { f: (x) => (x > 0 ? x : 0.01 * x), df: (x) => (x > 0 ? 1 : 0.01) },
  elu: { f: (x) => (x > 0 ? x : Math.expm1(x)), df: (x) => (x > 0 ? 1 : Math.exp(x)) },
  softplus: { f: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), df: sigmoid },
  linear: { f: (x) => x, df: () => 1 },
};

/**
 * A softmax output node's y over its own x, every other x of its layer held: yₖ = eˣ / (eˣ +
 * Σⱼ≠ₖ eˣʲ) = σ(x − c) with c = ln Σⱼ≠ₖ eˣʲ, a sigmoid shifted by c; its slope yₖ(1 − yₖ) is
 * the diagonal of softmax's Jacobian. @param {number} c
 */
export function softmaxAlone(c) {
  return { f: (x) => sigmoid(x - c), df: (x) => sigmoid(x - c) * sigmoid(c - x) };
}

/**
 * Where a node works on its activation: the slope there, and what it means for learning.
 * `shift`: for softmax, c = ln Σ eˣ over the layer's other nodes (softmaxAlone).
 * @param {string} name @param {number} x @param {number} [shift]
 * @returns {{slope:number, state:string, words:string}}
 */
export function operatingPoint(name, x, shift = 0) {
  const a = name === "softmax" ? softmaxAlone(shift) : ACTIVATIONS[name] ?? ACTIVATIONS.linear;
  const slope = a.df(x);
  const steepest = name === "sigmoid" || name === "softmax" ? 0.25 : 1;
  if (slope === 0) {
    return { slope, state: "dead",
             words: `f′(x) = 0 here: no gradient passes back through this node, so the weights ` +
                    "into it do not learn from this sample (a dead relu stays dead while its x ≤ 0)." };
  }
  if (slope < 0.05 * steepest) {
    return { slope, state: "saturated",
             words: `f′(x) = ${slope.toPrecision(2)} here, nearly flat: the node is saturated and ` +
                    "passes back only a tiny share of the gradient." };
  }
  return { slope, state: "active",
           words: `f′(x) = ${slope.toPrecision(3)} here: a change in x moves y, so gradient flows back.` };
}

/**
 * Points of f and f′ over an x range that shows the node's x and the curve's bend (for
 * softmax, around its shift c, where the bend is).
 * @param {string} name @param {number} x @param {number} [n] points @param {number} [shift]
 */
export function curves(name, x, n = 121, shift = 0) {
  const a = name === "softmax" ? softmaxAlone(shift) : ACTIVATIONS[name] ?? ACTIVATIONS.linear;
  const centre = name === "softmax" ? shift : 0;
  const half = Math.max(5, Math.min(Math.abs(x - centre) * 1.25 + 1, 50));
  const xs = Array.from({ length: n }, (_, k) => centre - half + (2 * half * k) / (n - 1));
  return { xs, f: xs.map(a.f), df: xs.map(a.df), range: [centre - half, centre + half] };
}
