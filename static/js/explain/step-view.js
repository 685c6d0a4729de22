/**
 * What the page says about the step on screen, from the state alone: the phase's label and
 * detail in the header, the narration, and the explanation of the selected node or weight
 * (explanation.js); and what the drawing shows (state/view-model.js) at the animation's
 * point. Pure: no DOM.
 */
import { atLiveStep, currentPhase, currentRecord, planPrevious } from "../state/stepper.js";
import { shownStepper } from "../state/store.js";
import { phaseName, viewModel } from "../state/view-model.js";
import { explain } from "./explanation.js";

/** The drawing's numbers at the state's phase and animation point.
 * @param {import("../state/store.js").State} s @returns {import("../views/network-view.js").ViewModel} */
export function drawingOf(s) {
  const network = /** @type {import("../server/api.js").NetworkState} */ (s.network);
  const stepper = shownStepper(s);
  const record = currentRecord(stepper);
  const phase = currentPhase(stepper);
  const pictures = s.pictures?.values ?? null;
  const a = s.animation;
  if (a?.kind === "forward" && a.t < 1) {
    // While values travel into the layer, it is highlighted but its numbers are not shown.
    return { ...viewModel(network, record, { kind: "forward", layer: a.layer - 1 }, s.selection),
             activeLayer: a.layer, pictures, sampleInput: s.sample.input };
  }
  return { ...viewModel(network, record, phase, s.selection, a?.kind === "update" ? a.t : 1),
           pictures, sampleInput: s.sample.input };
}

/**
 * @param {import("../state/store.js").State} s
 * @returns {ReturnType<typeof explain> & {label:string, detail:string, stepNote:string,
 *            canGoBack:boolean}}
 */
export function stepView(s) {
  const network = /** @type {import("../server/api.js").NetworkState} */ (s.network);
  const L = network.layers.length;
  const stepper = shownStepper(s);
  const record = currentRecord(stepper);
  const phase = currentPhase(stepper);
  const ex = explain(record, phase, s.selection, network);
  if (s.playing && !phase) {
    ex.narration = "Training: update after update, each on a batch of the training data " +
      "(forward, backward and update, as in a Step); the plot and the loss follow. Pause to " +
      "step through one by hand.";
  }
  const stepNo = record ? record.trace.step + (record.trace.phase === "update" ? 0 : 1) : 0;
  // Ready names the step about to be taken (after 1 update, step 2 starts: "Step 2 · Ready"
  // then "Step 2 · Input"; it said "Step 1 · Ready"); training, the updates made so far.
  const label = phase ? `Step ${stepNo} · ${phaseName(phase, L)}`
    : s.playing ? `Step ${network.step} · Training` : `Step ${network.step + 1} · Ready`;
  // Looking back: an older step, or a phase before the update of a step already applied
  // (the drawing shows the weights from before it, the count the update).
  const before = record?.trace.phase === "update" && phase?.kind !== "update";
  const history = !atLiveStep(stepper) ? " · looking back (history)"
    : before ? " · looking back, before this update" : "";
  const updates = `${network.step} update${network.step === 1 ? "" : "s"} applied so far`;
  const canGoBack = planPrevious(stepper) !== null;
  return { ...ex, label, detail: `${updates}${history}`, canGoBack,
           stepNote: stepNote(s, canGoBack, stepNo) };
}

/**
 * What the stepping buttons do now that is not what they usually do, or why Previous has
 * nothing to go back to ("" when neither).
 * @param {import("../state/store.js").State} s @param {boolean} canGoBack
 * @param {number} shown the step shown (from 1)
 */
export function stepNote(s, canGoBack, shown) {
  if (!atLiveStep(s.stepper)) {
    return `Looking back at step ${shown}: Next, Forward, Backward, Update and Step walk ` +
      "forward through what was already computed, and apply no update until the newest step.";
  }
  if (canGoBack || s.stepper.records.length) return "";
  return (s.network?.step ?? 0) > 0
    ? "Previous has nothing to go back to: Play and Reset keep no steps. The steps you take " +
      "with Next or Step are kept (the last 200), to walk back through."
    : "Previous walks back through the phases once you have stepped with Next.";
}
