/**
 * The loss landscape's card: the choice of the two parameters and of E (the sample or the
 * training set), the presets, and the grid the store holds, drawn (landscape-view.js).
 * mount → render(state).
 */
import { byId as $ } from "../lib/dom.js";
import { changeCheck } from "../lib/memo.js";
import { reportSize } from "../lib/size.js";
import { setText } from "../lib/svg.js";
import { currentPhase } from "../state/stepper.js";
import { shownStepper } from "../state/store.js";
import { createLandscape, parameters } from "./landscape-view.js";

const ONE_PAIR = { a: { kind: "weight", k: 1, i: 0, j: 0 }, b: { kind: "bias", k: 1, j: 0 },
                   over: "train" };
/** The presets: a new 1-1-1 network, the pair of parameters to look at, and what to look
 * for (docs/teaching.md §4 and §5). */
const PRESETS = {
  "btn-preset-bowl": {
    network: { layers: [1, 1, 1], activation: "linear", output_activation: "linear",
               loss: "squared", learning_rate: 0.1, seed: 1 },
    choice: ONE_PAIR,
    lookFor: "Look for one bowl: a linear network's E over a weight and a bias has a single " +
      "lowest point. Step now runs on the whole training set (the surface's E): each one " +
      "steps down the bowl, along the arrow." },
  "btn-preset-sigmoid": {
    network: { layers: [1, 1, 1], activation: "sigmoid", output_activation: "sigmoid",
               loss: "squared", learning_rate: 2, seed: 1 },
    choice: { ...ONE_PAIR, a: { kind: "weight", k: 0, i: 0, j: 0 },
              b: { kind: "weight", k: 1, i: 0, j: 0 } },
    lookFor: "Look for what a bowl does not have: flat plateaus where the sigmoids saturate " +
      "(there the gradient is nearly 0 and the updates crawl), and a valley that curves, " +
      "along which the path bends; press Step (on the whole training set now) or Play and " +
      "watch the line." },
};

/**
 * Why E on the sample is not shown yet ("" when it is): stepping through a pass, E is first
 * computed at the Error phase, and the landscape must not give it away before.
 * @param {import("../state/store.js").State} s
 */
export function hiddenUntilTheError(s) {
  const phase = currentPhase(shownStepper(s));
  if (s.landscape?.over !== "sample" || !phase) return "";
  return phase.kind === "input" || phase.kind === "forward"
    ? "E on this sample is computed at the Error phase: press Next until the error, and " +
      "the landscape of E around the current weights appears here."
    : "";
}

/**
 * Whether the slope at the dot (∂E/∂a, ∂E/∂b and the arrow) is still to come: stepping
 * through a pass, those derivatives are computed when the backward walk reaches the layer of
 * the two parameters, and the landscape must not show them before.
 * @param {import("../state/store.js").State} s
 */
export function slopeStillToCome(s) {
  const phase = currentPhase(shownStepper(s));
  if (!phase || !s.landscape) return false;
  if (phase.kind === "input" || phase.kind === "forward" || phase.kind === "error") return true;
  // backward at layer l gives the derivatives of the weights and biases into layer l (k = l − 1)
  const reached = Math.min(s.landscape.a.k, s.landscape.b.k) + 1;
  return phase.kind === "backward" && /** @type {number} */ (phase.layer) > reached;
}

/**
 * @param {(intent: import("../actions/controller.js").Intent) => void} dispatch
 * @param {number} maxBatch the most points a stepped mini-batch holds
 */
export function mountLandscapeCard(dispatch, maxBatch) {
  const view = createLandscape({ canvas: $("landscape"), scale: $("landscape-scale"),
                                 caption: $("landscape-caption"),
                                 scaleLabels: $("landscape-scale-labels") });
  reportSize($("landscape"), "landscape", dispatch);
  reportSize($("landscape-scale"), "landscape-scale", dispatch);
  const refKey = (r) => JSON.stringify(r);
  const choose = (change) => dispatch({ type: "landscape", change });
  $("landscape-a").addEventListener("change", () => choose({ a: JSON.parse($("landscape-a").value) }));
  $("landscape-b").addEventListener("change", () => choose({ b: JSON.parse($("landscape-b").value) }));
  $("landscape-over").addEventListener("change", () => choose({ over: $("landscape-over").value }));
  $("btn-landscape-selected").addEventListener("click", () => dispatch({ type: "landscape-selected" }));
  for (const [id, { network, choice, lookFor }] of Object.entries(PRESETS)) {
    $(id).addEventListener("click", () => dispatch({ type: "landscape-preset", network, choice,
                                                     lookFor }));
  }
  let optionsFor = "";
  const changed = changeCheck();

  /** @param {import("../state/store.js").State} s */
  return function render(s) {
    if (!s.network || !s.landscape) return;
    const shape = s.network.layers.join("-");
    if (shape !== optionsFor) {
      optionsFor = shape;
      const all = parameters(s.network.layers);
      for (const id of ["landscape-a", "landscape-b"]) {
        $(id).replaceChildren(...all.map((p) => Object.assign(document.createElement("option"),
          { value: refKey(p.ref), textContent: p.label })));
      }
    }
    for (const [id, value] of [["landscape-a", refKey(s.landscape.a)],
                               ["landscape-b", refKey(s.landscape.b)],
                               ["landscape-over", s.landscape.over]]) {
      if ($(id).value !== value) $(id).value = value;
    }
    const grid = s.landscapeGrid;
    const size = s.sizes.landscape?.width;
    const scaleWidth = s.sizes["landscape-scale"]?.width;
    const hidden = hiddenUntilTheError(s);
    const points = s.dataset?.train.length ?? 0;
    setText($("landscape-note"), s.landscape.over === "train" && s.stepOn === "sample"
      ? "This surface is E over the training set; Step and Next run on one sample, whose E is " +
        "another surface, so a step may climb this one. " + (points <= maxBatch
          ? "Play, or stepping through a mini-batch of the whole data (Step through: a " +
            "mini-batch, with batch size full), goes down it."
          : `Play goes down it on average; a stepped mini-batch holds at most ${maxBatch} of ` +
            `the ${points} training points, so it too follows a surface of its own.`) : "");
    const slope = !slopeStillToCome(s);
    if (!changed({ grid, note: s.landscapeNote, size, scaleWidth, hidden, slope })) return;
    if (grid && !hidden) {
      view.draw(grid.grid, grid.path, size, scaleWidth, slope);
    } else {
      view.clear();
      setText($("landscape-caption"), hidden || s.landscapeNote);
    }
  };
}
