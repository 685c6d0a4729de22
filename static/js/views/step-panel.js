/**
 * The page around the drawing: phase label, narration, formula panel, controls and status
 * line. It owns every DOM lookup outside the SVG and reports what the learner does through
 * the handlers it is given.
 */
import { byId } from "../lib/dom.js";
import { parseShown } from "../lib/format.js";
import { showIn } from "../explain/mathml.js";
import { createGraphView } from "./graph-view.js";
import { createOperatingPoint } from "./operating-point.js";
import { setText } from "../lib/svg.js";

const $ = byId;

/**
 * Controls never store anything: they send the learner's changes to the handlers, and
 * `sync` sets every one of them to the value in effect (a refused change snaps back).
 * @param {{onButton:(name:string)=>void, onSettings:(changes:object)=>void,
 *          onSample:(sample:{input:number[], target:number[]})=>void,
 *          onSpeed:(speed:number)=>void, onEdit:(value:number)=>void,
 *          onStepOn:(on:string)=>void}} handlers
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

  /** Fields the learner is typing in: sync leaves them as typed until the value is committed
   * (change) or left (blur), so that another action's answer does not overwrite it. */
  const editing = new WeakSet();
  /** @param {HTMLInputElement} field */
  const typedInto = (field) => {
    field.addEventListener("input", () => editing.add(field));
    field.addEventListener("change", () => editing.delete(field));
    field.addEventListener("blur", () => editing.delete(field));
  };

  // The learning rate: a slider on a log scale, and a typed value; either sets the other.
  const range = $("lr-range");
  const typed = $("lr-value");
  typedInto(typed);  // before its change listener: a refusal answered at once snaps it back
  typed.max = String(options.limits.max_learning_rate);
  range.addEventListener("input", () => {
    typed.value = String(Number((10 ** Number(range.value)).toPrecision(3)));
  });
  range.addEventListener("change", () => handlers.onSettings({ learning_rate: Number(typed.value) }));
  typed.addEventListener("change", () => handlers.onSettings({ learning_rate: parseShown(typed.value) }));

  const operating = createOperatingPoint($("operating-point"), $("operating-caption"));
  const graph = createGraphView($("graph"), $("graph-caption"));

  $("edit-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const value = Number($("edit-value").value);
    if (Number.isFinite(value)) handlers.onEdit(value);
  });

  $("step-on").addEventListener("change", () => handlers.onStepOn($("step-on").value));

  $("speed").addEventListener("input", (e) => {
    const speed = Number(e.target.value);
    $("speed-value").textContent = `${speed}×`;
    handlers.onSpeed(speed);
  });

  /** @param {string} message @param {"error"|"note"} kind a note is not drawn as an error */
  function showStatus(message, kind) {
    $("status").textContent = message;
    $("status").classList.toggle("shown", Boolean(message));
    $("status").classList.toggle("note", kind === "note");
  }

  /** What the sample fields hold now (numbers, NaN where not one). */
  function typedSample() {
    const read = (id) => [...$(id).querySelectorAll("input")]
      .map((i) => (i.value.trim() === "" ? NaN : parseShown(i.value)));
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
      input.type = "number";
      input.step = "0.1";
      input.value = String(v);
      typedInto(input);  // first: a refusal answered at once snaps the field back
      input.addEventListener("change", () => handlers.onSample(typedSample()));
      label.append(text, input);
      return label;
    });
    $("sample-inputs").replaceChildren(...make("Input", sample.input));
    $("sample-targets").replaceChildren(...make("Target", sample.target));
  }

  /** Every control set to the value in effect. @param {import("../state/store.js").State} state */
  function sync(state) {
    const network = state.network;
    if (!network) return;
    $("activation").value = network.activation;
    $("output-activation").value = network.output_activation;
    $("loss").value = network.loss;
    $("step-on").value = state.stepOn;
    if (!editing.has(typed)) typed.value = String(network.learning_rate);
    range.value = String(Math.log10(network.learning_rate));
    const fields = [...$("sample-inputs").querySelectorAll("input"),
                    ...$("sample-targets").querySelectorAll("input")];
    const values = [...state.sample.input, ...state.sample.target];
    if (fields.length !== values.length
        || $("sample-inputs").children.length !== state.sample.input.length) {
      sampleFields(state.sample);
    } else {
      fields.forEach((f, n) => {
        if (!editing.has(f) && parseShown(f.value) !== values[n]) f.value = String(values[n]);
      });
    }
  }

  /**
   * @param {{label:string, detail:string, narration:string, heading:string,
   *          formulas:import("../explain/mathml.js").MathNode[], note?:string,
 *          operating?:{activation:string, x:number}|null, graph?:{model:any, name:string, after?:string},
   *          editable?: {label:string, value:number}|null, canGoBack?: boolean}} view
   */
  function render(view) {
    // Only what changed is written: during Play this runs on every frame.
    const back = $("btn-previous");
    if (view.canGoBack !== undefined && back.disabled === view.canGoBack) back.disabled = !view.canGoBack;
    const form = $("edit-form");
    if (form.hidden !== !view.editable) form.hidden = !view.editable;
    if (view.editable) {
      setText($("edit-label"), view.editable.label);
      // never overwrite what the learner is typing
      const value = String(view.editable.value);
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
  }

  return { render, sync, showStatus };
}
