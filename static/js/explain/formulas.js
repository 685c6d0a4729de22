/**
 * The forward formulas of a node and the pieces both directions share: each activation f
 * with its derivative f′, and the loss E with its derivative, symbolic and with the numbers
 * substituted, as MathML trees. Pure: no DOM.
 */
import {
  equation, frac, int, m, mi, mn, mo, mtext, paren, product, row, sub, subsup, sum, sup,
} from "./mathml.js";
import { dE, nodeSym, symbol, weightSym } from "./notation.js";
import { subscript } from "../lib/format.js";

/** @typedef {import("./mathml.js").MathNode} MathNode */

/** y = f(x), symbolically and with x substituted. @returns {[MathNode, MathNode]} */
export function activationSteps(name, x) {
  const X = mn(x, true);  // in parentheses when negative: after a sign, or as a factor
  const arg = mn(x);  // inside a function's own parentheses: none more
  const e = (arg) => sup(mi("e"), arg);
  switch (name) {
    case "sigmoid":
      return [frac(int(1), row(int(1), mo("+"), e(row(mo("−"), mi("x"))))),
              frac(int(1), row(int(1), mo("+"), e(row(mo("−"), X))))];
    case "tanh": return [row(mi("tanh"), paren(mi("x"))), row(mi("tanh"), paren(arg))];
    case "relu": return [row(mi("max"), paren(int(0), mo(","), mi("x"))),
                         row(mi("max"), paren(int(0), mo(","), arg))];
    case "leaky_relu": return x > 0 ? [mi("x"), X]
      : [product(m("mn", "0.01"), mi("x")), product(m("mn", "0.01"), X)];
    case "elu": return x > 0 ? [mi("x"), X]
      : [row(e(mi("x")), mo("−"), int(1)), row(e(X), mo("−"), int(1))];
    case "softplus": return [row(mi("ln"), paren(int(1), mo("+"), e(mi("x")))),
                             row(mi("ln"), paren(int(1), mo("+"), e(X)))];
    default: return [mi("x"), X];  // linear: y = x
  }
}

/**
 * f′(x): symbolically, with the numbers substituted, and its value (in float64, as the
 * server computes it), with a word on when a piecewise slope applies. `piecewise`: the
 * symbolic line already is the number ("0 (as x ≤ 0)"), not written again.
 * @returns {{symbolic: MathNode, numeric: MathNode, value: number, words?: string,
 *            piecewise?: boolean}}
 */
export function derivativeSteps(name, x, y) {
  const one = () => int(1);
  switch (name) {
    case "sigmoid": return { symbolic: product(mi("y"), paren(one(), mo("−"), mi("y"))),
                             numeric: product(mn(y), paren(one(), mo("−"), mn(y))),
                             value: y * (1 - y) };
    case "tanh": return { symbolic: paren(one(), mo("−"), sup(mi("y"), int(2))),
                          numeric: paren(one(), mo("−"), sup(mn(y, true), int(2))),
                          value: 1 - y * y };
    case "relu": return { symbolic: mtext(x > 0 ? "1 (as x > 0)" : "0 (as x ≤ 0)"),
                          numeric: int(x > 0 ? 1 : 0), value: x > 0 ? 1 : 0, piecewise: true,
                          words: "relu's slope is 1 where x > 0 and 0 elsewhere: a node whose x " +
                                 "stays ≤ 0 passes no gradient back (a dead relu)." };
    case "leaky_relu": return { symbolic: mtext(x > 0 ? "1 (as x > 0)" : "0.01 (as x ≤ 0)"),
                                numeric: m("mn", x > 0 ? "1" : "0.01"), value: x > 0 ? 1 : 0.01,
                                piecewise: true,
                                words: "leaky relu's slope is 1 where x > 0 and 0.01 elsewhere." };
    case "elu": return x > 0
      ? { symbolic: mtext("1 (as x > 0)"), numeric: int(1), value: 1, piecewise: true }
      : { symbolic: sup(mi("e"), mi("x")), numeric: sup(mi("e"), mn(x, true)), value: Math.exp(x) };
    case "softplus": return {
      symbolic: frac(one(), row(one(), mo("+"), sup(mi("e"), row(mo("−"), mi("x"))))),
      numeric: frac(one(), row(one(), mo("+"), sup(mi("e"), row(mo("−"), mn(x, true))))),
      value: 1 / (1 + Math.exp(-x)) };
    default: return { symbolic: one(), numeric: one(), value: 1 };
  }
}

/** The output's ∂E/∂y from the loss's own derivative. */
export function lossDerivative(loss, l, j, y, t, dEdy) {
  const Y = nodeSym("y", l, j);
  if (loss === "categorical_cross_entropy") {
    // E = −Σ t·ln y: only this output's own term holds y⁽ˡ⁾ⱼ
    return equation(dE(Y), row(mo("−"), frac(sub(mi("t"), int(j + 1)), Y)),
      row(mo("−"), frac(mn(t), mn(y))), mn(dEdy));
  }
  if (loss === "cross_entropy") {
    return equation(dE(Y),
      row(mo("−"), frac(mi("t"), mi("y")), mo("+"), frac(row(int(1), mo("−"), mi("t")),
                                                        row(int(1), mo("−"), mi("y")))),
      frac(row(mi("y"), mo("−"), mi("t")), product(mi("y"), paren(int(1), mo("−"), mi("y")))),
      frac(row(mn(y), mo("−"), mn(t, true)), product(mn(y), paren(int(1), mo("−"), mn(y)))),
      mn(dEdy));
  }
  return equation(dE(Y), row(mi("y"), mo("−"), mi("t")), row(mn(y), mo("−"), mn(t, true)),
                  mn(dEdy));
}

/** E of the pass, symbolic and with every output and target substituted; `whose` names it
 * (E with "point 1" below it) when it is one point's of a mini-batch. */
export function errorEquation(loss, trace, whose = "") {
  const E = whose ? sub(mi("E"), mtext(whose)) : mi("E");
  const out = trace.nodes[trace.nodes.length - 1];
  if (loss === "categorical_cross_entropy") {
    const l = trace.nodes.length - 1;
    const terms = out.map((n, k) => row(mn(trace.target[k]), mo("·"), mi("ln"), mn(n.y)));
    const symbolic = row(mo("−"), sub(mo("Σ"), mi("k")), sub(mi("t"), mi("k")), mi("ln"),
                         sub(mi("y"), mi("k")));
    // Many classes and a one-hot target (the digits): only the target's term is left.
    const hot = trace.target.indexOf(1);
    if (out.length > 4 && hot >= 0 && trace.target.every((t, k) => t === (k === hot ? 1 : 0))) {
      return equation(E, symbolic,
        row(mo("−"), mi("ln"), nodeSym("y", l, hot), mtext(` (t${subscript(hot + 1)} = 1, every other t = 0)`)),
        row(mo("−"), mi("ln"), paren(mn(out[hot].y))), mn(trace.error));
    }
    return equation(E, symbolic,
      row(mo("−"), paren(sum(out.map((_, k) => row(sub(mi("t"), int(k + 1)), mi("ln"),
                                                    nodeSym("y", l, k)))))),
      row(mo("−"), paren(sum(terms))), mn(trace.error));
  }
  if (loss === "cross_entropy") {
    const terms = out.map((n, k) => row(mn(trace.target[k]), mo("·"), mi("ln"), mn(n.y), mo("+"),
      mn(1 - trace.target[k]), mo("·"), mi("ln"), mn(1 - n.y)));
    return equation(E, row(mo("−"), mo("Σ"), mo("["), mi("t"), mi("ln"), mi("y"), mo("+"),
      paren(int(1), mo("−"), mi("t")), mi("ln"), paren(int(1), mo("−"), mi("y")), mo("]")),
      row(mo("−"), mo("["), sum(terms), mo("]")), mn(trace.error));
  }
  const half = () => frac(int(1), int(2));
  const terms = out.map((n, k) =>
    sup(paren(mn(n.y), mo("−"), mn(trace.target[k], true)), int(2)));
  return equation(E,
    row(half(), mo("Σ"), sup(paren(mi("y"), mo("−"), mi("t")), int(2))),
    row(half(), mo("·"), sum(terms)), mn(trace.error));
}

/** A mini-batch's value `symbol`: the mean of its points' own (the first five written out).
 * @param {MathNode} symbol @param {number[]} each per point @param {number} mean */
export function batchMean(symbol, each, mean) {
  const shown = each.slice(0, 5).map((v) => mn(v, true));
  const share = () => frac(int(1), int(each.length));
  return equation(symbol, row(share(), mo("·"), sub(mo("Σ"), mi("k")), sub(symbol, mi("k"))),
    row(share(), mo("·"), paren(sum(each.length > 5 ? [...shown, mo("…")] : shown))), mn(mean));
}

/** The most terms w·y a weighted sum writes out one by one. */
export const WIDE_SUM = 8;

/**
 * x of a node over a wide layer (the digits' 64 pixels): Σᵢ w·y + b; the terms largest in
 * size by name, the others as one sum; the same with their numbers; x. Every term is the
 * product of a weight and a y the drawing shows when selected.
 */
function wideSum(trace, weightsOf, l, j, biasOf) {
  const node = trace.nodes[l][j];
  const prev = trace.nodes[l - 1];
  const term = (i) => weightsOf(l - 1, i, j) * prev[i].y;
  const order = prev.map((_, i) => i)
    .sort((a, c) => Math.abs(term(c)) - Math.abs(term(a)) || a - c);
  const shown = order.slice(0, WIDE_SUM - 2).sort((a, c) => a - c);
  const others = order.slice(WIDE_SUM - 2);
  const rest = others.reduce((t, i) => t + term(i), 0);
  const zeros = others.filter((i) => prev[i].y === 0).length;
  const i = mi("i");
  const restWords = `the other ${others.length} w·y` +
    (zeros ? ` (${zeros} of them on an input of 0)` : "");
  return equation(nodeSym("x", l, j),
    sum([row(subsup(mo("Σ"), row(i, mo("="), int(1)), int(prev.length)),
             product(symbol("w", l, `i,${j + 1}`), symbol("y", l - 1, "i"))), nodeSym("b", l, j)]),
    sum([...shown.map((k) => product(weightSym(l - 1, k, j), nodeSym("y", l - 1, k))),
         mtext(`[${restWords}]`), nodeSym("b", l, j)]),
    sum([...shown.map((k) => product(mn(weightsOf(l - 1, k, j), true), mn(prev[k].y, true))),
         mn(rest, true), mn(biasOf(node) ?? 0, true)]),
    mn(node.x));
}

/** The forward formulas of node (l, j): the weighted sum x, then y = f(x). */
export function forwardNode(trace, weightsOf, l, j, activation, biasOf = (n) => n.b) {
  const node = trace.nodes[l][j];
  if (l === 0) {
    return [equation(nodeSym("x", 0, j), mtext("the input"), mn(node.x)),
            equation(nodeSym("y", 0, j), nodeSym("x", 0, j), mn(node.y))];
  }
  const prev = trace.nodes[l - 1];
  const xLine = prev.length > WIDE_SUM ? wideSum(trace, weightsOf, l, j, biasOf)
    : equation(nodeSym("x", l, j),
               sum([...prev.map((_, i) => product(weightSym(l - 1, i, j), nodeSym("y", l - 1, i))),
                    nodeSym("b", l, j)]),
               sum([...prev.map((p, i) => product(mn(weightsOf(l - 1, i, j), true), mn(p.y, true))),
                    mn(biasOf(node) ?? 0, true)]),
               mn(node.x));
  if (activation === "softmax") return [xLine, softmaxLine(trace.nodes[l], l, j)];
  const [fSym, fNum] = activationSteps(activation, node.x);
  return [xLine,
          equation(nodeSym("y", l, j), row(mi("f"), paren(mi("x"))), fSym, fNum, mn(node.y))];
}

/**
 * y⁽ˡ⁾ⱼ = e^x⁽ˡ⁾ⱼ / Σₖ e^x⁽ˡ⁾ₖ, with every x of the layer written out, then with the numbers:
 * each y of a softmax layer depends on every x of it.
 * @param {{x:number, y:number}[]} layer the layer's nodes @param {number} l @param {number} j
 */
export function softmaxLine(layer, l, j) {
  const e = (a) => sup(mi("e"), a);
  return equation(nodeSym("y", l, j),
    frac(e(nodeSym("x", l, j)), row(sub(mo("Σ"), mi("k")), e(symbol("x", l, "k")))),
    frac(e(nodeSym("x", l, j)), sum(layer.map((_, k) => e(nodeSym("x", l, k))))),
    frac(e(mn(layer[j].x)), sum(layer.map((n) => e(mn(n.x))))),
    mn(layer[j].y));
}
