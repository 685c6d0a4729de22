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
      "lowest point, and each update (Step, or Play) steps down it along the arrow." },
  "btn-preset-sigmoid": {
    network: { layers: [1, 1, 1], activation: "sigmoid", output_activation: "sigmoid",
               loss: "squared", learning_rate: 2, seed: 1 },
    choice: { ...ONE_PAIR, a: { kind: "weight", k: 0, i: 0, j: 0 },
              b: { kind: "weight", k: 1, i: 0, j: 0 } },
    lookFor: "Look for what a bowl does not have: flat plateaus where the sigmoids saturate " +
      "(there the gradient is nearly 0 and the updates crawl), and a valley that curves, " +
      "along which the path bends; press Step or Play and watch the line." },
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

/** @param {(intent: import("../actions/controller.js").Intent) => void} dispatch */
export function mountLandscapeCard(dispatch) {
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
    if (!changed({ grid, note: s.landscapeNote, size, scaleWidth, hidden })) return;
    if (grid && !hidden) {
      view.draw(grid.grid, grid.path, size, scaleWidth);
    } else {
      view.clear();
      setText($("landscape-caption"), hidden || s.landscapeNote);
    }
  };
}
