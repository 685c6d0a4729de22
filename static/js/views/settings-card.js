/**
 * The settings card: the learning rate (a slider on a log scale, and a typed value), the
 * activations and the loss, and the sample (or mini-batch) the steps run on. Controls store
 * nothing: each render sets every one to the value in effect (a refused change snaps back),
 * except a field the learner is still typing in.
 */
import { byId as $ } from "../lib/dom.js";
import { parseShown } from "../lib/format.js";
import { changeCheck } from "../lib/memo.js";
import { setText } from "../lib/svg.js";
import { initNote } from "../explain/initialization.js";
import { typingGuard } from "../lib/typing.js";
import { problemNote, problemOf, settingsFor, targetReachNote } from "../explain/problem.js";
import { mountDigitPad } from "./digit-pad.js";
import { arrangement } from "./grid-layout.js";
import { classNamesOf } from "../explain/own-data.js";
import { rawInputs } from "../explain/features.js";

/**
 * @param {(intent: import("../actions/controller.js").Intent) => void} dispatch
 * @param {{activations:{name:string, output_only?:boolean}[], losses:{name:string}[],
 *          initializations:import("../explain/initialization.js").InitInfo[],
 *          datasets?:{name:string, classes?:string[]|null}[],
 *          limits:{max_learning_rate:number, max_nodes:number}}} options
 */
export function mountSettingsCard(dispatch, options) {
  const fill = (select, names) => select.replaceChildren(...names.map((n) => {
    const o = document.createElement("option");
    o.value = n;
    o.textContent = n.replace(/_/g, " ");
    return o;
  }));
  // softmax couples a layer's nodes: an output activation only
  fill($("activation"), options.activations.filter((a) => !a.output_only).map((a) => a.name));
  fill($("output-activation"), options.activations.map((a) => a.name));
  fill($("loss"), options.losses.map((l) => l.name));
  $("init").replaceChildren(...options.initializations.map((i) => {
    const o = document.createElement("option");
    o.value = i.name;
    o.textContent = i.title;
    return o;
  }));
  $("init").addEventListener("change", (e) => dispatch({ type: "init", init: e.target.value }));
  /** @type {number} output nodes of the network shown (a problem type's settings need it) */
  let outputs = 1;
  $("problem").addEventListener("change", (e) => dispatch({
    type: "settings", changes: settingsFor(e.target.value, outputs) }));
  for (const [id, field] of [["activation", "activation"], ["output-activation", "output_activation"],
                             ["loss", "loss"]]) {
    $(id).addEventListener("change", (e) => dispatch({ type: "settings",
                                                        changes: { [field]: e.target.value } }));
  }

  const { typedInto, editing } = typingGuard();  // what the learner is still typing
  const pad = mountDigitPad(dispatch);

  const range = $("lr-range");
  const typed = $("lr-value");
  typedInto(typed);  // before its change listener: a refusal answered at once snaps it back
  range.addEventListener("input", () => {
    typed.value = String(Number((10 ** Number(range.value)).toPrecision(3)));
  });
  range.addEventListener("change", () => dispatch({ type: "settings",
                                                     changes: { learning_rate: parseShown(typed.value) } }));
  typed.addEventListener("change", () => dispatch({ type: "settings",
                                                     changes: { learning_rate: parseShown(typed.value) } }));
  $("step-on").addEventListener("change", () => dispatch({ type: "step-on", value: $("step-on").value }));
  $("btn-next-sample").addEventListener("click", () => dispatch({ type: "next-sample" }));

  /** What the sample fields hold now (numbers, NaN where not one): the learner's input. */
  function typedSample() {
    const read = (id) => [...$(id).querySelectorAll("input")]
      .map((i) => parseShown(i.value));
    return { input: read("sample-inputs"), target: read("sample-targets") };
  }

  /** Inputs for the sample, one per input node and one per output node. */
  function sampleFields(sample) {
    const make = (kind, values) => values.map((v, n) => {
      const label = document.createElement("label");
      label.className = "sample-field";
      const text = document.createElement("span");
      text.textContent = `${kind} ${n + 1}`;
      const input = document.createElement("input");
      input.type = "text";  // a number field drops a decimal comma ("0,5" became 5)
      input.inputMode = "decimal";
      input.autocomplete = "off";
      input.value = String(v);
      typedInto(input);  // first: a refusal answered at once snaps the field back
      input.addEventListener("change", () => dispatch({ type: "sample", sample: typedSample() }));
      label.append(text, input);
      return label;
    });
    $("sample-inputs").replaceChildren(...make("Input", sample.input));
    $("sample-targets").replaceChildren(...make("Target", sample.target));
    fields = { inputs: sample.input.length, targets: sample.target.length };
  }
  let fields = { inputs: -1, targets: -1 };

  /** @param {HTMLInputElement|HTMLSelectElement} control @param {string} value */
  const show = (control, value) => {
    if (control.value !== value) control.value = value;
  };

  const changed = changeCheck();

  /** Every control set to the value in effect, when it changed or an action ended (which
   * may have refused a change: the control snaps back). @param {import("../state/store.js").State} s */
  return function render(s) {
    const network = s.network;
    if (!network || !changed({ activation: network.activation, output: network.output_activation,
                               loss: network.loss, rate: network.learning_rate, sample: s.sample,
                               stepOn: s.stepOn, init: s.init, layers: network.layers,
                               dataset: s.dataset, done: s.actionsDone })) return;
    outputs = network.layers[network.layers.length - 1];
    show($("problem"), problemOf(network));
    setText($("problem-note"), problemNote(network, s.dataset));
    const reach = targetReachNote(network.output_activation, s.sample.target);
    $("target-note").hidden = !reach;
    setText($("target-note"), reach ?? "");
    show($("init"), s.init);
    setText($("init-note"), initNote(s.init, network.layers, options.initializations).join(" "));
    show($("activation"), network.activation);
    show($("output-activation"), network.output_activation);
    show($("loss"), network.loss);
    show($("step-on"), s.stepOn);
    if (!editing(typed)) show(typed, String(network.learning_rate));
    show(range, String(Math.log10(network.learning_rate)));
    // Inputs wider than the cards (the digits' pixels): the sample is an image, drawn on.
    const raw = rawInputs(network);
    const image = raw > options.limits.max_nodes && raw === network.layers[0]
      ? arrangement(raw, 0, false) : null;
    const classes = network.output_activation === "softmax";
    pad(s, image, image && classes ? classNamesOf(s, options.datasets ?? [])
      ?? s.sample.target.map((_, k) => `class ${k + 1}`) : null);
    $("sample-inputs").hidden = Boolean(image);
    $("sample-targets").hidden = Boolean(image && classes);
    $("pad-class").closest(".row").hidden = !classes;
    if (fields.inputs !== s.sample.input.length || fields.targets !== s.sample.target.length) {
      sampleFields(s.sample);
    } else {
      const inputs = [...$("sample-inputs").querySelectorAll("input"),
                      ...$("sample-targets").querySelectorAll("input")];
      const values = [...s.sample.input, ...s.sample.target];
      inputs.forEach((f, n) => {
        if (!editing(f) && parseShown(f.value) !== values[n]) f.value = String(values[n]);
      });
    }
  };
}
