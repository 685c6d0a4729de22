/**
 * The explanation of the current phase: one line of narration that says what the phase does
 * and why it follows from the one before, and for the selected node or link its formulas
 * with the numbers substituted (MathML trees) and a note on why they hold. Pure: no DOM.
 */
import { backwardNode, backwardWeight, errorChange, updateLine } from "./chain-rule.js";
import { fmt } from "../lib/format.js";
import { batchMean, errorEquation, forwardNode } from "./formulas.js";
import { featureLines, featureWords, rawInputs } from "./features.js";
import { graphModel } from "./graph-model.js";
import { equation, mi, mn, product } from "./mathml.js";
import { dE, layerWords, nodeSym, symbolText, weightSym, weightWords } from "./notation.js";
import { pointView } from "../state/view-model.js";
import { needsRule, rulePreview, ruleLines, ruleWords } from "./optimizer.js";

const NODE = (l, j, L) => `node ${j + 1} of ${layerWords(l, L)}`;

/**
 * @param {{trace: import("../server/api.js").Trace, settings: object} | null} record
 * @param {import("../state/stepper.js").Phase | null} phase
 * @param {import("../views/network-view.js").Selection | null} selection
 * @param {import("../server/api.js").NetworkState} [network] the network at rest (for a selection
 *   before any pass: its name and value)
 * @returns {{narration: string, heading: string, formulas: import("./mathml.js").MathNode[],
 *            note?: string, operating?: {activation:string, x:number}|null,
 *            graph?: {model: any, name: string, after?: string}}}
 */
export function explain(record, phase, selection, network = null) {
  const ready = "Press Next (or Forward) to send the sample through the network.";
  if ((!record || !phase) && selection && network) {
    const L = network.layers.length;
    if (selection.type === "link") {
      const { k, i, j } = selection;
      return { narration: ready, heading: weightWords(k, i, j, L),
               formulas: [equation(weightSym(k, i, j), mn(network.weights[k][i][j]))] };
    }
    const { l, j } = selection;
    return { narration: ready, heading: NODE(l, j, L), formulas: l ? [equation(nodeSym("b", l, j),
      mn(network.biases[l - 1][j]))] : [], note: "Its x and y appear when the pass reaches it." };
  }
  if (!record || !phase) return { narration: ready, heading: "Ready", formulas: [] };
  const { trace, settings } = record;
  const L = trace.nodes.length;
  const beforeUpdate = trace.phase === "update" && phase.kind !== "update";
  const weightsOf = (k, i, j) => {
    const w = trace.weights[k][i][j];
    return beforeUpdate ? w.w_before : w.w;
  };
  // the bias the pass was computed with: before the update, while looking back at it
  const biasOf = (n) => (beforeUpdate ? n.b_before ?? n.b : n.b);
  const batch = trace.samples?.length ?? 1;
  const narration = (batch > 1 ? `A mini-batch of ${batch} points: the drawing and the graph ` +
    "show point 1's own numbers, its E, ∂E/∂w and ∂E/∂b too; the panel adds the means over " +
    "the batch, which the update uses. " : "")
    + narrate(phase, L, settings, trace.l2 ?? 0, trace)
    + (phase.kind === "input" && network?.features?.length ? ` The last ${network.features
      .length === 1 ? "input node is a derived feature" : `${network.features.length} input ` +
      "nodes are derived features"}, computed from the ${rawInputs(network) === 1 ? "raw input"
      : `${rawInputs(network)} raw inputs`} before the pass: click one to see its formula.` : "");
  const sel = selection ?? defaultSelection(phase, L);
  const reachedForward = (l) => (phase.kind !== "input" && phase.kind !== "forward") || l <= phase.layer;
  const reachedBackward = (l) => phase.kind === "update" || (phase.kind === "backward" && l >= phase.layer);
  // The computational graph of the selected node (of a selected weight's target node).
  const [gl, gj] = sel.type === "node" ? [sel.l, sel.j] : [sel.k + 1, sel.j];
  // the graph shows one point's numbers throughout: a mini-batch's first point's
  const graph = { model: graphModel(pointView(trace), phase, gl, gj, settings),
                  name: NODE(gl, gj, L) + (batch > 1 ? `, for point 1 of the mini-batch of ${batch}` : ""),
                  after: phase.kind === "update" ? " The pass was computed with the weights " +
                    "and bias from before the update; the drawing above shows the new ones." : "" };
  const said = (heading, formulas, note, operating = null) => ({ narration, heading, formulas, note,
                                                                operating, graph });

  if (phase.kind === "update" && !selection) {
    const change = errorChange(trace);
    return said("E before and after the update", change.formulas, change.note);
  }
  if (phase.kind === "error" && sel.type === "node" && sel.l === L - 1) {
    const why = "E measures how far the output is from the target; backpropagation finds how " +
      "it changes with each weight." + (settings.loss === "squared"
      ? " The ½ is there for the derivative: the square's 2 cancels it, so that ∂E/∂y is just " +
        "y − t." : settings.loss === "categorical_cross_entropy"
      ? " The softmax outputs are a probability for each class (they add up to 1), the " +
        "targets too; with a one-hot target only the true class's term is left, E = −ln y of " +
        "that class: 0 when the network gives it probability 1, and growing without bound as " +
        "that probability falls toward 0." : "");
    if (batch > 1) {  // point 1's own E, as drawn, then the batch's: the mean
      const samples = /** @type {import("../server/api.js").SampleTrace[]} */ (trace.samples);
      const own = { ...trace, nodes: samples[0].nodes, target: samples[0].target,
                    error: samples[0].error };
      return said("Error at the output", [
        errorEquation(settings.loss, /** @type {any} */ (own), "point 1"),
        batchMean(mi("E"), samples.map((p) => p.error), trace.error)],
        `${why} The first line is point 1's E; the last is the mean of the ${batch} points' ` +
        "E, the mini-batch's, which the update lowers.");
    }
    return said("Error at the output", [errorEquation(settings.loss, trace)], why);
  }
  if (sel.type === "node") {
    const { l, j } = sel;
    const heading = NODE(l, j, L);
    if (!reachedForward(l)) {
      return said(heading, [], `The forward pass has not reached ${layerWords(l, L)} yet.`);
    }
    const n = trace.nodes[l][j];
    const activation = l === L - 1 ? settings.output_activation : settings.activation;
    // softmax: y over its own x with the layer's other x held, a sigmoid shifted by
    // c = ln Σ eˣʲ of the others (every y depends on every x of the layer)
    const others = trace.nodes[l].filter((_, k) => k !== j).map((m) => m.x);
    const top = Math.max(...others);
    const operating = l === 0 ? null : activation === "softmax"
      ? { activation, x: n.x, shift: top + Math.log(others.reduce((a, x) => a + Math.exp(x - top), 0)) }
      : { activation, x: n.x };
    if (phase.kind === "update" && l > 0 && needsRule(trace)) {
      const change = errorChange(trace);
      const rule = ruleLines(nodeSym("b", l, j), { before: n.b_before ?? n.b, grad: n.dE_db ?? 0,
                                                    after: n.b ?? 0, weight: false,
                                                    state_before: n.state_before,
                                                    state: n.state }, trace);
      return said(heading, [...rule.formulas, ...change.formulas],
                  `${rule.note} ${change.note}`, operating);
    }
    if (phase.kind === "update" && l > 0) {
      const change = errorChange(trace);
      return said(heading, [...updateLine(nodeSym("b", l, j), n.b_before ?? n.b, trace.learning_rate,
                                       n.dE_db, n.b), ...change.formulas],
                  `The bias moves against its gradient. ${change.note}`, operating);
    }
    if (l > 0 && reachedBackward(l)) {
      // For a mini-batch, point 1's own numbers (its ∂E/∂b too), then the batch's mean.
      const own = batch > 1 ? { ...trace, nodes: trace.samples[0].nodes,
                                target: trace.samples[0].target } : trace;
      const back = backwardNode(own, settings, l, j, weightsOf);
      if (batch > 1) {
        back.formulas.push(batchMean(dE(nodeSym("b", l, j)), trace.samples.map((p) => p.nodes[l][j].dE_db),
                                     n.dE_db));
        back.note += ` The lines above are point 1's; the last is the mean of the ${batch} ` +
          "points' ∂E/∂b, the one the update uses.";
      }
      return said(heading, back.formulas, back.note, operating);
    }
    const raw = network ? rawInputs(network) : trace.input.length;
    if (l === 0 && j >= raw && network?.features) {
      // a derived feature: its value computed from the raw inputs, then passed on
      return said(heading, featureLines(network.features[j - raw], j, trace.input, n.x),
                  featureWords(network.features[j - raw]));
    }
    return said(heading, forwardNode(trace, weightsOf, l, j, activation, biasOf),
                l === 0 ? "An input node passes its value on: y = x."
                  : `${symbolText("x", l, String(j + 1))} adds the y of each node of the layer before, times the weight ` +
                    "between them, and the bias; " + (activation === "softmax"
                    ? "then softmax: y is eˣ divided by the sum of eˣ over every node of the " +
                      "layer. So each y depends on every x of the layer (raise one x and every " +
                      "other y falls), and the y's add up to 1: a probability for each class."
                    : `y = f(x) with f = ${activation.replace("_", " ")}.`),
                operating);
  }
  const { k, i, j } = /** @type {{type:"link", k:number, i:number, j:number}} */ (sel);
  const link = trace.weights[k][i][j];
  const heading = weightWords(k, i, j, L);
  const W = weightSym(k, i, j);
  if (phase.kind === "update" && needsRule(trace)) {
    const change = errorChange(trace);
    const rule = ruleLines(W, { before: link.w_before ?? link.w, grad: link.dE_dw ?? 0,
                                after: link.w, weight: true, state_before: link.state_before,
                                state: link.state }, trace);
    return said(heading, [...rule.formulas, ...change.formulas], `${rule.note} ${change.note}`);
  }
  if (phase.kind === "update") {
    const change = errorChange(trace);
    const l2 = trace.l2 ?? 0;
    return said(heading, [...updateLine(W, link.w_before ?? link.w, trace.learning_rate,
                                     link.dE_dw, link.w, l2), ...change.formulas],
                "∂E/∂w says how E changes as w grows; the weight steps the other way, α times " +
                `as far, so that E falls.${l2 > 0 ? ` With the L2 rate λ = ${fmt(l2)} it also ` +
                "steps toward 0 by α·λ·w, which keeps weights small (biases have no such pull)."
                  : ""} ${change.note}`);
  }
  if (reachedBackward(k + 1)) {
    const back = backwardWeight(trace, k, i, j);
    if (batch > 1) {  // point 1's product, then the mean over the batch
      const first = trace.samples[0];
      const own = { ...trace, nodes: first.nodes, weights: trace.weights.map((m, kk) =>
        m.map((r, ii) => r.map((w, jj) => ({ ...w, dE_dw: first.dE_dw[kk][ii][jj] })))) };
      back.formulas = [backwardWeight(own, k, i, j).formulas[0],
                       batchMean(dE(W), trace.samples.map((p) => p.dE_dw[k][i][j]), link.dE_dw)];
      back.note += ` First point 1's; then the mean over the ${batch} points, which the update uses.`;
    }
    return said(heading, back.formulas, `${back.note} ${updatePreview(trace, weightsOf(k, i, j),
                                                                         link.dE_dw)}`);
  }
  const source = trace.nodes[k][i];
  if (reachedForward(k)) {
    return said(heading, [equation(product(W, nodeSym("y", k, i)),
      product(mn(weightsOf(k, i, j), true), mn(source.y, true)), mn(weightsOf(k, i, j) * source.y))],
      "This product is one term of the sum x of the node the link leads to.");
  }
  return said(heading, [equation(W, mn(weightsOf(k, i, j)))]);
}

/** A number in parentheses when negative, as a factor. @param {string} text */
const paren = (text) => (text.startsWith("−") ? `(${text})` : text);

/**
 * What the update will do to a weight, by the rule in effect: w ← w − α·∂E/∂w, or with an L2
 * rate λ > 0, w ← w − α·(∂E/∂w + λ·w); with the numbers the pass was computed with.
 * @param {import("./optimizer.js").Rule} trace @param {number} w @param {number} grad
 */
export function updatePreview(trace, w, grad) {
  if (needsRule(trace)) return rulePreview(trace, w, grad);
  const lr = fmt(trace.learning_rate);
  const l2 = trace.l2 ?? 0;
  return l2 > 0
    ? `The update will give w ← w − α·(∂E/∂w + λ·w) = ${fmt(w)} − ${lr}·(${fmt(grad)} + ` +
      `${fmt(l2)}·${paren(fmt(w))}): with the L2 rate λ it also steps toward 0.`
    : `The update will give w ← w − α·∂E/∂w = ${fmt(w)} − ${lr}·${paren(fmt(grad))}.`;
}

/**
 * @param {import("../state/stepper.js").Phase} phase @param {number} L
 * @returns {import("../views/network-view.js").Selection}
 */
export function defaultSelection(phase, L) {
  if (phase.kind === "update") return { type: "link", k: L - 2, i: 0, j: 0 };
  if (phase.kind === "error") return { type: "node", l: L - 1, j: 0 };
  return { type: "node", l: phase.layer, j: 0 };
}

/** What the phase does, and why it follows from the one before; `l2`: the L2 rate λ the
 * update applies (its rule is stated as it is in effect); `rule`: the trace, whose optimizer
 * and L1 the update's words follow.
 * @param {import("../state/stepper.js").Phase} phase @param {number} L @param {any} settings
 * @param {number} [l2] @param {import("./optimizer.js").Rule|null} [rule] */
export function narrate(phase, L, settings, l2 = 0, rule = null) {
  const activation = (phase.layer === L - 1 ? settings.output_activation : settings.activation)
    .replace("_", " ");
  const loss = { cross_entropy: "cross-entropy", categorical_cross_entropy:
    "categorical cross-entropy" }[settings.loss] ?? "squared-error";
  const softmax = settings.output_activation === "softmax";
  switch (phase.kind) {
    case "input":
      return "A sample enters: each input node passes its value on unchanged (y = x). To learn, " +
        "the network must first see what it outputs now, so the pass goes forward.";
    case "forward":
      return `Forward into ${layerWords(phase.layer, L)}: each node adds up the y's of the ` +
        `layer before (just computed), times their weights, plus its bias, to get x; then ` +
        (softmax && phase.layer === L - 1
          ? "applies softmax: y = eˣ / Σ eˣ over the layer, so each y depends on every x " +
            "and the outputs add up to 1, a probability for each class."
          : `applies ${activation} to get y.`);
    case "error":
      return `The error: the output y is compared with the target t by the ${loss} loss E. ` +
        (settings.loss === "cross_entropy"
          ? "(Cross entropy is 0 only for a target of exactly 0 or 1; for a target in " +
            "between its least value, at y = t, is above 0.) " : "") +
        "Now that E is known, backpropagation asks how E changes with each weight, starting " +
        "where E is computed: the output.";
    case "backward":
      return phase.layer === L - 1 && softmax
        ? "Backward at the output: the loss gives ∂E/∂y = −t/y; softmax couples the outputs " +
          "(each y depends on every x), so the chain rule sums over every output through " +
          "softmax's Jacobian, ∂E/∂xⱼ = Σₘ ∂E/∂yₘ·yₘ·(δₘⱼ − yⱼ), which comes to yⱼ − tⱼ; then " +
          "each incoming weight gets ∂E/∂w = y·∂E/∂x and the bias ∂E/∂b = ∂E/∂x."
        : phase.layer === L - 1
        ? "Backward at the output: the loss gives ∂E/∂y; the chain rule multiplies it by " +
          "the slope f′(x) to get ∂E/∂x; since x = Σ w·y + b, each incoming weight gets " +
          "∂E/∂w = y·∂E/∂x and the bias ∂E/∂b = ∂E/∂x."
        : `Backward into ${layerWords(phase.layer, L)}: its y's reach E only through the ` +
          "layer above, whose ∂E/∂x the previous phase found; the chain rule sums them " +
          "through the weights (∂E/∂y = Σ w·∂E/∂x), then multiplies by f′(x), as before.";
    default:
      if (rule && needsRule(rule)) {
        return `The update: every gradient is now known. ${ruleWords(rule)} For a small α, E ` +
          "falls by about Σ ∂E/∂p·Δp. The weights and biases drawn are the new ones; the x and " +
          "y are still the forward pass's, from the old ones, until the next step's forward pass.";
      }
      return "The update: every gradient is now known, so every weight and bias takes a " +
        (l2 > 0
          ? "small step against its own, and every weight a pull toward 0 by the L2 rate " +
            `λ = ${fmt(l2)}: w ← w − α·(∂E/∂w + λ·w), b ← b − α·∂E/∂b; for a small α, E falls ` +
            "by about α·Σ ∂E/∂p·(∂E/∂p + λ·p). "
          : "small step against its own, w ← w − α·∂E/∂w; for a small α, E falls by about " +
            "α·Σ(∂E/∂w)². ") +
        "The weights and biases drawn are the new ones; the x and y are still " +
        "the forward pass's, from the old ones, until the next step's forward pass.";
  }
}
