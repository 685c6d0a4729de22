/**
 * The page around the drawing: phase label, narration, formula panel, controls and status
 * line. It owns every DOM lookup outside the SVG and reports what the learner does through
 * the handlers it is given.
 */
import { parseShown } from "./format.js";

const $ = (id) => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e;
};

/**
 * @param {{onButton:(name:string)=>void, onSettings:(changes:object)=>void,
 *          onSample:()=>void, onSpeed:(speed:number)=>void,
 *          onEdit:(value:number)=>void}} handlers
 * @param {{activations:{name:string}[], losses:{name:string}[],
 *          limits:{max_learning_rate:number}}} options
 */
export function bindPanel(handlers, options) {
  const buttons = ["previous", "next", "forward", "backward", "update", "step", "reset"];
  for (const name of buttons) $(`btn-${name}`).addEventListener("click", () => handlers.onButton(name));

  const fill = (select, names) => select.replaceChildren(...names.map((n) => {
    const o = document.createElement("option");
    o.value = n;
    o.textContent = n.replace("_", " ");
    return o;
  }));
  fill($("activation"), options.activations.map((a) => a.name));
  fill($("output-activation"), options.activations.map((a) => a.name));
  fill($("loss"), options.losses.map((l) => l.name));
  for (const [id, field] of [["activation", "activation"], ["output-activation", "output_activation"],
                             ["loss", "loss"]]) {
    $(id).addEventListener("change", (e) => handlers.onSettings({ [field]: e.target.value }));
  }

  // The learning rate: a slider on a log scale, and a typed value; either sets the other.
  const range = $("lr-range");
  const typed = $("lr-value");
  typed.max = String(options.limits.max_learning_rate);
  range.addEventListener("input", () => {
    typed.value = String(Number((10 ** Number(range.value)).toPrecision(3)));
  });
  range.addEventListener("change", () => handlers.onSettings({ learning_rate: Number(typed.value) }));
  typed.addEventListener("change", () => {
    const lr = Number(typed.value);
    if (!(lr > 0 && lr <= options.limits.max_learning_rate)) {
      showStatus(`The learning rate must be above 0 and at most ${options.limits.max_learning_rate}.`);
      return;
    }
    range.value = String(Math.log10(lr));
    handlers.onSettings({ learning_rate: lr });
  });

  $("edit-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const value = Number($("edit-value").value);
    if (Number.isFinite(value)) handlers.onEdit(value);
  });

  $("speed").addEventListener("input", (e) => {
    const speed = Number(e.target.value);
    $("speed-value").textContent = `${speed}×`;
    handlers.onSpeed(speed);
  });

  function showStatus(message) {
    $("status").textContent = message;
    $("status").classList.toggle("shown", Boolean(message));
  }

  /** Inputs for the sample, one per input node and one per output node. */
  function setSampleFields(layers, sample) {
    const make = (kind, values) => values.map((v, n) => {
      const label = document.createElement("label");
      label.className = "sample-field";
      const text = document.createElement("span");
      text.textContent = `${kind} ${n + 1}`;
      const input = document.createElement("input");
      input.type = "number";
      input.step = "0.1";
      input.value = String(v);
      input.dataset.kind = kind.toLowerCase();
      input.addEventListener("change", () => handlers.onSample());
      label.append(text, input);
      return label;
    });
    $("sample-inputs").replaceChildren(...make("Input", sample.input));
    $("sample-targets").replaceChildren(...make("Target", sample.target));
  }

  /** @returns {{input:number[], target:number[]} | null} null (and a status) if invalid */
  function readSample() {
    const read = (id) => [...$(id).querySelectorAll("input")].map((i) => parseShown(i.value));
    const sample = { input: read("sample-inputs"), target: read("sample-targets") };
    if ([...sample.input, ...sample.target].some((v) => !Number.isFinite(v))) {
      showStatus("Every input and target must be a number.");
      return null;
    }
    return sample;
  }

  /** @param {import("./api.js").NetworkState} network */
  function setSettings(network) {
    $("activation").value = network.activation;
    $("output-activation").value = network.output_activation;
    $("loss").value = network.loss;
    typed.value = String(network.learning_rate);
    range.value = String(Math.log10(network.learning_rate));
  }

  /**
   * @param {{label:string, detail:string, narration:string, heading:string,
   *          formulas:Element[], note?:string,
   *          editable?: {label:string, value:number}|null}} view
   */
  function render(view) {
    const form = $("edit-form");
    form.hidden = !view.editable;
    if (view.editable) {
      $("edit-label").textContent = view.editable.label;
      // never overwrite what the learner is typing
      if (document.activeElement !== $("edit-value")) {
        $("edit-value").value = String(view.editable.value);
      }
    }
    $("phase-label").textContent = view.label;
    $("phase-detail").textContent = view.detail;
    if ($("narration").textContent !== view.narration) $("narration").textContent = view.narration;
    $("explain-heading").textContent = view.heading;
    $("formula").replaceChildren(...view.formulas);
    $("formula-note").textContent = view.note ?? "";
  }

  /** Only the phase label and its detail line (cheap, for every frame of training). */
  function setLabel(label, detail) {
    $("phase-label").textContent = label;
    $("phase-detail").textContent = detail;
  }

  function setBusy(busy) {
    document.body.classList.toggle("busy", busy);
  }

  return { render, setLabel, setSettings, setSampleFields, readSample, showStatus, setBusy };
}
