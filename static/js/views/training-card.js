/**
 * The training card and the keep-and-share card: the dataset's controls, Play, the plot of
 * the data and the network's output, the fit's numbers, the loss chart and the counters; the
 * link, the exports and the shape. mount → render(state); what the learner does goes to
 * `dispatch`. Controls store nothing: each render sets them to the value in effect.
 */
import { byId as $ } from "../lib/dom.js";
import { fmt, parseShown, thousands } from "../lib/format.js";
import { typingGuard } from "../lib/typing.js";
import { changeCheck } from "../lib/memo.js";
import { reportSize } from "../lib/size.js";
import { setText } from "../lib/svg.js";
import { confusionTable, fitLine, lossTrend } from "../explain/training-notes.js";
import { classColour } from "../lib/colours.js";
import { classWords, standardizationWords } from "../explain/own-data.js";
import { LINK } from "../lib/config.js";
import { linkKeepsPoints } from "../state/link.js";
import { currentRecord } from "../state/stepper.js";
import { shownStepper } from "../state/store.js";
import { createPlot } from "./data-plot.js";
import { createLossChart } from "./loss-chart.js";
import { rawInputs } from "../explain/features.js";
import { classNamesOf } from "../explain/own-data.js";

/**
 * @param {(intent: import("../actions/controller.js").Intent) => void} dispatch
 * @param {{datasets:{name:string, inputs:number, image?:number[]|null, max_size?:number}[],
 *          limits:any, dataset_defaults:any,
 *          features?:import("../explain/features.js").FeatureInfo[]}} options
 *   the built-in datasets, the plot domain and the input features (from /api/options)
 */
export function mountTrainingCard(dispatch, options) {
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
  $("l1").max = String(lim.max_l1 ?? 1);
  $("layers-hint").textContent = `Nodes per layer, input first, e.g. 2-4-4-1: ${lim.min_layers} ` +
    `to ${lim.max_layers} layers of at least ${lim.min_nodes} node: the input layer up to ` +
    `${lim.max_inputs ?? lim.max_nodes} (the digits' 64 pixels), a hidden layer up to ` +
    `${lim.max_hidden ?? lim.max_nodes}, the output layer up to ${lim.max_outputs ?? lim.max_nodes} ` +
    `(one per class); a layer of more than ${lim.max_nodes} is drawn as a grid. The input layer ` +
    "counts the raw inputs, then the input features below. Rebuilding (the button, or Enter) " +
    "starts new weights and keeps the settings and the data.";
  // What the learner typed or chose (the controls' own values: the intent's content).
  const number = (id) => parseShown($(id).value);  // NaN for nothing or no number: refused
  const spec = () => ({ name: select.value, noise: number("noise"), size: number("data-size"),
                        seed: number("data-seed"), test_fraction: number("test-fraction") });
  const settings = () => {
    const batch = $("batch-size").value;
    const speed = $("play-speed").value;
    return { batch_size: batch === "full" ? null : Number(batch),
             steps_per_frame: speed === "max" ? null : Number(speed) };
  };

  // what the learner is still typing stays as typed (before the fields' change listeners)
  const { typedInto, editing } = typingGuard();
  for (const id of ["noise", "data-size", "data-seed", "test-fraction", "l2", "l1", "momentum",
                    "beta1", "beta2", "epsilon"]) typedInto($(id));
  const on = (id, event, intent) => $(id).addEventListener(event, () => dispatch(intent()));
  on("btn-play", "click", () => ({ type: "play" }));
  // New data: the same kind of data, drawn again (the next seed).
  on("btn-new-data", "click", () => ({ type: "dataset", spec: { ...spec(), seed: spec().seed + 1 } }));
  for (const id of ["noise", "data-size", "data-seed", "test-fraction"]) {
    on(id, "change", () => ({ type: "dataset", spec: spec() }));
  }
  // An image dataset (the digits) comes whole and as drawn: all its images, no noise; the
  // next dataset chosen gets the usual size and noise back.
  const about = (name) => options.datasets.find((d) => d.name === name);
  let chosen = select.value;
  on("dataset", "change", () => {
    const next = about(select.value);
    const before = about(chosen);
    chosen = select.value;
    const d = options.dataset_defaults;
    return { type: "dataset", spec: { ...spec(), ...(next?.image ? { size: next.max_size, noise: 0 }
      : before?.image ? { size: d.size, noise: d.noise } : {}) } };
  });
  on("batch-size", "change", () => ({ type: "training", settings: settings() }));
  on("play-speed", "change", () => ({ type: "training", settings: settings() }));
  on("l2", "change", () => ({ type: "settings", changes: { l2: number("l2") } }));
  on("l1", "change", () => ({ type: "settings", changes: { l1: number("l1") } }));
  on("optimizer", "change", () => ({ type: "settings",
                                     changes: { optimizer: $("optimizer").value } }));
  for (const id of ["momentum", "beta1", "beta2", "epsilon"]) {
    on(id, "change", () => ({ type: "settings", changes: { [id]: number(id) } }));
  }
  on("btn-copy-link", "click", () => ({ type: "copy-link" }));
  on("btn-export", "click", () => ({ type: "export" }));
  on("btn-export-trace-json", "click", () => ({ type: "export-trace", format: "json" }));
  on("btn-export-trace-csv", "click", () => ({ type: "export-trace", format: "csv" }));
  on("btn-export-data", "click", () => ({ type: "export-data" }));
  on("btn-export-numpy", "click", () => ({ type: "export-python", flavour: "numpy" }));
  on("btn-export-pytorch", "click", () => ({ type: "export-python", flavour: "pytorch" }));
  on("btn-rebuild", "click", () => ({ type: "rebuild", text: $("layers-input").value }));
  $("layers-input").addEventListener("keydown", (e) => {  // Enter rebuilds, as the button does
    if (e.key !== "Enter") return;
    e.preventDefault();
    dispatch({ type: "rebuild", text: $("layers-input").value });
  });
  // The shape a layer or a node at a time, as in Playground (built for the shape shown).
  $("shape-editor").addEventListener("click", (e) => {
    const button = /** @type {HTMLElement} */ (e.target).closest("button");
    if (!button?.dataset.change) return;
    dispatch({ type: "reshape", change: JSON.parse(button.dataset.change) });
  });
  let shapeFor = "";
  /** @param {number[]} layers */
  const shapeEditor = (layers) => {
    if (layers.join("-") === shapeFor) return;
    shapeFor = layers.join("-");
    const button = (text, label, change) => {
      const b = Object.assign(document.createElement("button"), { type: "button",
                                                                   className: "small",
                                                                   textContent: text });
      b.setAttribute("aria-label", label);
      b.dataset.change = JSON.stringify(change);
      return b;
    };
    const rows = layers.slice(1, -1).map((n, k) => {
      const row = document.createElement("div");
      row.className = "shape-row";
      const name = Object.assign(document.createElement("span"), {
        textContent: `hidden ${k + 1}: ${n} node${n === 1 ? "" : "s"}` });
      row.append(name, button("−", `Remove a node from hidden layer ${k + 1}`,
                              { kind: "remove-node", layer: k + 1 }),
                 button("+", `Add a node to hidden layer ${k + 1}`, { kind: "add-node", layer: k + 1 }));
      return row;
    });
    const layerRow = document.createElement("div");
    layerRow.className = "shape-row";
    layerRow.append(Object.assign(document.createElement("span"), {
      textContent: `${layers.length - 2} hidden layer${layers.length === 3 ? "" : "s"}` }),
    button("−", "Remove the last hidden layer", { kind: "remove-layer" }),
    button("+", "Add a hidden layer before the output", { kind: "add-layer" }));
    $("shape-editor").replaceChildren(layerRow, ...rows);
  };
  // The derived input features, as in Playground: a box for each one the data's raw inputs
  // can give (built for the network shown), checked when the network has it.
  const catalogue = options.features ?? [];
  $("features").addEventListener("change", () => dispatch({
    type: "features", names: [...$("features").querySelectorAll("input:checked")]
      .map((box) => /** @type {HTMLInputElement} */ (box).value) }));
  let featuresFor = "";
  /** @param {{layers:number[], features?:string[]}} n */
  const featureBoxes = (n) => {
    const raw = rawInputs(n);
    const key = `${raw}|${(n.features ?? []).join(",")}`;
    if (key === featuresFor) return;
    featuresFor = key;
    // features of x₁ and x₂ mean nothing for an image's corner pixels: none for wide inputs
    const box = /** @type {HTMLElement} */ ($("features").closest("fieldset"));
    box.hidden = raw > options.limits.max_nodes;
    const boxes = catalogue.filter((f) => Math.max(...f.reads) <= raw && !box.hidden).map((f) => {
      const label = document.createElement("label");
      const box = Object.assign(document.createElement("input"), {
        type: "checkbox", value: f.name, checked: (n.features ?? []).includes(f.name) });
      label.append(box, ` ${f.formula}`);
      return label;
    });
    $("features").replaceChildren(...boxes);
  };
  $("import-file").addEventListener("change", (e) => {
    const input = /** @type {HTMLInputElement} */ (e.target);
    const file = input.files?.[0];
    if (file) dispatch({ type: "import", file });  // read inside the action: it counts as pending
    input.value = "";
  });
  $("show-test").addEventListener("change", (e) => dispatch({
    type: "plot-view", change: { showTest: /** @type {HTMLInputElement} */ (e.target).checked } }));
  $("discretize").addEventListener("change", (e) => dispatch({
    type: "plot-view", change: { discretize: /** @type {HTMLInputElement} */ (e.target).checked } }));
  // The keyboard's way to add a point, beside clicking the plot.
  $("point-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = $("point-input").value.split(/[,\s]+/).filter(Boolean).map(Number);
    // an empty target is no number (Number("") would be 0): refused, not added as 0
    const typed = $("point-target").value.trim();
    dispatch({ type: "point", event: { kind: "add", input,
                                       target: [parseShown(typed)] } });
  });
  const plot = createPlot($("data-plot"), options.limits.plot_domain,
                          (event) => dispatch({ type: "point", event }));
  reportSize($("data-plot"), "plot", dispatch);
  const chart = createLossChart($("loss-chart"));
  reportSize($("loss-chart"), "loss-chart", dispatch);
  const controlsChanged = changeCheck();

  /** @param {HTMLInputElement|HTMLSelectElement} control @param {string} value */
  const show = (control, value) => {
    if (control.value !== value && !editing(control)) control.value = value;
  };

  /** Every control set to the value in effect (when it changed, or an action ended: a
   * refused change snaps back). @param {import("../state/store.js").State} s */
  function controls(s) {
    const n = s.network;
    if (!controlsChanged({ spec: s.datasetSpec, dataset: s.dataset, training: s.training,
                           l2: n.l2, l1: n.l1, optimizer: n.optimizer, momentum: n.momentum,
                           beta1: n.beta1, beta2: n.beta2, epsilon: n.epsilon,
                           layers: n.layers, features: n.features, done: s.actionsDone })) return;
    const d = s.datasetSpec;
    setText(none, s.dataset && !s.dataset.name ? "your own points" : "none");
    show(select, s.dataset?.name ? s.dataset.name : "");
    chosen = s.dataset?.name ?? chosen;
    if (d) {
      show($("noise"), String(d.noise));
      show($("data-size"), String(d.size));
      show($("data-seed"), String(d.seed));
      show($("test-fraction"), String(d.test_fraction));
    }
    const t = s.training;
    show($("batch-size"), t.batch_size === null ? "full" : String(t.batch_size));
    show($("play-speed"), t.steps_per_frame == null ? "max" : String(t.steps_per_frame));
    show($("l2"), String(n.l2 ?? 0));
    show($("l1"), String(n.l1 ?? 0));
    const optimizer = n.optimizer ?? "sgd";
    show($("optimizer"), optimizer);
    $("momentum-row").hidden = optimizer !== "momentum";
    $("adam-row").hidden = optimizer !== "adam";
    show($("momentum"), String(n.momentum ?? 0.9));
    show($("beta1"), String(n.beta1 ?? 0.9));
    show($("beta2"), String(n.beta2 ?? 0.999));
    show($("epsilon"), String(n.epsilon ?? 1e-8));
    show($("layers-input"), s.network.layers.join("-"));
    shapeEditor(s.network.layers);
    featureBoxes(s.network);
  }

  /** @type {Record<string, string>} what each confusion table was drawn from */
  const confusionShown = {};
  /** The confusion table of the training (or the test) points, drawn again only when a count
   * changed; the classes by their labels when they came from a file.
   * @param {number[][]|null|undefined} matrix @param {string[]|null} names
   * @param {"training"|"test"} [which] */
  function confusion(matrix, names, which = "training") {
    const id = which === "test" ? "confusion-test" : "confusion";
    const key = JSON.stringify([matrix ?? null, names]);
    if (key === confusionShown[which]) return;
    confusionShown[which] = key;
    const table = confusionTable(matrix, which, names);
    $(`${id}-box`).hidden = !table;
    if (!table) return;
    const cell = (tag, text, className = "") => Object.assign(document.createElement(tag),
                                                             { textContent: text, className });
    const swatch = (k) => {
      const dot = cell("span", "", "swatch-class");
      dot.style.background = `var(${classColour(k)})`;
      return dot;
    };
    const head = document.createElement("tr");
    const named = (k) => (names?.length === table.rows.length ? names[k] : `class ${k + 1}`);
    head.append(cell("th", "true ↓ predicted →"), ...table.rows.map((_, k) => {
      const th = cell("th", "");
      th.append(swatch(k), named(k));
      return th;
    }));
    const body = table.rows.map((r, k) => {
      const tr = document.createElement("tr");
      const th = cell("th", "");
      th.append(swatch(k), named(k));
      tr.append(th, ...r.counts.map((n, p) => cell("td", String(n), p === k ? "right" : "")));
      return tr;
    });
    $(id).replaceChildren(head, ...body);
    setText($(`${id}-note`), table.note);
  }

  const ownDataChanged = changeCheck();
  /** What the page knows of own data from a file (its columns, classes, standardization),
   * and whether the link keeps the points. @param {import("../state/store.js").State} s */
  function ownData(s) {
    if (!ownDataChanged({ own: s.ownData, dataset: s.dataset })) return;
    const d = s.ownData;
    const words = d ? [`Your own data: inputs ${d.inputs.join(", ")}; ` +
                       `target${d.targets.length === 1 ? "" : "s"} ${d.targets.join(", ")}.`,
                       classWords(d), standardizationWords(d)].filter(Boolean).join(" ") : "";
    setText($("own-data-note"), words);
    $("own-data-note").hidden = !words;
    const fit = linkKeepsPoints(s);
    const link = fit.keeps ? "" : `The link leaves out your ${thousands(fit.points)} points: ` +
      `they would make it about ${thousands(Math.round(fit.chars * 4 / 3))} characters long, and a ` +
      `link keeps own points up to about ${thousands(Math.round(LINK.maxPointsChars * 4 / 3))}. ` +
      "It keeps the network and the settings; share " +
      "the points with Data as CSV (or Export network, whose file keeps them all).";
    setText($("link-note"), link);
    $("link-note").hidden = !link;
  }

  /** Says how many points lie outside the plot's window (own data may), or "".
   * @param {any} data @param {number} inputs */
  function outsideNote(data, inputs) {
    if (!data || inputs > 2) return "";
    const [lo, hi] = options.limits.plot_domain;
    const points = [...data.train, ...data.test];
    const out = points.filter((p) => p.input.some((v) => v < lo || v > hi)).length;
    return out ? `. ${out} of the ${points.length} points lie outside the plot's window ` +
      `(${lo} to ${hi} on each input) and are not drawn` + (data.name ? "."
        : ": standardize the inputs (Your own data) to bring them in.") : "";
  }

  /** @param {import("../state/store.js").State} s */
  return function render(s) {
    const n = s.network;
    if (!n) return;
    controls(s);
    const inputs = rawInputs(n);
    // A node pointed at shows its own picture, enlarged; else the plotted node's output.
    const t = s.plotted;
    const same = s.hovered && t && s.hovered.layer === t.layer && s.hovered.node === t.node;
    const h = same ? null : s.hovered;
    const own = h && s.pictures
      ? /** @type {any} */ ({ values: s.pictures.values[h.layer][h.node] }) : null;
    const trace = currentRecord(shownStepper(s))?.trace;
    const marker = trace ? { input: trace.input, target: trace.target } : null;
    plot.draw({ dataset: s.dataset, func: inputs <= 2 ? own ?? s.func : null, inputs, marker,
                width: s.sizes.plot?.width, showTest: s.plotView.showTest,
                discretize: s.plotView.discretize });
    /** @type {[string, boolean][]} */
    const switches = [["show-test", s.plotView.showTest], ["discretize", s.plotView.discretize]];
    for (const [id, on] of switches) {
      const box = /** @type {HTMLInputElement} */ ($(id));
      if (box.checked !== on) box.checked = on;
    }
    // classes have no y scale: each region's colour is its class, its depth the confidence
    const classes = Boolean(s.func?.classes) && !own;
    const scaleHidden = inputs !== 2 || classes;
    if ($("plot-scale").hidden !== scaleHidden) $("plot-scale").hidden = scaleHidden;
    setText($("discretize-words"), classes
      ? "Discretize output (each place in its class's full colour)"
      : "Discretize output (0 or 1, cut at y = 0.5)");
    setText($("fit-numbers"), fitLine(s.fit));
    const names = classNamesOf(s, options.datasets);
    confusion(s.fit?.train_confusion, names);
    confusion(s.fit?.test_confusion, names, "test");
    // Images (the digits) have no plot over their inputs: the drawing shows each image.
    const image = inputs > options.limits.max_nodes && Boolean(s.dataset);
    for (const id of ["data-plot", "point-form"]) {
      if ($(id).hidden !== image) $(id).hidden = image;
    }
    const switches_ = /** @type {HTMLElement} */ (document.querySelector(".plot-switches"));
    if (switches_.hidden !== image) switches_.hidden = image;
    ownData(s);
    chart.draw(s.losses, s.sizes["loss-chart"]);
    setText($("loss-note"), lossTrend(s.losses));
    setText($("plot-caption"), (image
      ? `The plot draws 1 or 2 inputs; these data have ${inputs}, an image each: the network's ` +
        "drawing shows the sample's image and what each hidden node looks for, and the " +
        "tables below show which classes the network mixes up."
      : inputs > 2
      ? `The plot and the nodes' pictures need 1 or 2 inputs; this network has ${inputs}.`
      : own ? `Pointing at node ${h.node + 1} of layer ${h.layer}: its own output y`
      : t ? `Showing the output y of node ${t.node + 1} of hidden layer ${t.layer}` +
            " (click it again for the network's output)"
      : classes ? "Showing the class the network gives each place (its largest output), " +
                  "the deeper the colour the surer (white: all classes equally likely)"
      : "Showing the network's output y over the data") + outsideNote(s.dataset, inputs));
    setText($("train-counter"), `Play: epoch ${s.epoch.toFixed(2)} · ` +
      `${thousands(s.samplesTrained)} samples trained`);
    const points = s.dataset?.train.length ?? 0;
    setText($("epoch-note"), points
      ? `An epoch is one pass over ${points === 1 ? "the 1 training point" : `all ${points} training points`}, in a new shuffled order ` +
        "each time."
      : s.dataset?.test.length
        ? `All ${s.dataset.test.length} points are test points (test share ` +
          `${s.dataset.test_fraction}): lower the test share, or add training points below.`
        : "There are no training points yet: choose a dataset, or add points below.");
    setText($("btn-play"), s.playing ? "Pause" : "Play");
    $("btn-play").classList.toggle("playing", s.playing);
  };
}

