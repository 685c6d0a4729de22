/**
 * The training, gradient-check and sharing cards: every DOM lookup for them, the plot and
 * the loss chart drawn from the store, and the learner's actions reported through handlers.
 * Controls store nothing: `sync` sets each to the value in effect.
 */
import { byId } from "../lib/dom.js";
import { fmt, sci } from "../lib/format.js";
import { fitOn } from "../explain/fit.js";
import { createGradientView, gradientSizes } from "./gradient-chart.js";
import { createLossChart } from "./loss-chart.js";
import { symbolText } from "../explain/notation.js";
import { currentRecord } from "../state/stepper.js";
import { createPlot } from "./data-plot.js";
import { setText } from "../lib/svg.js";

const $ = byId;

/**
 * @param {{onPlay:()=>void, onDataset:(spec:import("../state/store.js").DatasetSpec)=>void,
 *          onTrainingSettings:(t:import("../state/store.js").TrainingSettings)=>void,
 *          onL2:(l2:number)=>void,
 *          onGradcheck:()=>void, onCopyLink:()=>void, onExport:()=>void,
 *          onImport:(file:File)=>void, onExportTrace:(format:string)=>void,
 *          onRebuild:(text:string)=>void, onNextSample:()=>void,
 *          onPoint:(event:any)=>void}} handlers
 * @param {{datasets:{name:string, inputs:number}[], limits:any}} options
 *   the built-in datasets and the plot domain (from /api/options)
 */
export function bindTrainingPanel(handlers, options) {
  const datasets = options.datasets;
  const select = $("dataset");
  const none = document.createElement("option");
  none.value = "";
  none.disabled = true;
  const counts = [...new Set(datasets.map((d) => d.inputs))];
  select.replaceChildren(...counts.map((inputs) => {
    const group = document.createElement("optgroup");
    group.label = inputs === 1 ? "1 input" : `${inputs} inputs`;
    group.append(...datasets.filter((d) => d.inputs === inputs).map(({ name: n }) => {
      const o = document.createElement("option");
      o.value = n;
      o.textContent = n;
      return o;
    }));
    return group;
  }));
  select.prepend(none);
  // Limits come from the server, written nowhere else.
  const lim = options.limits;
  $("noise").max = String(lim.max_noise);
  $("data-size").max = String(lim.max_dataset_size);
  $("data-seed").max = String(lim.max_seed);
  $("test-fraction").max = String(lim.max_test_fraction);
  $("l2").max = String(lim.max_l2);
  $("layers-hint").textContent = `Nodes per layer, input first, e.g. 2-4-4-1: ${lim.min_layers} ` +
    `to ${lim.max_layers} layers of ${lim.min_nodes} to ${lim.max_nodes} nodes. Rebuilding ` +
    "starts new weights and keeps the settings and the data.";
  const number = (id) => Number($(id).value);
  const spec = () => ({ name: select.value, noise: number("noise"), size: number("data-size"),
                        seed: number("data-seed"), test_fraction: number("test-fraction") });
  const settings = () => {
    const batch = $("batch-size").value;
    const speed = $("play-speed").value;
    return { batch_size: batch === "full" ? null : Number(batch),
             steps_per_frame: speed === "max" ? null : Number(speed) };
  };

  $("btn-play").addEventListener("click", () => handlers.onPlay());
  // New data: the same kind of data, drawn again (the next seed).
  $("btn-new-data").addEventListener("click", () => handlers.onDataset({ ...spec(),
                                                                          seed: spec().seed + 1 }));
  for (const id of ["dataset", "noise", "data-size", "data-seed", "test-fraction"]) {
    $(id).addEventListener("change", () => handlers.onDataset(spec()));
  }
  $("batch-size").addEventListener("change", () => handlers.onTrainingSettings(settings()));
  $("play-speed").addEventListener("change", () => handlers.onTrainingSettings(settings()));
  $("l2").addEventListener("change", () => handlers.onL2(number("l2")));
  $("btn-gradcheck").addEventListener("click", () => handlers.onGradcheck());
  $("btn-copy-link").addEventListener("click", () => handlers.onCopyLink());
  $("btn-export").addEventListener("click", () => handlers.onExport());
  $("btn-export-trace-json").addEventListener("click", () => handlers.onExportTrace("json"));
  $("btn-export-trace-csv").addEventListener("click", () => handlers.onExportTrace("csv"));
  $("btn-next-sample").addEventListener("click", () => handlers.onNextSample());
  $("import-file").addEventListener("change", (e) => {
    const input = /** @type {HTMLInputElement} */ (e.target);
    const file = input.files?.[0];
    if (file) handlers.onImport(file);  // read inside the action, so that it counts as pending
    input.value = "";
  });
  // The keyboard's way to add a point, beside clicking the plot.
  $("point-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = $("point-input").value.split(/[,\s]+/).filter(Boolean).map(Number);
    handlers.onPoint({ kind: "add", input, target: [Number($("point-target").value)] });
  });
  $("btn-rebuild").addEventListener("click", () => handlers.onRebuild($("layers-input").value));
  const plot = createPlot($("data-plot"), options.limits.plot_domain,
                          (event) => handlers.onPoint(event));
  const chart = createLossChart($("loss-chart"));
  const gradients = createGradientView($("gradient-sizes"), $("gradient-caption"));
  // The fit over every point costs a forward pass each: during Play, at most 4 times a second.
  // Computed again when the network (its weights or settings) or the data changed: the
  // store replaces either object whenever it changes.
  /** @type {{at:number, network:any, dataset:any, value:any[]}} */
  let fitted = { at: -Infinity, network: null, dataset: null, value: [] };
  const fit = (s) => {
    const now = performance.now();
    const changed = s.network !== fitted.network || s.dataset !== fitted.dataset;
    if (changed && (!s.playing || now - fitted.at > 250)) {
      fitted = { at: now, network: s.network, dataset: s.dataset,
                 value: [fitOn(s.network, s.dataset?.train), fitOn(s.network, s.dataset?.test)] };
    }
    return fitted.value;
  };

  let shownNetwork = null;  // the network whose controls are shown
  /** The gradient check shown: the network it was run on, and that network's weights and
   * settings then ("" until the next sync after it); null when none is shown.
   * @type {{id:string|null, with:string}|null} */
  let checked = null;
  /** @param {any} n the network */
  const checkedState = (n) => JSON.stringify([n.step, n.weights, n.biases, n.activation,
                                              n.output_activation, n.loss, n.l2]);
  /** The check's numbers hidden, and why. @param {string} why */
  const outOfDate = (why) => {
    checked = null;
    $("gradcheck-table").hidden = true;
    setText($("gradcheck-summary"), why);
  };

  return {
    /** Every control set to the value in effect. @param {import("../state/store.js").State} s */
    sync(s) {
      shownNetwork = s.network?.id ?? null;
      if (checked && s.network) {
        if (checked.id !== shownNetwork) {
          outOfDate("");  // another network (rebuilt, imported, a preset): nothing to say of it
        } else if (checked.with === "") {
          checked.with = checkedState(s.network);
        } else if (checkedState(s.network) !== checked.with) {
          outOfDate("The weights or settings have changed since the last check: check again " +
                    "to compare backprop with the current ones.");
        }
      }
      const d = s.datasetSpec;
      setText(none, s.dataset && !s.dataset.name ? "your own points" : "none");
      select.value = s.dataset?.name ? s.dataset.name : "";
      if (d) {
        $("noise").value = String(d.noise);
        $("data-size").value = String(d.size);
        $("data-seed").value = String(d.seed);
        $("test-fraction").value = String(d.test_fraction);
      }
      const t = s.training;
      $("batch-size").value = t.batch_size === null ? "full" : String(t.batch_size);
      $("play-speed").value = t.steps_per_frame == null ? "max" : String(t.steps_per_frame);
      if (s.network) $("l2").value = String(s.network.l2 ?? 0);
      if (s.network) $("layers-input").value = s.network.layers.join("-");
      this.draw(s);
    },
    /** The plot, the chart, the counter and Play's label. @param {import("../state/store.js").State} s */
    draw(s) {
      const n = s.network;
      const inputs = n.layers[0];
      // A node pointed at shows its own picture, enlarged; else the plotted node's output.
      const t = s.plotted;
      const same = s.hovered && t && s.hovered.layer === t.layer && s.hovered.node === t.node;
      const h = same ? null : s.hovered;
      const own = h && s.pictures
        ? /** @type {any} */ ({ values: s.pictures.values[h.layer][h.node] }) : null;
      const trace = currentRecord(s.stepper)?.trace;
      const marker = trace ? { input: trace.input, target: trace.target } : null;
      plot.draw({ dataset: s.dataset, func: inputs <= 2 ? own ?? s.func : null, inputs, marker });
      if ($("plot-scale").hidden !== (inputs !== 2)) $("plot-scale").hidden = inputs !== 2;
      const [train, test] = fit(s);
      const pct = (a) => `${Math.round(a * 1000) / 10}%`;
      setText($("fit-numbers"), train.loss === null ? ""
        : `Training loss ${fmt(train.loss)}${test.loss === null ? "" : ` · test loss ${fmt(test.loss)}`}` +
          (train.accuracy === null ? "" : ` · accuracy ${pct(train.accuracy)} (training)` +
            (test.accuracy === null ? "" : `, ${pct(test.accuracy)} (test)`)));
      chart.draw(s.losses);
      gradients.draw(gradientSizes(currentRecord(s.stepper)?.trace) ?? s.gradientSizes);
      setText($("plot-caption"), inputs > 2
        ? `The plot and the nodes' pictures need 1 or 2 inputs; this network has ${inputs}.`
        : own ? `Pointing at node ${h.node + 1} of layer ${h.layer}: its own output y`
        : t ? `Showing the output y of node ${t.node + 1} of hidden layer ${t.layer}` +
              " (click it again for the network's output)"
        : "Showing the network's output y over the data");
      setText($("train-counter"), `Play: epoch ${s.epoch.toFixed(2)} · ` +
        `${s.samplesTrained.toLocaleString("en")} samples trained`);
      const points = s.dataset?.train.length ?? 0;
      setText($("epoch-note"), points
        ? `An epoch is one pass over all ${points} training points, in a new shuffled order ` +
          "each time."
        : "There are no training points yet: choose a dataset, or add points below.");
      setText($("btn-play"), s.playing ? "Pause" : "Play");
      $("btn-play").classList.toggle("playing", s.playing);
    },
    /** @param {object} check the API's gradient check */
    showGradcheck(check) {
      checked = { id: shownNetwork, with: "" };
      const weights = check.weights === "before_update"
        ? `the weights before update ${check.weights_step + 1} (the ones the ∂E/∂w shown were ` +
          "computed with)"
        : `the current weights (after ${check.weights_step} update${check.weights_step === 1 ? "" : "s"})`;
      $("gradcheck-summary").textContent =
        `Largest relative difference: ${sci(check.max_relative_difference, 2)} ` +
        `(h = ${check.h}, on ${check.batch ? `the mini-batch of ${check.batch} points, mean E`
          : `input ${check.input.map((v) => fmt(v)).join(", ")}`}, with ${weights}).`;
      $("gradcheck-table").hidden = false;
      $("gradcheck-table").querySelector("tbody").replaceChildren(...check.entries.map((e) => {
        const tr = document.createElement("tr");
        const name = e.parameter === "weight"
          ? symbolText("w", e.k + 1, `${e.i + 1}${e.j + 1}`) : symbolText("b", e.k + 1, `${e.j + 1}`);
        for (const text of [name, sci(e.backprop, 4), sci(e.numeric, 4),
                            sci(e.relative_difference, 1)]) {
          const td = document.createElement("td");
          td.textContent = text;
          tr.appendChild(td);
        }
        return tr;
      }));
    },
  };
}
