/**
 * The page's whole configuration in the address bar, serialized from one declarative table of
 * settings (as TensorFlow Playground's State.PROPS), built from /api/options: each setting
 * names its section, its key and how a value is checked. A link reproduces the network
 * exactly (weights included); numbers go through JSON, whose shortest round-trip form keeps
 * every float64.
 */

import { isOwnData } from "../explain/own-data.js";
import { LINK } from "../lib/config.js";
import { layerTooWide, widest } from "../lib/limits.js";

const VERSION = 1;

/**
 * @typedef {{section:"network"|"dataset"|"training"|"sample"|"view", key:string,
 *            check:(v:any)=>boolean, describe:string}} Prop
 */

const isNumber = (v) => typeof v === "number" && Number.isFinite(v);
const isIndex = (v) => Number.isInteger(v) && v >= 0 && v < 64;
/** A parameter of the landscape: a weight {kind, k, i, j} or a bias {kind, k, j}. */
const isParameter = (p) => p && typeof p === "object" && (p.kind === "weight"
  ? isIndex(p.k) && isIndex(p.i) && isIndex(p.j) && Object.keys(p).length === 4
  : p.kind === "bias" && isIndex(p.k) && isIndex(p.j) && Object.keys(p).length === 3);
const isLandscape = (v) => v && typeof v === "object" && isParameter(v.a) && isParameter(v.b)
  && ["sample", "train"].includes(v.over) && Object.keys(v).length === 3;
const isInt = (lo, hi) => (v) => Number.isInteger(v) && v >= lo && v <= hi;
const nested = (depth) => (v) => (depth === 0 ? isNumber(v)
  : Array.isArray(v) && v.every(nested(depth - 1)));
const isSlot = (v) => v === null || (v && typeof v === "object" && nested(3)(v.weights)
  && nested(2)(v.biases) && Object.keys(v).length === 2);
/** An optimizer's state as the server answers it: t, and v, m and s (each null or numbers). */
const isOptimizerState = (v) => v && typeof v === "object" && Number.isInteger(v.t) && v.t >= 0
  && Object.keys(v).every((k) => ["t", "v", "m", "s"].includes(k))
  && ["v", "m", "s"].every((k) => v[k] === undefined || isSlot(v[k]));

/**
 * The table of every setting a link carries, from the server's options.
 * @param {{activations:{name:string}[], losses:{name:string}[], datasets:{name:string}[],
 *          initializations?:{name:string}[], optimizers?:{name:string}[],
 *          features?:{name:string}[],
 *          limits: import("../actions/validate.js").Limits & {max_step?:number}}} options
 * @returns {Prop[]}
 */
export function settingsTable(options) {
  const lim = options.limits;
  const oneOf = (names) => (v) => names.includes(v);
  const activations = options.activations.map((a) => a.name);
  const inits = (options.initializations ?? []).map((i) => i.name);
  const optimizers = (options.optimizers ?? []).map((o) => o.name);
  const features = (options.features ?? []).map((f) => f.name);
  const decay = (v) => isNumber(v) && v >= 0 && v < 1;
  const range = (lo, hi, openLow = false) => (v) => isNumber(v) && (openLow ? v > lo : v >= lo) && v <= hi;
  /** @type {[any, string, (v:any)=>boolean, string][]} */
  const rows = [
    ["network", "layers", (v) => Array.isArray(v) && v.length >= lim.min_layers
      && v.length <= lim.max_layers && v.every(isInt(lim.min_nodes, Infinity))
      && !layerTooWide(v, lim),
     `${lim.min_layers} to ${lim.max_layers} layers of at least ${lim.min_nodes} node (the ` +
     `input layer up to ${widest(lim).input}, a hidden layer up to ${widest(lim).hidden}, the ` +
     `output layer up to ${widest(lim).output})`],
    ["network", "features", (v) => Array.isArray(v) && v.every(oneOf(features))
      && new Set(v).size === v.length, `derived inputs among ${features.join(", ")}`],
    ["network", "activation", oneOf(activations), `one of ${activations.join(", ")}`],
    ["network", "output_activation", oneOf(activations), `one of ${activations.join(", ")}`],
    ["network", "loss", oneOf(options.losses.map((l) => l.name)), "a known loss"],
    ["network", "learning_rate", range(0, lim.max_learning_rate, true),
     `above 0 and at most ${lim.max_learning_rate}`],
    ["network", "seed", isInt(0, lim.max_seed), "a whole number"],
    ["network", "init", oneOf(inits), `one of ${inits.join(", ")}`],
    ["network", "weights", nested(3), "numbers"],
    ["network", "biases", nested(2), "numbers"],
    ["network", "current_weights", nested(3), "numbers"],
    ["network", "current_biases", nested(2), "numbers"],
    ["network", "step", isInt(0, lim.max_step ?? 1e12), "a whole number"],
    ["network", "l2", range(0, lim.max_l2 ?? 1), "between 0 and 1"],
    ["network", "l1", range(0, lim.max_l1 ?? 1), `between 0 and ${lim.max_l1 ?? 1}`],
    ["network", "optimizer", oneOf(optimizers), `one of ${optimizers.join(", ")}`],
    ["network", "momentum", decay, "at least 0 and below 1"],
    ["network", "beta1", decay, "at least 0 and below 1"],
    ["network", "beta2", decay, "at least 0 and below 1"],
    ["network", "epsilon", range(lim.min_epsilon ?? 1e-12, lim.max_epsilon ?? 1),
     `between ${lim.min_epsilon ?? 1e-12} and ${lim.max_epsilon ?? 1}`],
    ["network", "optimizer_state", isOptimizerState, "an optimizer's state (t, v, m, s)"],
    ["network", "samples_trained", isInt(0, Number.MAX_SAFE_INTEGER), "a whole number"],
    ["dataset", "name", oneOf(options.datasets.map((d) => d.name)), "a built-in dataset"],
    ["dataset", "size", isInt(1, lim.max_dataset_size ?? 10_000), "a number of points"],
    ["dataset", "noise", range(0, lim.max_noise ?? 1), "between 0 and 1"],
    ["dataset", "seed", isInt(0, lim.max_seed), "a whole number"],
    ["dataset", "test_fraction", range(0, lim.max_test_fraction ?? 0.9), "a share"],
    ["dataset", "points", (v) => Array.isArray(v) && v.length > 0 && v.every((p) =>
      p && nested(1)(p.input) && nested(1)(p.target)), "points with an input and a target"],
    ["dataset", "about", isOwnData, "the columns and classes of your own data"],
    ["dataset", "left_out", isInt(1, 1e6), "a number of points"],
    ["sample", "input", nested(1), "numbers"],
    ["sample", "target", nested(1), "numbers"],
    ["training", "batch_size", (v) => v === null || isInt(1, lim.max_dataset_size ?? 10_000)(v),
     "a whole number or null"],
    ["training", "steps_per_frame",
     (v) => v === null || isInt(1, lim.max_steps_per_call ?? 10_000)(v),
     "a whole number of updates per frame or null"],
    ["training", "l2", range(0, lim.max_l2 ?? 1), "between 0 and 1"],  // links of before λ
                                                                        // was the network's
    ["view", "landscape", (v) => isLandscape(v), "two parameters and what E is over"],
    ["view", "step_on", oneOf(["sample", "batch"]), "sample or batch"],
    ["view", "speed", range(0.25, 4), "between 0.25 and 4"],
    ["view", "show_test", (v) => typeof v === "boolean", "true or false"],
    ["view", "discretize", (v) => typeof v === "boolean", "true or false"],
  ];
  return rows.map(([section, key, check, describe]) => ({ section, key, check, describe }));
}

/** @typedef {{network?:object, dataset?:object|null, training?:object, sample?:any,
 *             view?:{landscape?:object, step_on?:string, speed?:number,
 *                    show_test?:boolean, discretize?:boolean}}} LinkState */

/**
 * @param {Prop[]} table @param {LinkState} state @returns {string} "#s=<base64url of JSON>"
 */
export function encodeHash(table, state) {
  /** @type {Record<string, any>} */
  const out = { v: VERSION };
  for (const { section, key } of table) {
    const part = state[section];
    if (part === null && section === "dataset") out.dataset = null;
    if (part && part[key] !== undefined) (out[section] ??= {})[key] = part[key];
  }
  const bytes = new TextEncoder().encode(JSON.stringify(out));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `#s=${btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

/**
 * The state a link describes; what it holds that the table refuses is left out and named in
 * `problems`, so that the page can start from the rest and say what was wrong.
 * @param {Prop[]} table @param {string} hash
 * @returns {{state: LinkState|null, problems: string[]}}
 */
export function decodeHash(table, hash) {
  const match = /^#s=([A-Za-z0-9_-]+)$/.exec(hash);
  if (!match) return { state: null, problems: hash && hash !== "#" ? ["it is not a link of this page"] : [] };
  let raw;
  try {
    const base64 = match[1].replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    raw = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    return { state: null, problems: ["it is cut short or garbled"] };
  }
  if (!raw || typeof raw !== "object") return { state: null, problems: ["it holds no settings"] };
  if (raw.v !== VERSION) return { state: null, problems: [`it was made by another version (${raw.v})`] };
  /** @type {Record<string, any>} */
  const state = {};
  const problems = [];
  if (raw.dataset === null) state.dataset = null;
  for (const { section, key, check, describe } of table) {
    const value = raw[section]?.[key];
    if (value === undefined) continue;
    if (check(value)) (state[section] ??= {})[key] = value;
    else problems.push(`${section === "network" ? "" : `${section} `}${key.replace(/_/g, " ")} ` +
                       `must be ${describe}`);
  }
  return { state, problems };
}

/**
 * The update's settings of a network: L1 and the optimizer with its constants (not its
 * state); none for a network of before the optimizers.
 * @param {import("../server/api.js").NetworkState} n
 */
export const ruleOf = (n) => (n.optimizer ? { l1: n.l1 ?? 0, optimizer: n.optimizer,
                                              momentum: n.momentum, beta1: n.beta1,
                                              beta2: n.beta2, epsilon: n.epsilon } : {});

/**
 * The full description of the network as it stands, to re-create or share it.
 * @param {import("./store.js").State} s
 */
export function describe(s) {
  const n = s.network;
  return {
    layers: n.layers, ...(n.features?.length ? { features: n.features } : {}),
    activation: n.activation, output_activation: n.output_activation, loss: n.loss, learning_rate: n.learning_rate, l2: n.l2 ?? 0, seed: n.seed, init: s.init,
    weights: s.initial.weights, biases: s.initial.biases,
    current_weights: n.weights, current_biases: n.biases, step: n.step,
    ...ruleOf(n),
    // what momentum's or Adam's next update starts from (plain descent keeps nothing)
    ...(n.optimizer && n.optimizer !== "sgd" && n.optimizer_state
      ? { optimizer_state: n.optimizer_state } : {}),
  };
}

/**
 * How to ask the server for the dataset again: a built-in one by its spec, own points as
 * they are. @param {import("./store.js").State} s
 */
export function datasetSpec(s) {
  const data = s.dataset;
  if (!data) return null;
  if (data.name) return s.datasetSpec;
  const points = [...data.train, ...data.test];
  if (!points.length) return null;
  // The controls' size, noise and seed go along (what the page shows, and what a built-in
  // dataset chosen next would be drawn with); the server keeps the points as they are.
  const shown = s.datasetSpec ? { size: s.datasetSpec.size, noise: s.datasetSpec.noise,
                                  seed: s.datasetSpec.seed } : {};
  return { points, test_fraction: data.test.length / points.length, ...shown,
           ...(s.ownData ? { about: s.ownData } : {}) };
}

/**
 * Whether a link keeps the learner's own points: while they take at most LINK.maxPointsChars
 * characters of JSON (a link of about 4/3 as many); beyond, the link leaves them out and says
 * how many (an exported network, a lesson and "Data as CSV" keep them all).
 * @param {import("./store.js").State} s
 * @returns {{keeps:boolean, points:number, chars:number}} points: own points (0 for a
 *   built-in dataset), chars: their JSON's length
 */
export const linkKeepsPoints = (s) => pointsFit(s.dataset);

/** @type {{dataset:any, answer:any}} the last dataset measured, and its answer */
const measured = { dataset: undefined, answer: null };
function pointsFit(data) {
  if (data === measured.dataset) return measured.answer;
  const points = data && !data.name ? data.train.length + data.test.length : 0;
  const chars = points ? JSON.stringify(data.train).length + JSON.stringify(data.test).length : 0;
  const answer = { keeps: chars <= LINK.maxPointsChars, points, chars };
  measured.dataset = data;
  measured.answer = answer;
  return answer;
}

/** Everything that makes this view: network, dataset, training settings, sample. For the
 * address bar (`forLink`), own points too many for a link are left out (see linkKeepsPoints).
 * @param {import("./store.js").State} s @param {boolean} [forLink] @returns {LinkState} */
export function linkState(s, forLink = false) {
  const fit = forLink ? linkKeepsPoints(s) : { keeps: true, points: 0 };
  const dataset = !fit.keeps
    ? { left_out: fit.points, ...(s.ownData ? { about: s.ownData } : {}) } : datasetSpec(s);
  return { network: { ...describe(s), samples_trained: s.samplesTrained },
           dataset, training: s.training, sample: s.sample,
           view: { ...(s.landscape ? { landscape: s.landscape } : {}), step_on: s.stepOn,
                   speed: s.speed, show_test: s.plotView.showTest,
                   discretize: s.plotView.discretize } };
}

/** Whether a landscape's two parameters exist in a network of `layers`.
 * @param {{a:any, b:any}} choice @param {number[]} layers */
export function landscapeFits(choice, layers) {
  const exists = (p) => p.k < layers.length - 1 && p.j < layers[p.k + 1]
    && (p.kind === "bias" || p.i < layers[p.k]);
  return exists(choice.a) && exists(choice.b);
}
