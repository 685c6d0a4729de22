/**
 * The learner's own data from a CSV file: which role each column takes in the dialog, the
 * network the data need (its input and output layers, and for classes a softmax output with
 * categorical cross entropy), and what to tell the learner. The server reads the file
 * (POST /api/datasets/csv); nothing here parses it. Pure: no DOM.
 */
import { settingsFor } from "./problem.js";

/** @typedef {"input"|"target"|"part"|"none"} Role */
/**
 * @typedef {{index:number, name:string, kind:"number"|"label"|"part", labels:string[]|null,
 *            distinct:number}} CsvColumn
 * @typedef {{inputs:number[], targets:number[], target_kind:"numbers"|"classes",
 *            part:number|null}} CsvChoice
 * @typedef {{problem:"regression"|"classes", classes:string[]|null, inputs:string[],
 *            targets:string[], points:{input:number[], target:number[]}[],
 *            test_fraction:number|null, means:number[]|null, spreads:number[]|null,
 *            notes:string[]}} CsvDataset
 * @typedef {{separator:string, header:boolean, rows:number, columns:CsvColumn[],
 *            first_rows:string[][], first_lines:number[], suggested:CsvChoice,
 *            dataset:CsvDataset|null}} CsvOut
 * @typedef {{problem:"regression"|"classes", inputs:string[], targets:string[],
 *            classes:string[]|null, means:number[]|null, spreads:number[]|null}} OwnData
 *   what the page keeps of an import, to name the columns and classes (and the link too)
 */

/** Each column's role as the server suggests it. @param {CsvOut} preview @returns {Role[]} */
export function suggestedRoles(preview) {
  const s = preview.suggested;
  return preview.columns.map(({ index }) => (s.inputs.includes(index) ? "input"
    : s.targets.includes(index) ? "target" : s.part === index ? "part" : "none"));
}

/** The columns chosen, from their roles (in the file's order). @param {Role[]} roles */
export function choiceOf(roles) {
  const having = (role) => roles.flatMap((r, c) => (r === role ? [c] : []));
  const part = having("part");
  return { inputs: having("input"), targets: having("target"),
           part: part.length ? part[0] : null };
}

/**
 * The target kind to offer: classes for one column of labels, numbers otherwise.
 * @param {CsvOut} preview @param {Role[]} roles @returns {"numbers"|"classes"}
 */
export function defaultTargetKind(preview, roles) {
  const targets = roles.flatMap((r, c) => (r === "target" ? [c] : []));
  return targets.length === 1 && preview.columns[targets[0]].kind === "label" ? "classes" : "numbers";
}

/**
 * The network the data need, from the one shown: one input node per input column, one output
 * node per target (per class); its hidden layers kept. Classes take a softmax output with
 * categorical cross entropy; numbers keep the output and loss shown when they fit the targets
 * (not softmax; targets in [0, 1] unless the output is linear), else a linear output with the
 * squared error, as Playground's regression. `features`: the input features kept (derived
 * from the file's inputs, after them in the input layer).
 * @param {CsvDataset} data
 * @param {{layers:number[], output_activation:string, loss:string, features?:string[]}} network
 * @param {string[]} [features]
 */
export function networkFor(data, network, features = []) {
  const inputs = data.points[0].input.length;
  const outputs = data.points[0].target.length;
  const layers = [inputs + features.length, ...network.layers.slice(1, -1), outputs];
  const inUnit = data.points.every((p) => p.target.every((t) => t >= 0 && t <= 1));
  const keeps = network.output_activation !== "softmax"
    && (inUnit || (network.output_activation === "linear" && network.loss === "squared"));
  const output = data.problem === "classes" ? settingsFor("classification", outputs)
    : keeps ? { output_activation: network.output_activation, loss: network.loss }
      : settingsFor("regression", outputs);
  const same = layers.join("-") === network.layers.join("-")
    && features.join() === (network.features ?? []).join()
    && output.output_activation === network.output_activation && output.loss === network.loss;
  return { layers, ...output, rebuild: !same };
}

const count = (n, word) => `${n} ${word}${n === 1 ? "" : word.endsWith("s") ? "es" : "s"}`;
const short = (v) => String(Number(v.toPrecision(4)));

/** The means and spreads the inputs were standardized with, in words (or ""). @param {OwnData} d */
export function standardizationWords(d) {
  if (!d.means || !d.spreads) return "";
  const each = d.inputs.map((name, i) => `${name}: mean ${short(d.means[i])}, spread ` +
    `${short(d.spreads[i])}${d.spreads[i] === 0 ? " (centred only)" : ""}`);
  return `Inputs standardized, (x − mean) / spread: ${each.join("; ")}.`;
}

/** The classes and their output nodes, in words (or ""). @param {OwnData} d */
export function classWords(d) {
  if (!d.classes) return "";
  return `Classes: ${d.classes.map((c, k) => `${k + 1} = ${c}`).join(", ")} (output node k is ` +
    "class k's probability).";
}

/**
 * What an import did, in words.
 * @param {CsvDataset} data @param {ReturnType<typeof networkFor>} plan
 * @param {{layers:number[], output_activation:string, loss:string}} before
 * @param {{train:number, test:number}} split
 */
export function importNote(data, plan, before, split) {
  const about = ownDataOf(data);
  const what = data.problem === "classes"
    ? `${count(data.points[0].target.length, "class")} (one-hot targets)`
    : `${count(data.targets.length, "target")} (regression)`;
  const shape = plan.rebuild ? ` The network was rebuilt as ${plan.layers.join("-")}` +
    (plan.output_activation !== before.output_activation || plan.loss !== before.loss
      ? `, with a ${plan.output_activation} output and the ${plan.loss.replace(/_/g, " ")} loss`
      : "") + "." : "";
  return [`Imported ${count(data.points.length, "point")} (${split.train} for training, ` +
          `${split.test} for testing) of ${count(data.inputs.length, "input")} ` +
          `(${data.inputs.join(", ")}) and ${what}.${shape}`,
  classWords(about), standardizationWords(about), ...data.notes.map((n) => `${n}.`)]
    .filter(Boolean).join(" ");
}

/** What the page keeps of an import. @param {CsvDataset} data @returns {OwnData} */
export function ownDataOf(data) {
  return { problem: data.problem, inputs: data.inputs, targets: data.targets,
           classes: data.classes, means: data.means, spreads: data.spreads };
}

/** Whether `v` is what ownDataOf gives (as a link carries it): at most 8 inputs, and at most
 * 10 targets or classes (the output layer's limit). */
export function isOwnData(v) {
  const strings = (a, max) => Array.isArray(a) && a.length >= 1 && a.length <= max
    && a.every((x) => typeof x === "string" && x.length <= 200);
  const numbers = (a) => a === null || (Array.isArray(a) && a.every(Number.isFinite));
  return Boolean(v) && typeof v === "object" && ["regression", "classes"].includes(v.problem)
    && strings(v.inputs, 8) && strings(v.targets, 10)
    && (v.classes === null || strings(v.classes, 10)) && numbers(v.means) && numbers(v.spreads)
    && Object.keys(v).length === 6;
}

/**
 * Why the server refused a file or a choice, as a sentence that says nothing changed: the
 * message of the field it names (the line and column are in it), or the body's limit.
 * @param {{status?:number, message:string, errors?:{field:string, message:string}[]}} e
 */
export function csvRefusal(e) {
  const first = e.errors?.[0];
  let why = first ? (first.field === "text" ? first.message : `${first.field}: ${first.message}`)
    : e.message;
  if (e.status === 413) why = why.replace(/^body: the request body/, "the file");
  why = why.charAt(0).toUpperCase() + why.slice(1);
  return `${why}${/[.!?]$/.test(why) ? "" : "."} Nothing was changed.`;
}

/**
 * The names of the output nodes' classes, when the outputs are classes and the data name
 * them: a built-in dataset's (the digits' "0" … "9"), or the classes of a file.
 * @param {{network:any, dataset:any, ownData:OwnData|null}} s
 * @param {{name:string, classes?:string[]|null}[]} datasets /api/options' datasets
 * @returns {string[]|null}
 */
export function classNamesOf(s, datasets) {
  if (s.network?.output_activation !== "softmax") return null;
  const outputs = s.network.layers[s.network.layers.length - 1];
  const names = s.dataset?.name ? datasets.find((d) => d.name === s.dataset.name)?.classes
    : s.ownData?.classes;
  return names?.length === outputs ? names : null;
}
