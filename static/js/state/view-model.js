/** What the network drawing shows for a record at a phase: a pure function of the data. */
import { symbolText, weightIndex } from "../explain/notation.js";
import { atLiveStep, visibility } from "./stepper.js";

/**
 * A mini-batch's trace as its first point sees it: that point's x, y, ∂E/∂y, ∂E/∂x, ∂E/∂b,
 * ∂E/∂w, target and E (before and after the update), with the weights and biases all points
 * share (before and after the update, which the batch's means made). The drawing and the
 * computational graph show these, one point's numbers throughout; the panel adds the means
 * (they had mixed point 1's x and y with the batch's ∂E/∂w). A one-sample trace is itself.
 * @param {import("../server/api.js").Trace} trace
 * @returns {import("../server/api.js").Trace}
 */
export function pointView(trace) {
  const first = trace.samples?.length > 1 ? trace.samples[0] : null;
  if (!first) return trace;
  return {
    ...trace, input: first.input, target: first.target, error: first.error,
    error_after: first.error_after,
    nodes: trace.nodes.map((layer, l) => layer.map((n, j) => ({ ...n, ...first.nodes[l][j] }))),
    weights: trace.weights.map((m, k) => m.map((r, i) => r.map((w, j) => ({
      ...w, dE_dw: first.dE_dw ? first.dE_dw[k][i][j] : null })))),
  };
}

/**
 * @param {import("../server/api.js").NetworkState} network the live network (used when idle)
 * @param {import("./stepper.js").StepRecord|null} record
 * @param {import("./stepper.js").Phase|null} phase
 * @param {import("../views/network-view.js").Selection|null} selection
 * @param {number} [tween] 0 … 1 during the update's animation: weights between old and new
 * @returns {import("../views/network-view.js").ViewModel}
 */
export function viewModel(network, record, phase, selection, tween = 1) {
  const L = network.layers.length;
  if (!record || !phase) {
    return {
      nodes: network.layers.map((n, l) => Array.from({ length: n }, (_, j) => ({
        x: null, y: null, b: l ? network.biases[l - 1][j] : null,
        dE_dy: null, dE_dx: null, dE_db: null,
      }))),
      links: network.weights.map((m) => m.map((r) => r.map((w) => ({ w, dE_dw: null })))),
      activeLayer: null, phaseKind: null, error: null, target: null, selection,
    };
  }
  const trace = pointView(record.trace);
  const v = visibility(trace, phase, L);
  const between = (before, after) =>
    (before === null || before === undefined ? after
      : v.useBefore ? before : v.updating ? before + (after - before) * tween : after);
  return {
    nodes: trace.nodes.map((layer, l) => layer.map((n) => {
      const shown = l <= v.forwardLayer;
      const back = l >= 1 && l >= v.backwardLayer;
      return {
        x: shown ? n.x : null,
        y: shown ? n.y : null,
        b: l ? between(n.b_before, n.b) : null,
        dE_dy: back ? n.dE_dy : null,
        dE_dx: back ? n.dE_dx : null,
        dE_db: back ? n.dE_db : null,
      };
    })),
    links: trace.weights.map((m, k) => m.map((r) => r.map((w) => ({
      w: between(w.w_before, w.w),
      dE_dw: k + 1 >= v.backwardLayer ? w.dE_dw : null,
    })))),
    activeLayer: phase.layer,
    phaseKind: phase.kind,
    error: v.errorShown ? trace.error : null,
    errorAfter: v.updating ? trace.error_after : null,
    target: trace.target,
    selection,
    batch: record.trace.samples?.length ?? 1,
  };
}

/** "Forward into hidden layer 1", … @param {import("./stepper.js").Phase} phase */
export function phaseName(phase, L) {
  const layer = (l) => (l === 0 ? "input" : l === L - 1 ? "output" : `hidden layer ${l}`);
  switch (phase.kind) {
    case "input": return "Input";
    case "forward": return `Forward into ${layer(phase.layer)}`;
    case "error": return "Error";
    case "backward": return `Backward through ${layer(phase.layer)}`;
    default: return "Update";
  }
}

/**
 * The selected weight or bias, as it stands now, for setting it by hand (null for none, and
 * while looking back at an earlier step: what is drawn then is not the network as it stands).
 * @param {import("./store.js").State} s
 */
export function editableOf(s) {
  if (!atLiveStep(s.stepper)) return null;
  const n = s.network;
  const sel = s.selection;
  if (sel?.type === "link") {
    return { label: `Set ${symbolText("w", sel.k + 1, weightIndex(sel.i, sel.j))} to`,
             value: n.weights[sel.k][sel.i][sel.j] };
  }
  if (sel?.type === "node" && sel.l > 0) {
    return { label: `Set ${symbolText("b", sel.l, `${sel.j + 1}`)} to`,
             value: n.biases[sel.l - 1][sel.j] };
  }
  return null;
}
