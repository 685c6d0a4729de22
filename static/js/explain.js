/**
 * The explanation of the current phase: one line of narration, and for the selected node or
 * link the formula with its numbers substituted, as MathML.
 */
import { fmt } from "./format.js";
import { backwardNode, errorEquation, forwardNode } from "./formulas.js";
import { equation, mi, mn, mo, partial, product, row, sub } from "./mathml.js";

const LAYER = (l, L) => (l === 0 ? "the input layer" : l === L - 1 ? "the output layer"
  : `hidden layer ${l}`);
const NODE = (l, j, L) => `node ${j + 1} of ${LAYER(l, L)}`;

/**
 * @param {{trace: import("./api.js").Trace, settings: object} | null} record
 * @param {import("./phases.js").Phase | null} phase
 * @param {import("./network-view.js").Selection | null} selection
 * @param {number} learningRate the learning rate shown for an update still to come
 * @returns {{narration: string, heading: string, formulas: import("./mathml.js").MathNode[],
 *            note?: string}}
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
  const { k, i, j } = /** @type {{type:"link", k:number, i:number, j:number}} */ (sel);
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

/**
 * @param {import("./phases.js").Phase} phase @param {number} L
 * @returns {import("./network-view.js").Selection}
 */
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
