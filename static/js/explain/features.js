/**
 * Derived input features, as in Playground (x₁², x₂², x₁·x₂, sin x₁, sin x₂): each is an input
 * node after the raw inputs, computed from them. Here: how many raw inputs a network has, the
 * name of each input node, which features data of n inputs can take, the weights that keep
 * their place when features change, and a feature node's formula with its numbers. Pure: no
 * DOM. The catalogue (names, formulas, what each reads) is /api/options' `features`.
 */
import { equation, int, mi, mn, paren, product, row, sup } from "./mathml.js";
import { nodeSym } from "./notation.js";

/** @typedef {{name:string, formula:string, formula_one_input?:string|null, reads:number[]}}
 *  FeatureInfo */
/** @typedef {{layers?:number[], features?:string[]}} Shaped */

const SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉";

/** The raw inputs of a network: what a sample's input holds. @param {Shaped} network */
export function rawInputs(network) {
  return (network.layers?.[0] ?? 0) - (network.features?.length ?? 0);
}

/** The features of data with `raw` inputs (each reads inputs 1 … raw only), in order.
 * @param {FeatureInfo[]} catalogue @param {number} raw */
export function featuresFor(catalogue, raw) {
  return catalogue.filter((f) => Math.max(...f.reads) <= raw);
}

/** Input node j's name: x₁, x₂, … for the raw inputs, then each feature's formula.
 * @param {Shaped} network @param {number} j @param {FeatureInfo[]} catalogue */
export function inputLabel(network, j, catalogue) {
  const raw = rawInputs(network);
  if (j < raw) return `x${SUBSCRIPTS[j + 1] ?? j + 1}`;
  const name = network.features?.[j - raw] ?? "";
  return catalogue.find((f) => f.name === name)?.formula ?? name;
}

/**
 * The features a network keeps when its data have `raw` inputs: those of `wanted` that read
 * only inputs 1 … raw, in the catalogue's order; and the ones dropped.
 * @param {FeatureInfo[]} catalogue @param {string[]} wanted @param {number} raw
 */
export function keptFeatures(catalogue, wanted, raw) {
  const fit = new Set(featuresFor(catalogue, raw).map((f) => f.name));
  const ordered = catalogue.map((f) => f.name).filter((n) => wanted.includes(n));
  return { kept: ordered.filter((n) => fit.has(n)), dropped: ordered.filter((n) => !fit.has(n)) };
}

/**
 * For each input node of the new input layer, the old input node it continues (the same raw
 * input, or the same feature), or null for a new one.
 * @param {Shaped} old @param {number} raw the new raw inputs @param {string[]} features
 * @returns {(number|null)[]}
 */
export function inputRows(old, raw, features) {
  const oldRaw = rawInputs(old);
  const oldFeatures = old.features ?? [];
  return [...Array.from({ length: raw }, (_, i) => (i < oldRaw ? i : null)),
          ...features.map((name) => {
            const at = oldFeatures.indexOf(name);
            return at < 0 ? null : oldRaw + at;
          })];
}

/**
 * The weights and biases when the input layer changes: each row of the first weights comes
 * from the old input node it continues (`rows`), a new node's from `fresh`; every other weight
 * and bias keeps its value. How many were kept, how many are new.
 * @param {{weights:number[][][], biases:number[][]}} old
 * @param {{weights:number[][][], biases:number[][]}} fresh of the new shape
 * @param {(number|null)[]} rows for each new input node, the old one it continues
 */
export function carryInputs(old, fresh, rows) {
  let kept = 0;
  let added = 0;
  const first = fresh.weights[0].map((row, i) => {
    const from = rows[i];
    if (from === null || from === undefined) {
      added += row.length;
      return row;
    }
    kept += row.length;
    return old.weights[0][from].slice();
  });
  const rest = old.weights.slice(1).map((m) => m.map((r) => r.slice()));
  kept += rest.reduce((n, m) => n + m.length * m[0].length, 0)
    + old.biases.reduce((n, b) => n + b.length, 0);
  return { weights: [first, ...rest], biases: old.biases.map((b) => b.slice()), kept, added };
}

/**
 * A feature node's formulas: x = its formula over the raw inputs' x, then with their numbers,
 * then its value; and y = x, as every input node. `inputs`: the raw inputs' values (the trace's
 * input), `value`: the node's x as the server computed it.
 * @param {string} name @param {number} j the node @param {number[]} inputs @param {number} value
 */
export function featureLines(name, j, inputs, value) {
  const x = (i) => nodeSym("x", 0, i);
  const v = (i) => mn(inputs[i], true);
  const [symbolic, numeric] = {
    x1_squared: () => [sup(paren(x(0)), int(2)), sup(v(0), int(2))],
    x2_squared: () => [sup(paren(x(1)), int(2)), sup(v(1), int(2))],
    x1_x2: () => [product(x(0), x(1)), product(v(0), v(1))],
    sin_x1: () => [row(mi("sin"), paren(x(0))), row(mi("sin"), paren(mn(inputs[0])))],
    sin_x2: () => [row(mi("sin"), paren(x(1))), row(mi("sin"), paren(mn(inputs[1])))],
  }[name]?.() ?? [mi(name), mi(name)];
  return [equation(nodeSym("x", 0, j), symbolic, numeric, mn(value)),
          equation(nodeSym("y", 0, j), nodeSym("x", 0, j), mn(value))];
}

/** Why a feature helps, in words, for the panel. @param {string} name */
export function featureWords(name) {
  const why = {
    x1_squared: "a curve that bends the same way on both sides of x₁ = 0",
    x2_squared: "a curve that bends the same way on both sides of x₂ = 0",
    x1_x2: "a saddle: positive where x₁ and x₂ have the same sign, negative where they differ " +
           "(XOR's pattern)",
    sin_x1: "a wave along x₁ (on these data, |x₁| ≤ 1.25, only its middle: nearly x₁ " +
            "itself, bending toward ±1 at the edges; a wave shows over a wider range)",
    sin_x2: "a wave along x₂ (on these data, |x₂| ≤ 1.25, only its middle: nearly x₂ " +
            "itself, bending toward ±1 at the edges; a wave shows over a wider range)",
  }[name] ?? "";
  return "This input node is not in the data: it is computed from the raw inputs (the line " +
    "above, with their values) before the forward pass, then passed on as any input (y = x). " +
    `It hands the network ` +
    `${why} for free, so that fewer hidden nodes are needed to draw it. The weights out of ` +
    "it learn as any weight: ∂E/∂w = y · ∂E/∂x of the node they feed.";
}
