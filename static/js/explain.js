/**
 * The explanation of the current phase: one line of narration, and for the selected node or
 * link the formula with its numbers substituted, as MathML.
 */
import { fmt } from "./format.js";
import {
  equation, frac, int, m, mi, mn, mo, paren, partial, product, row, sub, sum, sup,
} from "./mathml.js";

const LAYER = (l, L) => (l === 0 ? "the input layer" : l === L - 1 ? "the output layer"
  : `hidden layer ${l}`);
const NODE = (l, j, L) => `node ${j + 1} of ${LAYER(l, L)}`;

/** y = f(x), symbolically and with x substituted. */
function activationSteps(name, x, y) {
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
    default: return [mi("x")];
  }
}

/** f′(x), symbolically and with the numbers substituted. */
function derivativeSteps(name, x, y) {
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

function lossDerivative(loss, y, t, dEdy) {
  if (loss === "cross_entropy") {
    return equation(partial("y"),
      frac(row(mi("y"), mo("−"), mi("t")), product(mi("y"), paren(int(1), mo("−"), mi("y")))),
      frac(row(mn(y), mo("−"), mn(t, true)), product(mn(y), paren(int(1), mo("−"), mn(y)))),
      mn(dEdy));
  }
  return equation(partial("y"), row(mi("y"), mo("−"), mi("t")),
                  row(mn(y), mo("−"), mn(t, true)), mn(dEdy));
}

function errorEquation(loss, trace) {
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
function forwardNode(trace, weightsOf, l, j, activation) {
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
function backwardNode(trace, settings, l, j, weightsOf) {
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

/**
 * @param {{trace: import("./api.js").Trace, settings: object} | null} record
 * @param {import("./phases.js").Phase | null} phase
 * @param {import("./network-view.js").Selection | null} selection
 * @param {number} learningRate the learning rate shown for an update still to come
 * @returns {{narration: string, heading: string, formulas: Element[]}}
 */
export function explain(record, phase, selection, learningRate) {
  if (!record || !phase) {
    return { narration: "Press Next (or Forward) to send the sample through the network.",
             heading: "Ready", formulas: [] };
  }
  const { trace, settings } = record;
  const L = trace.nodes.length;
  const beforeUpdate = trace.phase === "update" && phase.kind !== "update";
  const weightsOf = (k, i, j) => {
    const w = trace.weights[k][i][j];
    return beforeUpdate ? w.w_before : w.w;
  };
  const narration = narrate(phase, L, settings);
  const sel = selection ?? defaultSelection(phase, L);
  const reachedForward = (l) => phase.kind !== "input" && phase.kind !== "forward" ? true : l <= phase.layer;
  const reachedBackward = (l) => phase.kind === "update" || (phase.kind === "backward" && l >= phase.layer);

  if (phase.kind === "error" && sel.type === "node" && sel.l === L - 1) {
    return { narration, heading: "Error at the output", formulas: [errorEquation(settings.loss, trace)] };
  }
  if (sel.type === "node") {
    const { l, j } = sel;
    const heading = NODE(l, j, L);
    if (!reachedForward(l)) {
      return { narration, heading, formulas: [], note: `The forward pass has not reached ${LAYER(l, L)} yet.` };
    }
    const activation = l === L - 1 ? settings.output_activation : settings.activation;
    if (phase.kind === "update" && l > 0) {
      const n = trace.nodes[l][j];
      return { narration, heading, formulas: [equation(row(sub("b", `${j + 1}`), mo("←"),
        sub("b", `${j + 1}`), mo("−"), mi("α"), mo("·"), partial("b")),
        row(mn(n.b_before ?? n.b), mo("−"), product(mn(trace.learning_rate), mn(n.dE_db, true))),
        mn(n.b))] };
    }
    if (l > 0 && reachedBackward(l)) {
      return { narration, heading, formulas: backwardNode(trace, settings, l, j, weightsOf) };
    }
    return { narration, heading, formulas: forwardNode(trace, weightsOf, l, j, activation) };
  }
  const { k, i, j } = sel;
  const link = trace.weights[k][i][j];
  const heading = `weight from node ${i + 1} of ${LAYER(k, L)} to node ${j + 1} of ${LAYER(k + 1, L)}`;
  const w = sub("w", `${i + 1}${j + 1}`);
  if (phase.kind === "update") {
    return { narration, heading, formulas: [equation(row(w, mo("←"), sub("w", `${i + 1}${j + 1}`), mo("−"),
      mi("α"), mo("·"), partial("w")),
      row(mn(link.w_before ?? link.w), mo("−"), product(mn(trace.learning_rate), mn(link.dE_dw, true))),
      mn(link.w))] };
  }
  if (reachedBackward(k + 1)) {
    const source = trace.nodes[k][i];
    const target = trace.nodes[k + 1][j];
    return { narration, heading, formulas: [equation(partial("w", `${i + 1}${j + 1}`),
      product(sub("y", `${i + 1}`), partial("x", `${j + 1}`)),
      product(mn(source.y, true), mn(target.dE_dx, true)), mn(link.dE_dw))],
      note: `After the update: w ← ${fmt(weightsOf(k, i, j))} − ${fmt(learningRate)}·${fmt(link.dE_dw)}.` };
  }
  if (reachedForward(k)) {
    const source = trace.nodes[k][i];
    return { narration, heading, formulas: [equation(product(w, sub("y", `${i + 1}`)),
      product(mn(weightsOf(k, i, j), true), mn(source.y, true)), mn(weightsOf(k, i, j) * source.y))],
      note: "This product is one term of the sum x of the node the link leads to." };
  }
  return { narration, heading, formulas: [equation(w, mn(weightsOf(k, i, j)))] };
}

/** @param {import("./phases.js").Phase} phase @param {number} L */
export function defaultSelection(phase, L) {
  if (phase.kind === "update") return { type: "link", k: L - 2, i: 0, j: 0 };
  if (phase.kind === "error") return { type: "node", l: L - 1, j: 0 };
  return { type: "node", l: phase.layer, j: 0 };
}

function narrate(phase, L, settings) {
  const activation = phase.layer === L - 1 ? settings.output_activation : settings.activation;
  const loss = settings.loss === "cross_entropy" ? "cross-entropy" : "squared-error";
  switch (phase.kind) {
    case "input":
      return "A sample enters: each input node passes its value on unchanged (y = x).";
    case "forward":
      return `Forward into ${LAYER(phase.layer, L)}: each node adds up its weighted inputs ` +
        `and its bias to get x, then applies ${activation} to get y.`;
    case "error":
      return `The error: the output y is compared with the target t by the ${loss} loss E; ` +
        "the rest of the step tries to make E smaller.";
    case "backward":
      return phase.layer === L - 1
        ? "Backward at the output: the loss gives ∂E/∂y; times the slope f′(x) of the " +
          "activation it gives ∂E/∂x, the bias's ∂E/∂b, and each incoming weight's " +
          "∂E/∂w = y·∂E/∂x."
        : `Backward into ${LAYER(phase.layer, L)}: each node gathers ∂E/∂y from the layer ` +
          "above through its outgoing weights, then multiplies by f′(x) to get ∂E/∂x; each " +
          "incoming weight gets ∂E/∂w = y·∂E/∂x.";
    default:
      return "The update: every weight and bias takes a small step against its gradient, " +
        "scaled by the learning rate α, so that E falls.";
  }
}
