/**
 * The formulas of one node, symbolic and with its numbers substituted, as MathML trees:
 * the activation and its derivative, the loss and its derivative, the forward and the
 * backward formulas of a node. Pure: no DOM.
 */
import {
  equation, frac, int, m, mi, mn, mo, paren, partial, product, row, sub, sum, sup,
} from "./mathml.js";

/** @typedef {import("./mathml.js").MathNode} MathNode */

/** y = f(x), symbolically and with x substituted. */
export function activationSteps(name, x, y) {
  const X = mn(x, true);
  const e = (arg) => sup(mi("e"), arg);
  switch (name) {
    case "sigmoid":
      return [frac(int(1), row(int(1), mo("+"), e(row(mo("−"), mi("x"))))),
              frac(int(1), row(int(1), mo("+"), e(row(mo("−"), X))))];
    case "tanh": return [row(mi("tanh"), paren(mi("x"))), row(mi("tanh"), paren(X))];
    case "relu": return [row(mi("max"), paren(int(0), mo(","), mi("x"))),
                         row(mi("max"), paren(int(0), mo(","), X))];
    case "leaky_relu": return x > 0 ? [mi("x"), X]
      : [product(m("mn", "0.01"), mi("x")), product(m("mn", "0.01"), X)];
    case "elu": return x > 0 ? [mi("x"), X]
      : [row(e(mi("x")), mo("−"), int(1)), row(e(X), mo("−"), int(1))];
    case "softplus": return [row(mi("ln"), paren(int(1), mo("+"), e(mi("x")))),
                             row(mi("ln"), paren(int(1), mo("+"), e(X)))];
    default: return [mi("x"), X];  // linear: y = x
  }
}

/** f′(x), symbolically and with the numbers substituted. */
export function derivativeSteps(name, x, y) {
  const one = () => int(1);
  switch (name) {
    case "sigmoid": return { symbolic: product(mi("y"), paren(one(), mo("−"), mi("y"))),
                             numeric: product(mn(y), paren(one(), mo("−"), mn(y))) };
    case "tanh": return { symbolic: paren(one(), mo("−"), sup(mi("y"), int(2))),
                          numeric: paren(one(), mo("−"), sup(mn(y, true), int(2))) };
    case "relu": return { symbolic: mi("[x > 0]"), numeric: int(x > 0 ? 1 : 0) };
    case "leaky_relu": return { symbolic: mi(x > 0 ? "1 (x > 0)" : "0.01 (x ≤ 0)"),
                                numeric: m("mn", x > 0 ? "1" : "0.01") };
    case "elu": return x > 0
      ? { symbolic: mi("1 (x > 0)"), numeric: int(1) }
      : { symbolic: sup(mi("e"), mi("x")), numeric: sup(mi("e"), mn(x, true)) };
    case "softplus": return {
      symbolic: frac(one(), row(one(), mo("+"), sup(mi("e"), row(mo("−"), mi("x"))))),
      numeric: frac(one(), row(one(), mo("+"), sup(mi("e"), row(mo("−"), mn(x, true))))) };
    default: return { symbolic: one(), numeric: one() };
  }
}

export function lossDerivative(loss, y, t, dEdy) {
  if (loss === "cross_entropy") {
    return equation(partial("y"),
      frac(row(mi("y"), mo("−"), mi("t")), product(mi("y"), paren(int(1), mo("−"), mi("y")))),
      frac(row(mn(y), mo("−"), mn(t, true)), product(mn(y), paren(int(1), mo("−"), mn(y)))),
      mn(dEdy));
  }
  return equation(partial("y"), row(mi("y"), mo("−"), mi("t")),
                  row(mn(y), mo("−"), mn(t, true)), mn(dEdy));
}

export function errorEquation(loss, trace) {
  const out = trace.nodes[trace.nodes.length - 1];
  if (loss === "cross_entropy") {
    const terms = out.map((n, k) => row(mn(trace.target[k]), mo("·"), mi("ln"), mn(n.y), mo("+"),
      mn(1 - trace.target[k]), mo("·"), mi("ln"), mn(1 - n.y)));
    return equation(mi("E"), row(mo("−"), mo("Σ"), mo("["), mi("t"), mi("ln"), mi("y"), mo("+"),
      paren(int(1), mo("−"), mi("t")), mi("ln"), paren(int(1), mo("−"), mi("y")), mo("]")),
      row(mo("−"), mo("["), sum(terms), mo("]")), mn(trace.error));
  }
  const half = () => frac(int(1), int(2));
  const terms = out.map((n, k) =>
    sup(paren(mn(n.y), mo("−"), mn(trace.target[k], true)), int(2)));
  return equation(mi("E"),
    row(half(), mo("Σ"), sup(paren(mi("y"), mo("−"), mi("t")), int(2))),
    row(half(), mo("·"), sum(terms)), mn(trace.error));
}

/** The forward formulas of node (l, j). */
export function forwardNode(trace, weightsOf, l, j, activation) {
  const node = trace.nodes[l][j];
  if (l === 0) {
    return [equation(mi("x"), mi("input"), mn(node.x)), equation(mi("y"), mi("x"), mn(node.y))];
  }
  const prev = trace.nodes[l - 1];
  const ws = prev.map((_, i) => weightsOf(l - 1, i, j));
  const symbolic = sum([
    ...prev.map((_, i) => product(sub("w", `${i + 1}${j + 1}`), sub("y", `${i + 1}`))),
    sub("b", `${j + 1}`)]);
  const numeric = sum([...prev.map((p, i) => product(mn(ws[i], true), mn(p.y, true))),
                       mn(node.b ?? 0, true)]);
  const [fSym, fNum] = activationSteps(activation, node.x, node.y);
  return [equation(sub("x", `${j + 1}`), symbolic, numeric, mn(node.x)),
          equation(sub("y", `${j + 1}`), row(mi("f"), mo("("), mi("x"), mo(")")), fSym, fNum,
                   mn(node.y))];
}

/** The backward formulas of node (l, j), for the output layer or a hidden one. */
export function backwardNode(trace, settings, l, j, weightsOf) {
  const L = trace.nodes.length;
  const node = trace.nodes[l][j];
  const activation = l === L - 1 ? settings.output_activation : settings.activation;
  const lines = [];
  if (l === L - 1) {
    lines.push(lossDerivative(settings.loss, node.y, trace.target[j], node.dE_dy));
  } else {
    const above = trace.nodes[l + 1];
    lines.push(equation(partial("y", `${j + 1}`),
      row(mo("Σ"), product(sub("w", `${j + 1}k`), partial("x", "k"))),
      sum(above.map((a, k) => product(mn(weightsOf(l, j, k), true), mn(a.dE_dx, true)))),
      mn(node.dE_dy)));
  }
  const d = derivativeSteps(activation, node.x, node.y);
  lines.push(equation(partial("x", `${j + 1}`),
    product(row(sup(mi("f"), mo("′")), mo("("), mi("x"), mo(")")), partial("y")),
    product(d.symbolic, mn(node.dE_dy, true)),
    product(d.numeric, mn(node.dE_dy, true)), mn(node.dE_dx)));
  lines.push(equation(partial("b", `${j + 1}`), partial("x", `${j + 1}`), mn(node.dE_db)));
  return lines;
}
