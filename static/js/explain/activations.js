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
 * Where a node works on its activation: the slope there, and what it means for learning.
 * @param {string} name @param {number} x @returns {{slope:number, state:string, words:string}}
 */
export function operatingPoint(name, x) {
  const a = ACTIVATIONS[name] ?? ACTIVATIONS.linear;
  const slope = a.df(x);
  const steepest = name === "sigmoid" ? 0.25 : 1;
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
 * Points of f and f′ over an x range that shows the node's x and the curve's bend.
 * @param {string} name @param {number} x @param {number} [n] points
 */
export function curves(name, x, n = 121) {
  const a = ACTIVATIONS[name] ?? ACTIVATIONS.linear;
  const half = Math.max(5, Math.min(Math.abs(x) * 1.25 + 1, 50));
  const xs = Array.from({ length: n }, (_, k) => -half + (2 * half * k) / (n - 1));
  return { xs, f: xs.map(a.f), df: xs.map(a.df), range: [-half, half] };
}
