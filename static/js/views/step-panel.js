/**
 * The stepping controls and the explanation around the drawing: the phase's label in the
 * header, the narration, the buttons, the animation speed, the formula card with its
 * operating point and computational graph, and the form that sets a weight by hand.
 * mount → render(state); what the learner does goes to `dispatch` as intents.
 */
import { byId as $ } from "../lib/dom.js";
import { changeCheck } from "../lib/memo.js";
import { parseShown } from "../lib/format.js";
import { setText } from "../lib/svg.js";
import { stepView } from "../explain/step-view.js";
import { editableOf } from "../state/view-model.js";
import { createGraphView } from "./graph-view.js";
import { showIn } from "./mathml-dom.js";
import { createOperatingPoint } from "./operating-point.js";

const BUTTONS = ["previous", "next", "forward", "backward", "update", "step", "reset"];

/** @param {(intent: import("../actions/controller.js").Intent) => void} dispatch */
export function mountStepPanel(dispatch) {
  for (const name of BUTTONS) {
    $(`btn-${name}`).addEventListener("click", () => dispatch({ type: "step", name }));
  }
  $("btn-follow").addEventListener("click", () => dispatch({ type: "select", selection: null }));
  $("speed").addEventListener("input", (e) => dispatch({ type: "speed", speed: Number(e.target.value) }));
  $("edit-form").addEventListener("submit", (e) => {
    e.preventDefault();
    dispatch({ type: "edit", value: parseShown($("edit-value").value) });  // NaN: refused, said
  });
  const operating = createOperatingPoint($("operating-point"), $("operating-caption"));
  const graph = createGraphView($("graph"), $("graph-caption"));
  const changed = changeCheck();

  /** @param {import("../state/store.js").State} s */
  return function render(s) {
    if (!s.network) return;
    setText($("speed-value"), `${s.speed}×`);
    if (Number($("speed").value) !== s.speed) $("speed").value = String(s.speed);
    // The explanation is computed again only when what it shows changed.
    if (!changed({ network: s.network, stepper: s.stepper, selection: s.selection,
                   playing: s.playing, quiz: s.predict.quiz })) return;
    const view = stepView(s);
    if ($("btn-follow").hidden !== !s.selection) $("btn-follow").hidden = !s.selection;
    const back = $("btn-previous");
    if (back.disabled === view.canGoBack) back.disabled = !view.canGoBack;
    setText($("step-note"), view.stepNote);
    const editable = editableOf(s);
    const form = $("edit-form");
    if (form.hidden !== !editable) form.hidden = !editable;
    if (editable) {
      setText($("edit-label"), editable.label);
      // never overwrite what the learner is typing
      const value = String(editable.value);
      if (document.activeElement !== $("edit-value") && $("edit-value").value !== value) {
        $("edit-value").value = value;
      }
    }
    setText($("phase-label"), view.label);
    setText($("phase-detail"), view.detail);
    setText($("narration"), view.narration);
    setText($("explain-heading"), view.heading);
    showIn($("formula"), view.formulas);  // in place: texts where only numbers changed
    setText($("formula-note"), view.note ?? "");
    operating.show(view.operating ?? null);
    graph.draw(view.graph?.model ?? null, view.graph?.name ?? "", view.graph?.after ?? "");
  };
}
