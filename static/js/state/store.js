/**
 * The one store of the page's state. It changes only through named actions, computed by the
 * pure `reduce`; views subscribe and render from it, and controls send their changes into it
 * (TodoMVC's Store → View → Controller; nothing is read back from the DOM).
 */
import { PLAY, TIMING } from "../lib/config.js";
import { applyFetch, atLiveStep, createStepper, moveTo, replaceLive } from "./stepper.js";
import { rawInputs } from "../explain/features.js";

/**
 * @typedef {import("../server/api.js").NetworkState} NetworkState
 * @typedef {import("../server/api.js").Update} Update
 * @typedef {{input:number[], target:number[]}} Sample
 * @typedef {{name:string, size:number, noise:number, seed:number, test_fraction:number}} DatasetSpec
 * @typedef {{batch_size:number|null, steps_per_frame?:number|null}} TrainingSettings  (λ is the network's own: network.l2)
 * @typedef {{step:number, train:number, test:number|null}} LossPoint
 * @typedef {{kind:"forward"|"backward"|"update", layer:number|null, t:number}} Animation
 *   a phase under way: values travelling into `layer` (forward), gradients travelling back
 *   from layer + 1 into `layer` (backward), or the weights moving (update); t from 0 to 1
 * @typedef {{check:any, networkId:string, weightsKey:string}} GradientCheck
 *   the last gradient check, and the network and weights it was of
 * @typedef {{grid:any, path:number[][], pairKey:string}|null} LandscapeGrid
 *   the server's E over the grid, and the path of (a, b) the updates took, while the pair
 *   stays the same
 * @typedef {{
 *   ready: boolean, pending: number, actionsDone: number, busy: boolean,
 *   network: NetworkState|null, initial: {weights:number[][][], biases:number[][]}|null,
 *   init: string,
 *   dataset: import("../server/api.js").Dataset|null, datasetSpec: DatasetSpec|null,
 *   training: TrainingSettings, samplesTrained: number, epoch: number, losses: LossPoint[],
 *   sample: Sample, sampleIndex: number, stepper: import("./stepper.js").Stepper,
 *   selection: import("../views/network-view.js").Selection|null,
 *   plotted: {layer:number, node:number}|null,
 *   func: import("../server/api.js").FunctionOut|null, playing: boolean,
 *   fit: import("../server/api.js").Fit|null,
 *   transport: "websocket"|"http"|null, speed: number, animation: Animation|null,
 *   plotView: {showTest: boolean, discretize: boolean},
 *   status: string, statusKind: "error"|"note",
 *   gradientSizes: number[]|null, stepOn: "sample"|"batch", batchStart: number,
 *   pictures: {inputs:number, values:any[][]}|null, hovered: {layer:number, node:number}|null,
 *   landscape: {a:object, b:object, over:"sample"|"train"}|null,
 *   landscapeGrid: LandscapeGrid, landscapeNote: string,
 *   gradcheck: GradientCheck|null,
 *   sizes: Record<string, {width:number, height:number}>,
 *   predict: Predict,
 *   lesson: (import("../server/api.js").Lesson & {showAll:boolean})|null,
 *   lessonMade: {id?:string, url?:string, token?:string, error?:string, deleted?:string,
 *                confirming?:boolean}|null,
 *   compare: Compare|null,
 *   ownData: import("../explain/own-data.js").OwnData|null,
 *   csv: CsvDialog,
 * }} State
 * @typedef {{preview: import("../explain/own-data.js").CsvOut|null, text: string|null,
 *            error: string, imported: number}} CsvDialog
 *   the CSV dialog: what the server read of the file (null: nothing yet), the text a file
 *   brought (null: as typed), why the file or the choice was refused, and how many imports
 *   were made (each closes the dialog)
 * @typedef {{network: NetworkState, setting: string, value: any, batch_size: number|null,
 *            losses: LossPoint[], mainLosses: LossPoint[], func: any, samplesTrained: number,
 *            label: string, mainLabel: string, startSteps: number[]}} Compare
 *   a second network, from the first's weights, differing in one setting; both train in
 *   lockstep, their losses since the comparison began kept side by side
 * @typedef {{on: boolean, quiz: Quiz|null, score: {right:number, asked:number},
 *            revealed: import("./stepper.js").Cursor|null}} Predict
 *   predict-then-reveal: whether it is on, the question asked, the learner's score this
 *   visit, and the furthest phase of the live step already shown (asked about, or not)
 * @typedef {{question: import("../explain/quiz.js").Question,
 *            from: import("./stepper.js").Cursor|null,
 *            answer: string|null, verdict: import("../explain/quiz.js").Verdict|null,
 *            refused?: string}} Quiz
 *   a question on the phase the stepper is at, whose numbers stay hidden (the drawing stays
 *   at `from`) until it is answered
 */


const SAMPLE_INPUTS = [0.5, -0.3, 0.8, -0.6, 0.2, -0.9, 0.4, -0.1];

/** A sample that fits `layers`: the classic 0.8 → 0.2 for one input and one output; inputs
 * that differ from each other (so that each input's weights, and each feature derived from
 * them, get numbers of their own); for a softmax output, whose targets are a probability
 * vector, the first class (1, 0, …). `raw`:
 * the raw inputs a sample holds (fewer than layers[0] when features are derived from them). */
export function defaultSample(layers, outputActivation = "", raw = layers[0]) {
  if (raw === 1 && layers[layers.length - 1] === 1) return { input: [0.8], target: [0.2] };
  const outputs = layers[layers.length - 1];
  const target = outputActivation === "softmax"
    ? Array.from({ length: outputs }, (_, k) => (k === 0 ? 1 : 0)) : Array(outputs).fill(0.5);
  // wider than the sample inputs (an image of 64 pixels): blank, until a point of the data
  // is taken (network-setup.js takes the first image)
  return { input: raw > SAMPLE_INPUTS.length ? Array(raw).fill(0) : SAMPLE_INPUTS.slice(0, raw),
           target };
}

/** The last layer's first weight across, the output's bias up: both move E directly. */
export function defaultLandscape(layers) {
  const k = layers.length - 2;
  return { a: { kind: "weight", k, i: 0, j: 0 }, b: { kind: "bias", k, j: 0 }, over: "sample" };
}

/** @param {TrainingSettings} training @returns {State} */
export function initialState(training) {
  return {
    ready: false, pending: 0, actionsDone: 0, busy: false,
    network: null, initial: null, init: "glorot_uniform", dataset: null, datasetSpec: null,
    training,
    samplesTrained: 0, epoch: 0, losses: [], sample: { input: [], target: [] }, sampleIndex: -1,
    stepper: createStepper(2), selection: null, plotted: null, func: null, fit: null, playing: false,
    transport: null, speed: 1, animation: null,
    plotView: { showTest: true, discretize: false },
    status: "", statusKind: "error", gradientSizes: null, stepOn: "sample", batchStart: 0, pictures: null,
    hovered: null, landscape: null, landscapeGrid: null, landscapeNote: "", gradcheck: null,
    sizes: {}, predict: { on: false, quiz: null, score: { right: 0, asked: 0 }, revealed: null },
    lesson: null, lessonMade: null, compare: null, ownData: null,
    csv: { preview: null, text: null, error: "", imported: 0 },
  };
}

/** The network's settings a trace was computed with. @param {NetworkState} n */
export const settingsOf = (n) => ({ activation: n.activation,
                                    output_activation: n.output_activation, loss: n.loss });

/** @param {State} s @param {Update} u @returns {NetworkState} */
const merged = (s, u) => /** @type {NetworkState} */ ({ ...s.network, ...u.network });

/** @param {LossPoint[]} points @param {LossPoint} p */
function addLoss(points, p) {
  const out = [...points, p];
  return out.length > PLAY.maxChartPoints ? out.filter((_, n) => n % 2 === 0 || n === out.length - 1)
    : out;
}

/** The live step's pending pass (not yet updated), if any. @param {State} s */
export function livePass(s) {
  const live = s.stepper.records[s.stepper.records.length - 1];
  return live && live.trace.phase !== "update" ? live.trace : null;
}

/**
 * What the next forward pass runs on: the sample in effect, or (stepping through a
 * mini-batch) the next points of the training data, as many as the training batch size.
 * @param {State} s @param {number} maxBatch the most points one pass takes
 * @returns {Sample | {samples: Sample[]}}
 */
export function passBody(s, maxBatch) {
  const points = s.dataset?.train ?? [];
  if (s.stepOn !== "batch") return s.sample;
  if (!points.length) {
    throw new Error("There is no training data to take a mini-batch from: choose a dataset or add points.");
  }
  const size = Math.min(s.training.batch_size ?? points.length, maxBatch, points.length);
  const samples = Array.from({ length: size }, (_, n) => points[(s.batchStart + n) % points.length]);
  return size === 1 ? samples[0] : { samples };
}

/** What tells one dataset from another (the same spec and sizes: the same points, as when
 * a forgotten network gets its dataset again). @param {any} d */
function dataSignature(d) {
  return d ? [d.name, d.size, d.noise, d.seed, d.test_fraction, d.train.length,
              d.test.length].join("|") : "";
}

/** Whether two datasets of one signature hold the same points (a built-in one is drawn
 * from its spec). @param {any} a @param {any} b */
function samePoints(a, b) {
  if (!a || !b || a.name !== null) return a === b || Boolean(a && b);
  const same = (p, q) => p.length === q.length && p.every((x, n) =>
    x.input.every((v, i) => v === q[n].input[i]) && x.target.every((v, i) => v === q[n].target[i]));
  return same(a.train, b.train) && same(a.test, b.test);
}

/**
 * Every change of state, by name. Pure: returns a new state, changes nothing.
 * @param {State} s @param {string} action @param {any} [p] @returns {State}
 */
export function reduce(s, action, p) {
  switch (action) {
    case "created": {  // p: {update, initial, samplesTrained, sample}
      const network = /** @type {NetworkState} */ (p.update.network);
      return { ...s, network, initial: p.initial, init: p.init ?? "glorot_uniform",
               dataset: null, compare: null,
               stepper: createStepper(network.layers.length), selection: null, plotted: null,
               samplesTrained: p.samplesTrained ?? 0, epoch: 0, losses: [], func: null,
               fit: null, gradientSizes: null,
               sample: p.sample ?? defaultSample(network.layers, network.output_activation,
                                                 rawInputs(network)), sampleIndex: -1,
               landscape: p.landscape ?? defaultLandscape(network.layers),
               landscapeGrid: null, landscapeNote: "", animation: null,
               predict: { ...s.predict, quiz: null, revealed: null } };
    }
    case "recovered":  // p: Update of the re-created network (a new id)
      return { ...s, network: merged(s, p) };
    case "fetched": {  // p: {plan, update}: the pass a step-mode call answered
      const network = merged(s, p.update);
      return { ...s, network, stepper: applyFetch(s.stepper, p.plan, p.update.trace,
                                                   settingsOf(network), TIMING.historyLimit) };
    }
    case "moved":  // p: a cursor in the history
      return { ...s, stepper: moveTo(s.stepper, p) };
    case "recomputed": {  // p: Update after a change of settings, sample or weights
      const network = merged(s, p);
      const pass = livePass(s);
      const same = p.trace && pass && p.trace.phase === pass.phase;
      return { ...s, network,
               stepper: same ? replaceLive(s.stepper, p.trace, settingsOf(network)) : s.stepper };
    }
    case "edited": {  // p: Update after the learner set a weight or a bias
      // After an update the server's pass is a new forward pass on the same sample, with
      // the new value: shown as the next step's forward pass, complete (so that the edit is
      // seen at once); before, as "recomputed".
      const live = s.stepper.records[s.stepper.records.length - 1];
      if (!(p.trace?.phase === "forward" && live?.trace.phase === "update"
            && atLiveStep(s.stepper))) return reduce(s, "recomputed", p);
      const network = merged(s, p);
      const error = s.stepper.phases.findIndex((phase) => phase.kind === "error");
      /** @type {import("./stepper.js").Plan} */
      const plan = { type: "fetch", call: "forward", newRecord: true,
                     cursor: { record: s.stepper.records.length, phase: error } };
      return { ...s, network, stepper: applyFetch(s.stepper, plan, p.trace, settingsOf(network),
                                                  TIMING.historyLimit) };
    }
    case "reset":  // p: Update of the reset network
      return { ...s, network: merged(s, p), stepper: createStepper(s.network.layers.length),
               samplesTrained: 0, epoch: 0, losses: [], gradientSizes: null, animation: null,
               predict: { ...s.predict, quiz: null, revealed: null } };
    case "trained": {  // p: Update of a training call
      const t = p.training;
      if (t.samples_trained < s.samplesTrained) return s;  // overtaken by a later answer
      return { ...s, network: merged(s, p), stepper: createStepper(s.network.layers.length),
               animation: null, predict: { ...s.predict, quiz: null, revealed: null },
               samplesTrained: t.samples_trained, epoch: t.epoch, func: p.func ?? s.func,
               gradientSizes: t.gradient_sizes ?? s.gradientSizes,
               pictures: t.functions ?? s.pictures,
               losses: addLoss(s.losses, { step: p.network.step, train: t.train_loss,
                                           test: t.test_loss }),
               fit: { step: p.network.step, train_loss: t.train_loss, test_loss: t.test_loss,
                      train_accuracy: t.train_accuracy ?? null,
                      test_accuracy: t.test_accuracy ?? null,
                      train_confusion: t.train_confusion ?? null,
                      test_confusion: t.test_confusion ?? null } };
    }
    case "selected": {  // p: a selection, or null; selecting the same again clears it
      const same = s.selection && p && JSON.stringify(s.selection) === JSON.stringify(p);
      const sel = same ? null : p;
      const L = s.network.layers.length;
      const hidden = sel?.type === "node" && sel.l > 0 && sel.l < L - 1;
      return { ...s, selection: sel, plotted: hidden ? { layer: sel.l, node: sel.j } : null };
    }
    case "step-on":  // p: "sample" or "batch"
      return { ...s, stepOn: p };
    case "batch-taken":  // p: the number of points the step-through's batch took
      return { ...s, batchStart: s.batchStart + p };
    case "sample":  // p: {sample, index?}
      return { ...s, sample: p.sample, sampleIndex: p.index ?? s.sampleIndex };
    case "training":  // p: TrainingSettings
      return { ...s, training: { ...s.training, ...p } };
    case "dataset": {  // p: Dataset or null
      const spec = p?.name ? { name: p.name, size: p.size, noise: p.noise, seed: p.seed,
                               test_fraction: p.test_fraction } : s.datasetSpec;
      // Other points: the losses measured on the old ones no longer say anything.
      const same = dataSignature(p) === dataSignature(s.dataset);
      // (the fit on the old points too: the server's on the new ones follows)
      return { ...s, dataset: p, datasetSpec: spec, losses: same ? s.losses : [],
               ownData: p && !p.name ? s.ownData : null,  // a built-in dataset: none
               fit: same && samePoints(p, s.dataset) ? s.fit : null,
               epoch: p && p.train.length ? s.samplesTrained / p.train.length : s.epoch };
    }
    case "own-data":  // p: the columns and classes of an imported file (OwnData), or null
      return { ...s, ownData: p };
    case "csv":  // p: part of the CSV dialog's state (CsvDialog)
      return { ...s, csv: { ...s.csv, ...p } };
    case "dataset-spec":  // p: what the dataset controls show (own points: from a link)
      return { ...s, datasetSpec: p };
    case "landscape":  // p: {a?, b?, over?}
      return { ...s, landscape: { ...s.landscape, ...p } };
    case "landscape-grid": {  // p: {grid, pairKey}: E over the grid; or {note}: none, and why
      if (!p.grid) return { ...s, landscapeGrid: null, landscapeNote: p.note ?? "" };
      const before = s.landscapeGrid?.pairKey === p.pairKey ? s.landscapeGrid.path : [];
      const path = [...before, [p.grid.current.a, p.grid.current.b]].slice(-400);
      return { ...s, landscapeGrid: { grid: p.grid, path, pairKey: p.pairKey }, landscapeNote: "" };
    }
    case "gradcheck":  // p: the API's gradient check, of the network as it stands now
      return { ...s, gradcheck: { check: p, networkId: s.network.id,
                                  weightsKey: checkedKey(s.network) } };
    case "predict":  // p: predict-then-reveal on or off (off: a question asked goes, its phase shown)
      return { ...s, predict: { ...s.predict, on: Boolean(p), quiz: null,
                                revealed: p ? s.stepper.cursor : null } };
    case "revealed":  // p: the cursor of a phase now shown (no question, or answered)
      return { ...s, predict: { ...s.predict, revealed: p } };
    case "quiz":  // p: {question, from}: asked before the phase's numbers are shown
      return { ...s, predict: { ...s.predict, quiz: { ...p, answer: null, verdict: null } } };
    case "quiz-answered": {  // p: {answer, verdict}
      const q = s.predict.quiz;
      if (!q || q.verdict) return s;
      const about = q.question.about;
      const selection = /** @type {State["selection"]} */ (about.type === "link"
        ? { type: "link", k: about.k, i: about.i, j: about.j }
        : about.type === "node" ? { type: "node", l: about.l, j: about.j } : null);
      const { right, asked } = s.predict.score;
      // the panel then explains what was asked: the node, the weight, or (no selection)
      // E before and after the update
      return { ...s, selection: about.type === "update" ? null : selection ?? s.selection,
               predict: { ...s.predict, quiz: { ...q, ...p },
                          revealed: s.stepper.cursor,
                          score: { right: right + (p.verdict.right ? 1 : 0), asked: asked + 1 } } };
    }
    case "quiz-refused": {  // p: why the answer typed is not graded (not a number)
      const q = s.predict.quiz;
      return q && !q.verdict ? { ...s, predict: { ...s.predict, quiz: { ...q, refused: p } } } : s;
    }
    case "quiz-closed":  // the question answered (or skipped) goes; its phase stays shown
      return { ...s, predict: { ...s.predict, quiz: null, revealed: s.stepper.cursor } };
    case "lesson":  // p: the lesson opened (its title, text, steps, what it hides)
      return { ...s, lesson: p ? { ...p, showAll: false } : null };
    case "lesson-show-all":
      return { ...s, lesson: s.lesson && { ...s.lesson, showAll: true } };
    case "compare-started":  // p: {network, setting, value, batch_size, label, mainLabel,
      // startSteps: [the first's step, the second's] when it began}
      return { ...s, compare: { ...p, losses: [], mainLosses: [], func: p.func ?? null,
                                samplesTrained: s.samplesTrained } };
    case "compare-trained": {  // p: {main: Update, other: Update} of one lockstep round
      if (!s.compare) return s;
      const c = s.compare;
      const [a, b] = [p.main, p.other];
      return { ...s, compare: { ...c,
        network: { ...c.network, ...b.network }, func: b.func ?? c.func,
        samplesTrained: b.training.samples_trained,
        losses: addLoss(c.losses, { step: b.network.step, train: b.training.train_loss,
                                    test: b.training.test_loss }),
        mainLosses: addLoss(c.mainLosses, { step: a.network.step, train: a.training.train_loss,
                                            test: a.training.test_loss }) } };
    }
    case "compare-stopped":
      return { ...s, compare: null };
    case "lesson-made":  // p: {id, url, token} of a lesson just kept, {error} when refused,
      // {deleted: url} once deleted, or null
      return { ...s, lessonMade: p };
    case "score-reset":
      return { ...s, predict: { ...s.predict, score: { right: 0, asked: 0 } } };
    case "animation":  // p: Animation, or null when the phase has arrived
      return { ...s, animation: p };
    case "speed":
      return { ...s, speed: p };
    case "plot-view":  // p: {showTest?, discretize?}: how the output plot draws
      return { ...s, plotView: { ...s.plotView, ...p } };
    case "transport":  // p: how Play trains now ("websocket", "http"), or null: stopped
      return { ...s, transport: p };
    case "pending":  // p: +1 an action queued, −1 one finished
      return { ...s, pending: s.pending + p, actionsDone: s.actionsDone + (p < 0 ? 1 : 0) };
    case "busy":
      return { ...s, busy: Boolean(p) };
    case "ready":
      return { ...s, ready: true };
    case "resized":  // p: {name, width, height}: an element's size, as laid out
      return { ...s, sizes: { ...s.sizes, [p.name]: { width: p.width, height: p.height } } };
    case "pictures":  // p: every node's output over the domain (GET /functions), or null
      return { ...s, pictures: p };
    case "hovered":  // p: {layer, node} of a node pointed at, or null
      return { ...s, hovered: p };
    case "function":  // p: FunctionOut or null
      return { ...s, func: p };
    case "fit":  // p: Fit (GET /fit), or null
      return { ...s, fit: p };
    case "playing":
      return { ...s, playing: Boolean(p) };
    case "status":  // p: what went wrong (or "": nothing to say)
      return { ...s, status: String(p ?? ""), statusKind: "error" };
    case "note":  // p: what the page did on its own, or what to do next: not an error
      return { ...s, status: String(p ?? ""), statusKind: "note" };
    default:
      throw new Error(`unknown action ${action}`);
  }
}

/**
 * The stepper as the page shows it: while a question waits for its answer, at the phase
 * before the one asked about (its numbers stay hidden). @param {State} s
 */
export function shownStepper(s) {
  const q = s.predict.quiz;
  return q && !q.verdict ? { ...s.stepper, cursor: q.from } : s.stepper;
}

/** What a gradient check depends on: the weights and settings it was run with.
 * @param {NetworkState} n */
export const checkedKey = (n) => JSON.stringify([n.step, n.weights, n.biases, n.activation,
                                                 n.output_activation, n.loss, n.l2]);

/** @param {State} state */
export function createStore(state) {
  let current = state;
  /** @type {((s: State, action: string) => void)[]} */
  const listeners = [];
  return {
    get state() { return current; },
    /** @param {string} action @param {any} [payload] */
    apply(action, payload) {
      current = reduce(current, action, payload);
      for (const listener of listeners) listener(current, action);
    },
    /** @param {(s: State, action: string) => void} listener */
    subscribe(listener) { listeners.push(listener); },
  };
}
