/**
 * Two settings side by side: the comparison's controls and presets, then both networks'
 * outputs over the data, side by side (stacked on a phone), and their training losses since
 * the comparison began, in one chart (solid: the first; dashed: the second).
 * mount → render(state).
 */
import { byId as $ } from "../lib/dom.js";
import { fmt, parseShown } from "../lib/format.js";
import { changeCheck } from "../lib/memo.js";
import { reportSize } from "../lib/size.js";
import { setText } from "../lib/svg.js";
import { createPlot } from "./data-plot.js";
import { createLossChart } from "./loss-chart.js";
import { rawInputs } from "../explain/features.js";

/**
 * @param {(intent: import("../actions/controller.js").Intent) => void} dispatch
 * @param {{activations:{name:string, output_only?:boolean}[], limits:any,
 *          optimizers?:{name:string, title:string}[]}} options
 */
export function mountCompareCard(dispatch, options) {
  // the hidden layers' activation: softmax, an output activation only, is not among them
  const hidden = options.activations.filter((a) => !a.output_only);
  $("compare-activation").replaceChildren(...hidden.map((a) => Object.assign(
    document.createElement("option"), { value: a.name, textContent: a.name.replace("_", " ") })));
  $("compare-activation").value = "relu";
  $("compare-optimizer").replaceChildren(...(options.optimizers ?? []).map((o) => Object.assign(
    document.createElement("option"), { value: o.name, textContent: o.title })));
  $("compare-optimizer").value = "adam";
  const setting = () => $("compare-setting").value;
  /** The value field for `name`: the activation's list, or a field for a number. */
  const showField = (name) => {
    const activation = name === "activation";
    const optimizer = name === "optimizer";
    $("compare-activation").hidden = !activation;
    $("compare-optimizer").hidden = !optimizer;
    $("compare-value").hidden = activation || optimizer;
  };
  $("compare-setting").addEventListener("change", () => {
    showField(setting());
    $("compare-value").value = { learning_rate: "3", batch_size: "full", l2: "0.01",
                                 l1: "0.01" }[setting()] ?? "";
  });
  $("btn-compare").addEventListener("click", () => {
    const typed = $("compare-value").value.trim();
    const value = setting() === "activation" ? $("compare-activation").value
      : setting() === "optimizer" ? $("compare-optimizer").value
      : setting() === "batch_size" && typed.toLowerCase() === "full" ? null : parseShown(typed);
    dispatch({ type: "compare-start", setting: setting(), value });
  });
  $("btn-compare-stop").addEventListener("click", () => dispatch({ type: "compare-stop" }));
  for (const name of ["rate", "depth", "batch"]) {
    $(`btn-compare-${name}`).addEventListener("click", () => dispatch({ type: "compare-preset", name }));
  }
  const noPoints = () => {};
  const plots = [createPlot($("compare-main-plot"), options.limits.plot_domain, noPoints),
                 createPlot($("compare-other-plot"), options.limits.plot_domain, noPoints)];
  reportSize($("compare-main-plot"), "compare-plot", dispatch);
  const chart = createLossChart($("compare-chart"));
  reportSize($("compare-chart"), "compare-chart", dispatch);
  const changed = changeCheck();

  let shownFor = null;  // the comparison the controls were last set to

  /** @param {import("../state/store.js").State} s */
  return function render(s) {
    const c = s.compare;
    // the controls say what the comparison running compares (a preset sets them too)
    const key = c && `${c.network.id} ${c.setting}`;
    if (c && key !== shownFor) {
      $("compare-setting").value = c.setting;
      showField(c.setting);
      if (c.setting === "activation") $("compare-activation").value = c.value;
      else if (c.setting === "optimizer") $("compare-optimizer").value = c.value;
      else $("compare-value").value = c.value === null ? "full" : String(c.value);
    }
    shownFor = key;
    $("btn-compare-stop").hidden = !c;
    $("compare-sides").hidden = !c;
    $("compare-chart").hidden = !c;
    if (!c) {
      setText($("compare-summary"), "");
      return;
    }
    if (!changed({ c, func: s.func, dataset: s.dataset, size: s.sizes["compare-plot"],
                   chart: s.sizes["compare-chart"] })) return;
    const inputs = rawInputs(s.network);
    const width = s.sizes["compare-plot"]?.width;
    plots[0].draw({ dataset: s.dataset, func: inputs <= 2 ? s.func : null, inputs, width });
    plots[1].draw({ dataset: s.dataset, func: inputs <= 2 ? c.func : null, inputs, width });
    setText($("compare-main-label"), `First: ${c.mainLabel}`);
    setText($("compare-other-label"), `Second: ${c.label}`);
    const points = c.mainLosses.map((p, n) => ({ step: p.step, train: p.train,
                                                 test: c.losses[n]?.train ?? null }));
    chart.draw(points, s.sizes["compare-chart"]);
    const last = (list) => list[list.length - 1];
    const [a, b] = c.startSteps;
    const [na, nb] = [last(c.mainLosses)?.step - a, last(c.losses)?.step - b];
    setText($("compare-summary"), c.losses.length
      ? (na === nb ? `Both networks have taken ${na} updates since the comparison began. `
        : `Since the comparison began the first network has taken ${na} updates, the second ` +
          `${nb}. `) + "Training loss: " +
        `${fmt(last(c.mainLosses).train)} (first: solid) against ${fmt(last(c.losses).train)} ` +
        "(second: dashed)."
      : "Press Play: both networks train in step, the same number of updates each.");
  };
}
