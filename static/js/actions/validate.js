/**
 * What the learner typed, checked against the server's limits (from /api/options) before
 * anything is sent, and refused in plain words. Pure: no DOM.
 */

/**
 * @typedef {{min_layers:number, max_layers:number, min_nodes:number, max_nodes:number,
 *            max_outputs?:number, max_inputs?:number, max_hidden?:number,
 *            max_abs_value:number, max_learning_rate:number, max_seed:number,
 *            max_dataset_size?:number, max_noise?:number, max_test_fraction?:number,
 *            max_l2?:number, max_l1?:number, min_epsilon?:number, max_epsilon?:number,
            max_steps_per_call?:number, max_lesson_title?:number,
 *            max_lesson_text?:number, max_lesson_steps?:number, max_lesson_step?:number}} Limits
 * @typedef {{ok:true, value:any} | {ok:false, message:string}} Checked
 */
import { layerTooWide } from "../lib/limits.js";

const ok = (value) => ({ ok: /** @type {const} */ (true), value });
const no = (message) => ({ ok: /** @type {const} */ (false), message });
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "2-4-4-1" → [2, 4, 4, 1]. @param {string} text @param {Limits} limits @returns {Checked} */
export function parseLayers(text, limits) {
  const parts = String(text).split(/[-,\s]+/).filter(Boolean);
  const layers = parts.map(Number);
  if (!parts.length || layers.some((n) => !Number.isInteger(n))) {
    return no("Write the layers as whole numbers of nodes, input first, e.g. 2-4-4-1.");
  }
  if (layers.length < limits.min_layers || layers.length > limits.max_layers) {
    return no(`A network has ${limits.min_layers} to ${limits.max_layers} layers, the input ` +
              `and output layers included; ${layers.join("-")} has ${layers.length}.`);
  }
  const too = layerTooWide(layers, limits);
  if (too) return no(too);
  if (layers.some((n) => n < limits.min_nodes)) {
    return no(`A layer needs at least ${plural(limits.min_nodes, "node")}.`);
  }
  return ok(layers);
}

/** @param {number} value @param {Limits} limits @returns {Checked} */
export function checkLearningRate(value, limits) {
  if (!(Number.isFinite(value) && value > 0 && value <= limits.max_learning_rate)) {
    return no(`The learning rate must be above 0 and at most ${limits.max_learning_rate}; ` +
              "it was left as it was.");
  }
  return ok(value);
}

/**
 * @param {{input:number[], target:number[]}} sample @param {Limits} limits
 * @param {string} loss the loss in force (cross entropy needs targets in [0, 1])
 * @returns {Checked}
 */
export function checkSample(sample, limits, loss) {
  const all = [...sample.input, ...sample.target];
  if (all.some((v) => !Number.isFinite(v))) {
    return no("Every input and target must be a number; the sample was left as it was.");
  }
  if (all.some((v) => Math.abs(v) > limits.max_abs_value)) {
    return no(`Inputs and targets must lie between −${limits.max_abs_value} and ` +
              `${limits.max_abs_value}.`);
  }
  if (loss === "cross_entropy" && sample.target.some((t) => t < 0 || t > 1)) {
    return no("With cross entropy a target is a probability: between 0 and 1.");
  }
  if (loss === "categorical_cross_entropy") {
    const sum = sample.target.reduce((a, t) => a + t, 0);
    if (sample.target.some((t) => t < 0 || t > 1) || !(Math.abs(sum - 1) <= 1e-9)) {
      return no("With categorical cross entropy the targets are a probability for each class: " +
                "each between 0 and 1, adding up to 1 (such as 1, 0, 0); the sample was left " +
                "as it was.");
    }
  }
  return ok(sample);
}

/**
 * A point typed in the "Add point" form (or clicked on the plot), checked before it is sent:
 * it must have one number per input node and per output node of the network.
 * @param {{input:number[], target:number[]}} point @param {number[]} layers the network's
 * @param {Limits} limits @param {string} loss the loss in force
 * @param {number} [raw] the raw inputs (layers[0] less the derived features) @returns {Checked}
 */
export function checkPoint(point, layers, limits, loss, raw = layers[0]) {
  const inputs = raw;
  const outputs = layers[layers.length - 1];
  if (point.input.length !== inputs) {
    return no(`The point has ${plural(point.input.length, "input")}, but the network has ` +
              `${plural(inputs, raw === layers[0] ? "input node" : "raw input")}: type ${inputs === 1 ? "one number"
                : `${inputs} numbers separated by commas`} as the point's input.`);
  }
  if (point.target.length !== outputs) {
    return no(`The point has ${plural(point.target.length, "target")}, but the network has ` +
              `${plural(outputs, "output node")}: the form adds points with one target, so add ` +
              "points to this network with a built-in dataset or an imported file.");
  }
  const checked = checkSample(point, limits, loss);
  if (checked.ok === false) {
    return no(checked.message.replace("the sample was left as it was", "the point was not added"));
  }
  return ok(point);
}

/**
 * @param {{name:string, size:number, noise:number, seed:number, test_fraction:number}} spec
 * @param {Limits} limits @returns {Checked}
 */
export function checkDatasetSpec(spec, limits) {
  if (!spec.name) {
    return no("Points, noise, seed and test share shape a built-in dataset, and the data now are " +
              "your own points: choose a dataset above to draw new data (yours were kept).");
  }
  const maxSize = limits.max_dataset_size ?? 10_000;
  if (!Number.isInteger(spec.size) || spec.size < 1 || spec.size > maxSize) {
    return no(`The number of points must be a whole number from 1 to ${maxSize}.`);
  }
  const maxNoise = limits.max_noise ?? 1;
  if (!(spec.noise >= 0 && spec.noise <= maxNoise)) {
    return no(`The noise must be between 0 and ${maxNoise}.`);
  }
  if (!Number.isInteger(spec.seed) || spec.seed < 0 || spec.seed > limits.max_seed) {
    return no(`The data seed must be a whole number from 0 to ${limits.max_seed}.`);
  }
  const maxShare = limits.max_test_fraction ?? 0.9;
  if (!(spec.test_fraction >= 0 && spec.test_fraction <= maxShare)) {
    return no(`The test share must be between 0 and ${maxShare}.`);
  }
  return ok({ ...spec, noise: spec.noise + 0 });  // −0 is 0
}

/** @param {number} l2 @param {Limits} limits @returns {Checked} */
export function checkL2(l2, limits) {
  const maxL2 = limits.max_l2 ?? 1;
  if (!(l2 >= 0 && l2 <= maxL2)) {
    return no(`The L2 rate λ must be between 0 and ${maxL2}; it was left as it was.`);
  }
  return ok(l2);
}

/** @param {number} l1 @param {Limits} limits @returns {Checked} */
export function checkL1(l1, limits) {
  const maxL1 = limits.max_l1 ?? 1;
  if (!(l1 >= 0 && l1 <= maxL1)) {
    return no(`The L1 rate λ₁ must be between 0 and ${maxL1}; it was left as it was.`);
  }
  return ok(l1);
}

/** An optimizer's constant: β, β₁ or β₂ in [0, 1), ε in [min_epsilon, max_epsilon].
 * @param {"momentum"|"beta1"|"beta2"|"epsilon"} name @param {number} value
 * @param {Limits} limits @returns {Checked} */
export function checkOptimizerConstant(name, value, limits) {
  if (name === "epsilon") {
    const low = limits.min_epsilon ?? 1e-12;
    const high = limits.max_epsilon ?? 1;
    return value >= low && value <= high ? ok(value)
      : no(`Adam's ε must be between ${low} and ${high}; it was left as it was.`);
  }
  const label = { momentum: "The momentum β", beta1: "Adam's β₁", beta2: "Adam's β₂" }[name];
  return value >= 0 && value < 1 ? ok(value + 0)
    : no(`${label} must be at least 0 and below 1 (at 1 the running value would never take ` +
         `in a new gradient); it was left as it was.`);
}

/** @param {{batch_size:number|null, steps_per_frame?:number|null}} t @param {Limits} limits
 * @returns {Checked} */
export function checkTraining(t, limits) {
  if (t.batch_size !== null && !(Number.isInteger(t.batch_size) && t.batch_size >= 1)) {
    return no("The batch size must be a whole number of points, 1 or more, or the full batch.");
  }
  const perFrame = t.steps_per_frame;
  if (perFrame != null && !(Number.isInteger(perFrame) && perFrame >= 1
                            && perFrame <= (limits.max_steps_per_call ?? 10_000))) {
    return no("Play's speed must be a whole number of updates per frame, or as fast as it can.");
  }
  return ok(t);
}

/** Why `loss` refuses the output activation `f`, when it needs `needed`.
 * @param {string} loss @param {string} needed @param {string} f */
const needsOutput = (loss, needed, f) => (loss === "cross_entropy"
  ? "Cross entropy reads the output as a probability, so it needs a "
  : `The ${loss.replace(/_/g, " ")} loss needs a `) +
  `${needed.replace("_", " ")} output, not ${f.replace("_", " ")}: choose the ` +
  `${needed.replace("_", " ")} output first, or keep the squared loss.`;

/**
 * A change of the loss or the output activation, checked against the other one in force: a
 * loss that needs one output activation (from /api/options: cross entropy needs a sigmoid)
 * is refused with another (the server refuses it too; said here first, without a refused
 * call). @param {{loss?:string, output_activation?:string}} changes
 * @param {{loss:string, output_activation:string, layers?:number[]}} network the settings in
 *   force (and its layers: softmax needs 2 or more outputs)
 * @param {{name:string, requires_output_activation?:string|null,
 *          target_range?:number[]|null, target_sum?:number|null}[]} losses /api/options' losses
 * @param {[string, number][]} [targets] every target in effect, and where it is (a loss that
 *   bounds its targets refuses one outside; one whose targets add up to 1 refuses a sample,
 *   the targets of one place, that does not)
 * @param {{name:string, output_only?:boolean}[]} [activations] /api/options' activations
 *   (an output-only one and its loss come together: pairOutputOnly)
 */
export function checkLossAndOutput(changes, network, losses, targets = [], activations = []) {
  changes = pairOutputOnly(changes, network, losses, activations);
  const loss = changes.loss ?? network.loss;
  const output = changes.output_activation ?? network.output_activation;
  const info = losses.find((l) => l.name === loss);
  const needed = info?.requires_output_activation;
  if (needed && output !== needed) return no(needsOutput(loss, needed, output));
  const layers = network.layers;
  if (layers && activations.find((a) => a.name === output)?.output_only
      && layers[layers.length - 1] < 2) {
    return no(`${output} needs 2 or more output nodes (on one node it always gives 1): make ` +
              `the output layer 2 or more nodes first, e.g. ${layers[0]}-4-3; the settings ` +
              "stay as they were.");
  }
  const total = info?.target_sum;
  if (total != null && loss !== network.loss) {
    /** @type {Map<string, number>} each sample's sum of targets, by where it is */
    const sums = new Map();
    for (const [where, t] of targets) sums.set(where, (sums.get(where) ?? 0) + t);
    const off = [...sums].find(([, sum]) => !(Math.abs(sum - total) <= 1e-9));
    if (off) {
      return no(`With ${loss.replace(/_/g, " ")} the targets of each sample are a probability ` +
                `for each class and add up to ${total}, such as 1, 0, 0: ${off[0]} has ` +
                `targets adding up to ${Number(off[1].toPrecision(12))}, so the settings stay ` +
                "as they were. Type such a target first.");
    }
  }
  // Checked here, before anything is sent: the server would refuse it (a 422 the browser
  // logs as a failed load), and the page would say the same.
  const range = info?.target_range;
  if (range && changes.loss !== undefined) {
    const outside = targets.find(([, t]) => t < range[0] || t > range[1]);
    if (outside) {
      return no(`With ${loss.replace("_", " ")} a target is a probability between ${range[0]} ` +
                `and ${range[1]}: ${outside[0]} has ${outside[1]}, so the loss stays ` +
                `${network.loss.replace("_", " ")}.`);
    }
  }
  return ok(changes);
}

/**
 * Targets that must add up to 1 (categorical cross entropy), typed one field at a time: the
 * field just typed is kept and the others are scaled to make up the rest (spread evenly if
 * they were all 0), so that typing 1 into class 2's field of (1, 0, 0) gives (0, 1, 0)
 * instead of a refusal at every keystroke. Targets of any other length, or more than one
 * changed, or one outside [0, 1], come back as typed (checkSample says what is wrong).
 * @param {number[]} before the targets in effect @param {number[]} typed
 * @returns {number[]}
 */
export function completeProbabilities(before, typed) {
  if (before.length !== typed.length || typed.length < 2) return typed;
  const changed = typed.flatMap((t, k) => (t !== before[k] ? [k] : []));
  if (changed.length !== 1) return typed;
  const k = changed[0];
  const t = typed[k];
  if (!(t >= 0 && t <= 1)) return typed;
  const rest = typed.reduce((s, v, m) => (m === k ? s : s + v), 0);
  const others = typed.length - 1;
  return typed.map((v, m) => (m === k ? t : rest > 0 ? (v * (1 - t)) / rest : (1 - t) / others));
}

/**
 * An output-only activation (softmax) and the one loss defined for it (categorical cross
 * entropy) go together: choosing either brings the other, and leaving either leaves the
 * other (for sigmoid and the squared loss, the defaults), so that a learner is never stuck
 * between two settings each refused without the other.
 * @param {{loss?:string, output_activation?:string}} changes
 * @param {{loss:string, output_activation:string}} network
 * @param {{name:string, requires_output_activation?:string|null}[]} losses
 * @param {{name:string, output_only?:boolean}[]} activations
 */
export function pairOutputOnly(changes, network, losses, activations) {
  const outputOnly = (name) => activations.find((a) => a.name === name)?.output_only === true;
  const lossFor = (output) => losses.find((l) => l.requires_output_activation === output)?.name;
  const requires = (loss) => losses.find((l) => l.name === loss)?.requires_output_activation;
  const loss = changes.loss ?? network.loss;
  const output = changes.output_activation ?? network.output_activation;
  if (outputOnly(output) && requires(loss) !== output) {
    // softmax chosen: its loss comes with it; its loss left: sigmoid replaces softmax
    return changes.loss !== undefined && changes.output_activation === undefined
      ? { ...changes, output_activation: requires(loss) ?? "sigmoid" }
      : { ...changes, loss: lossFor(output) ?? loss };
  }
  const needed = requires(loss);
  if (needed && outputOnly(needed) && output !== needed) {
    // categorical cross entropy chosen: softmax comes with it; softmax left: squared error
    return changes.output_activation !== undefined && changes.loss === undefined
      ? { ...changes, loss: "squared" }
      : { ...changes, output_activation: needed };
  }
  return changes;
}

/**
 * A lesson's words as the editor holds them: a title, the text, at most so many steps of at
 * most so many characters each. @param {{title:string, text:string, steps:string[]}} form
 * @param {Limits} limits @returns {Checked}
 */
export function checkLesson(form, limits) {
  const { max_lesson_title: title = 120, max_lesson_text: text = 4000,
          max_lesson_steps: steps = 12, max_lesson_step: step = 300 } = limits;
  if (!form.title.trim()) return no("Give the lesson a title: the learner sees it first.");
  if (form.title.length > title) {
    return no(`The title can have at most ${title} characters; it has ${form.title.length}.`);
  }
  if (form.text.length > text) {
    return no(`The text can have at most ${text} characters; it has ${form.text.length}.`);
  }
  if (form.steps.length > steps) {
    return no(`A lesson can have at most ${steps} steps (one a line); this one has ` +
              `${form.steps.length}.`);
  }
  const long = form.steps.findIndex((s) => s.length > step);
  if (long >= 0) {
    return no(`Step ${long + 1} has ${form.steps[long].length} characters; a step can have ` +
              `at most ${step}.`);
  }
  return ok(form);
}

/**
 * A server's refusal in plain words: its own `detail`, with Pydantic's phrasing of limits
 * turned into sentences. @param {string} detail @returns {string}
 */
export function plainWords(detail) {
  return String(detail)
    .replace(/^(input|target)\[(\d+)\]: Input should be a valid number.*$/,
             (_, f, i) => `The ${f}'s value ${Number(i) + 1} must be a number.`)
    .replace(/^(input|target): List should have at least 1 item after validation, not 0$/,
             (_, f) => `The ${f} is empty: give it one number per ${f === "input" ? "input" : "output"} node.`)
    .replace(/^(?:loss|output_activation): the (\w+) loss needs a (\w+) output activation, not (\w+)$/,
             (_, loss, needed, f) => needsOutput(loss, needed, f))
    .replace(/layers\[\d+\]: Input should be less than or equal to (\d+)/g,
             (_, n) => `a layer can have at most ${n} nodes`)
    .replace(/layers\[\d+\]: Input should be greater than or equal to (\d+)/g,
             (_, n) => `a layer needs at least ${n} node${n === "1" ? "" : "s"}`)
    .replace(/(\w+): Input should be less than or equal to ([\d.e+]+)/g,
             (_, f, n) => `${f.replace(/_/g, " ")} can be at most ${n}`)
    .replace(/(\w+): Input should be greater than or equal to ([\d.e+-]+)/g,
             (_, f, n) => `${f.replace(/_/g, " ")} must be at least ${n}`)
    .replace(/(\w+): List should have at most (\d+) items? after validation, not (\d+)/g,
             (_, f, n, m) => `${f.replace(/_/g, " ")} can have at most ${n} (not ${m})`)
    .replace(/steps\[(\d+)\]: String should have at most (\d+) characters?/g,
             (_, i, n) => `step ${Number(i) + 1} can have at most ${n} characters`)
    .replace(/(\w+): String should have at most (\d+) characters?/g,
             (_, f, n) => `${f.replace(/_/g, " ")} can have at most ${n} characters`)
    .replace(/(\w+): Input should be greater than ([\d.e+-]+)/g,
             (_, f, n) => `${f.replace(/_/g, " ")} must be above ${n}`);
}

/** A message as a sentence: its first letter a capital. @param {string} text */
export const sentence = (text) => text.charAt(0).toUpperCase() + text.slice(1);
