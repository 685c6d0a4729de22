/**
 * What the learner's keys and clicks do. Views send intents ({type, ...}) to `dispatch`; the
 * controller runs the action for each, one at a time: each runs after the previous one has
 * finished, its failure goes to the status line in plain words, and every answer goes into
 * the store, from which the views render (key or click → controller → action → api → store
 * → render). Touches no document: the entry module gives it the frame loop and the browser's
 * effects.
 */
import { TIMING } from "../lib/config.js";
import { fmt } from "../lib/format.js";
import { api, ApiError } from "../server/api.js";
import { datasetSpec, linkState, settingsTable } from "../state/link.js";
import { grade, readNumber } from "../explain/quiz.js";
import { rawInputs } from "../explain/features.js";
import { atLiveStep, currentRecord } from "../state/stepper.js";
import { livePass } from "../state/store.js";
import { createCompare } from "./compare.js";
import { createLandscape } from "./landscape.js";
import { createOwnData } from "./own-data.js";
import { createSetup } from "./network-setup.js";
import { createCall } from "./resilient-call.js";
import { createStepping } from "./stepping.js";
import { createTools } from "./tools.js";
import { createTraining } from "./training.js";
import {
  checkDatasetSpec, checkL1, checkL2, checkOptimizerConstant, checkLearningRate, checkLesson, checkLossAndOutput, checkPoint,
  checkSample, checkTraining, completeProbabilities, plainWords, sentence,
} from "./validate.js";

/**
 * @typedef {{type:"step", name:string} | {type:"play"} | {type:"settings", changes:object} |
 *   {type:"sample", sample:{input:number[], target:number[]}} | {type:"speed", speed:number} |
 *   {type:"draw", sample:{input:number[], target:number[]}} |
 *   {type:"reshape", change:import("./reshape.js").ShapeChange} | {type:"init", init:string} |
 *   {type:"features", names:string[]} |
 *   {type:"plot-view", change:{showTest?:boolean, discretize?:boolean}} |
 *   {type:"edit", value:number} | {type:"step-on", value:"sample"|"batch"} |
 *   {type:"dataset", spec:object} | {type:"training", settings:object} |
 *   {type:"gradcheck"} | {type:"copy-link"} | {type:"export"} | {type:"import", file:File} |
 *   {type:"export-trace", format:string} | {type:"export-python", flavour:"numpy"|"pytorch"} |
 *   {type:"export-data"} | {type:"rebuild", text:string} |
 *   {type:"next-sample"} | {type:"point", event:any} | {type:"select", selection:any} |
 *   {type:"hover", node:any} | {type:"landscape", change:object} |
 *   {type:"landscape-selected"} | {type:"landscape-preset", network:object, choice:object, lookFor:string} |
 *   {type:"resized", name:string, width:number, height:number} | {type:"open-link", hash:string} |
 *   {type:"predict", on:boolean} | {type:"quiz-answer", answer:string} | {type:"quiz-skip"} |
 *   {type:"score-reset"} | {type:"make-lesson", lesson:any} | {type:"delete-lesson"} | {type:"show-all"} |
 *   {type:"copy-text", text:string} | {type:"compare-start", setting:string, value:any} |
 *   {type:"compare-stop"} | {type:"compare-preset", name:string} |
 *   {type:"csv-read", text?:string, file?:File, header:boolean|null} |
 *   {type:"csv-import", text:string, header:boolean, standardize:boolean,
 *    choice:{inputs:number[], targets:number[], part:number|null,
 *            target_kind:"numbers"|"classes"}}}
 *   Intent
 */

/**
 * @param {{store: import("./resilient-call.js").Store, options: any,
 *          frames: ReturnType<typeof import("../lib/frame-loop.js").createFrameLoop>,
 *          effects: import("./tools.js").Effects}} ctx
 */
export function createController({ store, options, frames, effects }) {
  const limits = options.limits;
  const table = settingsTable(options);
  const call = createCall(store);
  const training = createTraining({ store, call, frames, maxSteps: limits.max_steps_per_call,
                                    framesAhead: limits.play_frames_ahead });
  const stepping = createStepping({ store, call, frames, maxBatch: limits.max_step_batch,
                                    onWeights: () => training.refreshFunction() });
  /** A comparison ends when the first network changes in any other way than training
   * beside the second (its settings, weights, data or shape): its labels and its lockstep
   * would no longer be true. @param {string} why */
  const endComparison = async (why) => {
    if (!store.state.compare) return;
    await compare.stop();
    store.apply("note", `The comparison stopped: ${why}. Press Compare (or a preset) to ` +
                        "compare again from here.");
  };
  const setup = createSetup({ store, training, options, table,
                              beforeNew: () => endComparison("a new first network") });
  const tools = createTools({ store, call, stepping, table, effects });
  const ownData = createOwnData({ store, setup, maxBytes: limits.max_body_bytes });
  const landscape = createLandscape({ store, call });
  const compare = createCompare({ store, training });

  let queue = Promise.resolve();
  // The progress cursor (state.busy) restyles every element, the cursor being inherited: it
  // shows only on an action still running after TIMING.busyCursorMs, so that a quick one (a
  // step, whose numbers are drawn within a few frames) is not held back by restyling the
  // page twice around its call for a cursor that would only flicker.
  let busyTimer = 0;

  // A message stays up until the learner's next action, unless that action came within
  // TIMING.sameGestureMs of it (the same gesture: a field's change on blur, then the click
  // that blurred it), which it survives once: the action after clears it, however soon.
  let statusAt = 0;
  let survived = false;
  let fade = 0;
  store.subscribe((s, action) => {
    if (action === "trained") landscape.refreshSoon();
    if ((action !== "status" && action !== "note") || !s.status) return;
    statusAt = Date.now();
    survived = false;
    // and it goes by itself once it has been read
    clearTimeout(fade);
    const shown = s.status;
    fade = setTimeout(() => {
      if (store.state.status === shown) store.apply("status", "");
    }, 10_000);
  });

  /** Runs `action` after those queued; then the loss landscape follows what it changed.
   * @param {() => Promise<unknown>|void} action */
  function run(action) {
    store.apply("pending", 1);
    const queuedAt = Date.now();
    queue = queue.then(async () => {
      busyTimer = setTimeout(() => store.apply("busy", true), TIMING.busyCursorMs);
      if (store.state.status) {
        if (queuedAt - statusAt > TIMING.sameGestureMs || survived) store.apply("status", "");
        else survived = true;
      }
      try {
        await action();
      } catch (e) {
        const message = e instanceof ApiError ? plainWords(e.message) : e.message;
        store.apply("status", sentence(message));
      } finally {
        await landscape.refresh().catch((e) => store.apply("status", e.message));
        clearTimeout(busyTimer);
        if (store.state.busy) store.apply("busy", false);
        store.apply("pending", -1);
      }
    });
    return queue;
  }

  /** @param {{ok:boolean, value?:any, message?:string}} checked */
  const valid = (checked) => {
    if (!checked.ok) throw new Error(checked.message);
    return checked.value;
  };

  /** Step-mode actions pause training first: both change the same weights. Those still
   * queued when Reset is pressed are dropped. `why`: what the note says when Play paused. */
  let resets = 0;
  const stepAction = (action, why = "stepping by hand changes the same weights") => {
    const queuedAt = resets;
    return async () => {
      if (queuedAt !== resets) return;
      await training.pauseSaying(`Play paused: ${why}. Press Play to train on.`);
      await action();
    };
  };
  const STEP = {
    next: () => stepping.next(),
    previous: async () => stepping.previous(),
    reset: async () => {
      await endComparison("the first network was reset");
      await stepping.reset();
      await training.refreshFunction();
    },
    forward: async () => {
      if (!await stepping.runUntil((p) => p.kind === "error")) {
        store.apply("note", "The forward pass of this step is complete: Backward (or Next) " +
                              "goes on from here.");
      }
    },
    backward: async () => {
      if (!await stepping.runUntil((p) => p.kind === "backward" && p.layer === 1)) {
        store.apply("note", "The backward pass of this step is complete: Update (or Next) " +
                              "applies it.");
      }
    },
    update: () => stepping.runUntil((p) => p.kind === "update"),
    step: async () => {
      const back = !atLiveStep(store.state.stepper);
      await stepping.wholeStep();
      const record = currentRecord(store.state.stepper);
      if (back && record && record.trace.phase === "update") {
        store.apply("note", `Step went forward through the history to the end of step ` +
          `${record.trace.step}, which was applied already: no update was applied now. At the ` +
          "newest step, Step applies one.");
      }
    },
  };

  /** @param {string} name */
  function step(name) {
    const quiz = store.state.predict.quiz;
    if (quiz && !quiz.verdict && name !== "reset") {
      if (name !== "previous") {
        store.apply("note", "Answer the question first (or press Skip): the numbers of this " +
                            "phase are shown once you have.");
        return queue;
      }
      // Previous goes back to where the drawing is, the question unanswered.
      store.apply("quiz-closed");
      store.apply("moved", quiz.from ?? { record: 0, phase: 0 });
      return queue;
    }
    if (quiz) store.apply("quiz-closed");  // answered: the next step goes on
    if (name === "reset") {  // at once, not after the running phase and those queued
      stepping.interrupt();
      resets += 1;
    }
    return run(stepAction(STEP[name], name === "reset"
      ? "Reset puts back the weights this network started with" : undefined));
  }

  /** Play cuts the step action under way short (its animation ends, it fetches no further
   * phase), drops the step actions queued behind it, and starts once that action has
   * stopped; Pause is at once. */
  function play() {
    if (store.state.playing) return training.pause();
    // Play trains past the pass a question is on: the question goes with it
    if (store.state.predict.quiz) store.apply("quiz-closed");
    stepping.interrupt();
    resets += 1;
    return run(() => training.play());
  }

  /** A setting changed while a step's animation runs is applied at once: the animation (and
   * the phases the step still had to run) end, and the pass shown is recomputed with it. (It
   * had waited behind the animation, 12 s at a quarter speed, while the control already
   * showed it.)
   * @param {{learning_rate?:number, l2?:number, l1?:number, optimizer?:string,
   *           momentum?:number, beta1?:number, beta2?:number, epsilon?:number,
   *           activation?:string, output_activation?:string, loss?:string}} changes */
  const settings = (changes) => {
    const cut = store.state.animation !== null;
    if (cut) stepping.interrupt();
    return applySettings(changes, cut);
  };
  const applySettings = (changes, cut) => run(async () => {
    await endComparison("the first network's settings changed");
    if (changes.learning_rate !== undefined) valid(checkLearningRate(changes.learning_rate, limits));
    if (changes.l2 !== undefined) valid(checkL2(changes.l2, limits));
    if (changes.l1 !== undefined) valid(checkL1(changes.l1, limits));
    for (const name of /** @type {const} */ (["momentum", "beta1", "beta2", "epsilon"])) {
      if (changes[name] !== undefined) valid(checkOptimizerConstant(name, changes[name], limits));
    }
    if (changes.optimizer !== undefined) knownOptimizer(changes.optimizer);
    const s = store.state;
    /** @type {[string, number][]} every target in effect, and where it is */
    const targets = [...s.sample.target.map((t) => /** @type {[string, number]} */ (["the sample", t])),
                     ...[...(s.dataset?.train ?? []), ...(s.dataset?.test ?? [])].flatMap(
                       (p, n) => p.target.map((t) => /** @type {[string, number]} */ ([`point ${n}`, t])))];
    // softmax and its loss come together: the changes may bring the other one
    changes = valid(checkLossAndOutput(changes, s.network, options.losses, targets,
                                       options.activations));
    training.expect(changes);
    try {
      await stepping.configure(changes);
    } finally {
      training.expect(null);
    }
    if (cut) {
      store.apply("note", "The animation was cut short to apply the new setting at once: the " +
                          "pass shown is recomputed with it. Press Next to go on.");
    } else if (changes.optimizer !== undefined) {
      store.apply("note", optimizerNote(changes.optimizer, store.state.network.learning_rate));
    } else if (["momentum", "beta1", "beta2", "epsilon"].some((k) => changes[k] !== undefined)) {
      store.apply("note", "The new constant applies from the next update; the optimizer keeps " +
                          "its state (v, or m, s and t), as PyTorch's does.");
    }
  });

  /** `name` if it is an optimizer the server has, else an error in words. @param {string} name */
  function knownOptimizer(name) {
    if (!(options.optimizers ?? []).some((o) => o.name === name)) {
      throw new Error("Choose gradient descent, momentum or Adam.");
    }
    return name;
  }

  /** What choosing an optimizer did, and what to mind. @param {string} name @param {number} rate */
  function optimizerNote(name, rate) {
    const fresh = { sgd: "Gradient descent keeps no state: each step is −α·g.",
                    momentum: "Momentum starts from a fresh state: v = 0 for every weight and bias.",
                    adam: "Adam starts from a fresh state: m = s = 0 for every weight and bias, " +
                          "and t = 0." }[name] ?? "";
    const large = name === "adam" && rate > 0.05
      ? ` Adam steps every parameter about α, whatever its gradient: α = ${rate} is large ` +
        "for it (0.001 to 0.01 is usual), so expect E to jump; lower the learning rate to see " +
        "it settle." : "";
    return fresh + large;
  }

  /** A preset of the landscape: a new network, the pair of parameters, what to look for.
   * @param {any} network @param {object} choice @param {string} lookFor */
  const preset = (network, choice, lookFor) => run(async () => {
    await setup.restore({ network, dataset: { ...options.dataset_defaults, name: "line", size: 40 } });
    store.apply("landscape", choice);
    // Step then goes down this surface: E over the training set, all of its 32 points.
    store.apply("step-on", "batch");
    store.apply("training", { batch_size: null });
    // Say what the preset changed (a new network, its settings, the data) and what to see.
    store.apply("note", `Preset: a new ${network.layers.join("-")} network, ` +
      `${network.activation}, learning rate ${network.learning_rate}, on 40 points of a line. ` +
      lookFor);
  });

  /**
   * The lesson `id`: its page as the teacher kept it (or, with a link in the address bar,
   * that link's state, the lesson's words around it), what it hides, whether it asks before
   * each phase. One unknown or deleted says so, and the default page opens.
   * @param {string} id @param {string} hash
   */
  async function openLesson(id, hash) {
    let lesson;
    try {
      lesson = await api.readLesson(id);
    } catch (e) {
      if (!(e instanceof ApiError) || ![404, 410, 422].includes(e.status)) throw e;
      await setup.fromLink("");
      store.apply("status", `This lesson link (/l/${id}) ${e.status === 410
        ? "was deleted by its author" : "leads to no lesson"}: the default page opened instead.`);
      return;
    }
    if (hash.startsWith("#s=")) await setup.fromLink(hash);
    else await setup.restore(/** @type {any} */ (lesson.state));
    store.apply("lesson", lesson);
    store.apply("predict", lesson.predict);
  }

  /** Keeps the page as it is now as a lesson; its link and delete token are shown.
   * @param {{title:string, text:string, steps:string[], hide:string[], predict:boolean}} form */
  async function makeLesson(form) {
    store.apply("lesson-made", null);
    // the editor is a modal dialog, over the page's messages: its refusals are said in it
    const checked = checkLesson(form, limits);
    if (checked.ok === false) {
      store.apply("lesson-made", { error: checked.message });
      return;
    }
    try {
      const made = await api.createLesson({ ...form, state: linkState(store.state) });
      store.apply("lesson-made", { id: made.id, url: effects.pageOrigin() + made.url,
                                   token: made.delete_token });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      store.apply("lesson-made", { error: `The lesson was not kept: ${plainWords(e.message)}.` });
    }
  }

  /** Deletes the lesson just made, with its token: its link then says it was deleted. */
  async function deleteMadeLesson() {
    const made = store.state.lessonMade;
    if (!made?.id) return;
    if (!made.confirming) {  // asked twice: the link stops working for everyone who has it
      store.apply("lesson-made", { ...made, confirming: true });
      return;
    }
    try {
      await api.deleteLesson(made.id, made.token);
      store.apply("lesson-made", { deleted: made.url });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      store.apply("lesson-made", { ...made, error: `Not deleted: ${plainWords(e.message)}.` });
    }
  }

  /** A comparison's setting and value, checked as the same setting changed by hand would be.
   * @param {string} setting @param {any} value */
  function checkedComparison(setting, value) {
    if (setting === "learning_rate") return valid(checkLearningRate(value, limits));
    if (setting === "l2") return valid(checkL2(value, limits));
    if (setting === "l1") return valid(checkL1(value, limits));
    if (setting === "optimizer") return knownOptimizer(value);
    if (setting === "activation") {
      if (!options.activations.some((a) => a.name === value)) throw new Error("Choose an activation.");
      return value;
    }
    if (setting === "batch_size") {
      const size = valid(checkTraining({ batch_size: value }, limits)).batch_size;
      const points = store.state.dataset?.train.length ?? 0;
      if (size !== null && size > points) {
        throw new Error(`The data have ${points} training points: a batch of ${size} would ` +
          `be the full batch. Choose at most ${points}, or full.`);
      }
      return size;
    }
    throw new Error("Choose what the second network changes.");
  }

  /** The classic contrasts: a new first network where the contrast needs one, then the second. */
  /** A fresh first network for a preset: seed 1, the default data and training settings. */
  const freshFirst = (network, batchSize = options.training_defaults.batch_size) => setup.restore({
    network: { layers: [1, 2, 2, 1], activation: "sigmoid", output_activation: "sigmoid",
               loss: "squared", learning_rate: 0.5, seed: 1, ...network },
    training: { ...options.training_defaults, batch_size: batchSize },
    dataset: options.dataset_defaults });
  /** The classic contrasts, each from a fresh first network (a preset after another had
   * kept its network, and two networks that had stopped learning showed no contrast); the
   * note says what to look for. */
  const COMPARISONS = {
    rate: async () => {
      await freshFirst({ learning_rate: 0.03 });
      await compare.start("learning_rate", 3);
      store.apply("note", "Two fresh 1-2-2-1 sigmoid networks on the sine data, from the same " +
        "weights. Press Play and look at the losses: at 0.03 the steps are 100 times smaller " +
        "and the loss hardly moves; at 3 it falls fast, along a noisier curve (each mini-" +
        "batch pulls its own way). Much larger still (type 10) and the steps overshoot: the " +
        "loss jumps up and down.");
    },
    depth: async () => {
      await freshFirst({ layers: [1, 4, 4, 4, 4, 1] });
      await compare.start("activation", "relu");
      store.apply("note", "Two fresh 1-4-4-4-4-1 networks from the same weights: sigmoid in " +
        "the hidden layers against relu. Press Play: the relu network's loss falls much " +
        "sooner. Why: each sigmoid layer multiplies the gradient by f′ ≤ 0.25 on its way back, " +
        "so the first layers barely learn (vanishing gradients: see Gradient size by layer).");
    },
    batch: async () => {
      await freshFirst({}, 1);
      await compare.start("batch_size", null);
      store.apply("note", "Two fresh 1-2-2-1 networks from the same weights: each update on " +
        "one point against each on all 160 training points. Press Play: the first loss " +
        "curve is jagged (every update follows one point, and some points pull the wrong " +
        "way), the full batch's falls smoothly, by the mean gradient.");
    },
  };

  /** @param {Intent} intent */
  function dispatch(intent) {
    switch (intent.type) {
      case "step": return step(intent.name);
      case "play": return play();
      case "settings": return settings(intent.changes);
      case "sample": {
        const loss = store.state.network.loss;
        // targets that add up to 1: the field typed is kept, the others make up the rest
        const sample = loss === "categorical_cross_entropy"
          ? { ...intent.sample, target: completeProbabilities(store.state.sample.target,
                                                             intent.sample.target) }
          : intent.sample;
        return run(() => stepping.resample(valid(checkSample(sample, limits, loss))));
      }
      case "draw": {
        // A drawing (digit-pad.js) becomes the sample, and the forward pass runs on it: the
        // output bars then show the network's probability of each class for it.
        const sample = valid(checkSample(intent.sample, limits, store.state.network.loss));
        return run(stepAction(async () => {
          await stepping.resample(sample);
          if (!livePass(store.state)) await stepping.runUntil((p) => p.kind === "error");
        }, "a drawing runs the forward pass on the network as it stands"));
      }
      case "plot-view": return store.apply("plot-view", intent.change);
      case "speed": return store.apply("speed", intent.speed);
      case "edit": return run(stepAction(async () => {
        await endComparison("a weight of the first network was set by hand");
        const value = intent.value;
        if (!Number.isFinite(value) || Math.abs(value) > limits.max_abs_value) {
          throw new Error(`A weight or bias must be a number between −${limits.max_abs_value} ` +
                          `and ${limits.max_abs_value}.`);
        }
        await stepping.editSelected(value);
      }, "a weight set by hand changes the network"));
      case "step-on": return run(() => store.apply("step-on", intent.value));
      case "dataset": return run(async () => {
        const spec = valid(checkDatasetSpec(intent.spec, limits));
        await endComparison("the data changed");
        await setup.chooseDataset(spec);
      });
      case "training": return run(async () => {
        const changed = valid(checkTraining(intent.settings, limits));
        if (changed.batch_size !== undefined && changed.batch_size !== store.state.training.batch_size) {
          await endComparison("the batch size changed");
        }
        store.apply("training", changed);
      });
      case "gradcheck": return run(stepAction(tools.gradcheck, "the gradient check is of the " +
                                              "weights as they stand, not of weights that move"));
      case "copy-link": return run(tools.copyLink);
      case "export": return tools.exportNetwork();
      case "import": return run(async () => setup.importText(await intent.file.text()));
      case "csv-read": return run(() => ownData.read(intent));
      case "csv-import": return run(async () => {
        await endComparison("the data changed");
        await ownData.use(intent);
      });
      case "export-trace": return run(() => tools.exportTrace(intent.format));
      case "export-python": return run(() => tools.exportPython(intent.flavour));
      case "export-data": return run(async () => tools.exportData());
      case "rebuild": return run(() => setup.rebuild(intent.text));
      case "reshape": return run(() => setup.reshapeBy(intent.change));
      case "init": return run(() => setup.reinit(intent.init));
      case "features": return run(() => setup.setFeatures(intent.names));
      case "next-sample": return run(tools.nextSample);
      case "point": return run(async () => {
        const event = intent.event;
        const n = store.state.network;
        if (event.kind === "add") valid(checkPoint(event, n.layers, limits, n.loss, rawInputs(n)));
        await endComparison("the data changed");
        await training.editPoints(event);
        const [lo, hi] = limits.plot_domain;
        if (event.kind === "add" && event.input.some((v) => v < lo || v > hi)) {
          store.apply("note", `The point was added, but its input lies outside the plot ` +
            `(${fmt(lo)} to ${fmt(hi)} on each axis): it is trained on, and not drawn.`);
        }
      });
      case "select":
        store.apply("selected", intent.selection);
        if (!store.state.playing) run(training.refreshFunction);
        return undefined;
      case "hover": return store.apply("hovered", intent.node);
      case "landscape": return run(() => { store.apply("landscape", intent.change); });
      case "landscape-selected": {
        const sel = store.state.selection;
        if (sel?.type === "link") return dispatch({ type: "landscape", change: { a: { kind: "weight", k: sel.k, i: sel.i, j: sel.j } } });
        if (sel?.type === "node" && sel.l > 0) return dispatch({ type: "landscape", change: { a: { kind: "bias", k: sel.l - 1, j: sel.j } } });
        return store.apply("note", "Select a weight (or a node, for its bias) in the drawing first.");
      }
      case "landscape-preset": return preset(intent.network, intent.choice, intent.lookFor);
      case "predict": return store.apply("predict", intent.on);
      case "quiz-answer": {
        const quiz = store.state.predict.quiz;
        if (!quiz || quiz.verdict) return undefined;
        if (quiz.question.kind === "value" && readNumber(intent.answer) === null) {
          return store.apply("quiz-refused", `“${intent.answer.trim()}” is not a number: type ` +
            "one, such as 0.42 or −1.3 (not graded, not counted).");
        }
        const record = currentRecord(store.state.stepper);
        store.apply("quiz-answered", { answer: intent.answer,
                                       verdict: grade(quiz.question, intent.answer, record) });
        return run(() => stepping.animateCurrentPhase());
      }
      case "quiz-skip": return store.apply("quiz-closed");
      case "score-reset": return store.apply("score-reset");
      case "make-lesson": return run(() => makeLesson(intent.lesson));
      case "delete-lesson": return run(deleteMadeLesson);
      case "compare-start": return run(() => compare.start(
        intent.setting, checkedComparison(intent.setting, intent.value)));
      case "compare-stop": return run(() => compare.stop());
      case "compare-preset": return run(() => COMPARISONS[intent.name]());
      case "show-all": return store.apply("lesson-show-all");
      case "copy-text": return effects.copyText(intent.text).catch(() => {});
      case "resized": return store.apply("resized", intent);
      case "open-link": return run(() => setup.fromLink(intent.hash));
      default: throw new Error(`unknown intent ${/** @type {any} */ (intent).type}`);
    }
  }

  return {
    dispatch,
    /** Opens what the address bar's link describes (or a fresh network); then the page is
     * ready. @param {string} hash */
    async start(hash, path = "/") {
      const lesson = /^\/l\/([A-Za-z0-9-]{1,40})$/.exec(path);
      await run(async () => {
        if (lesson) return openLesson(lesson[1], hash);
        await setup.fromLink(hash);
        // a lesson's link that is no id of one (cut, or garbled): said, as an unknown one is
        if (path.startsWith("/l/")) {
          store.apply("status", "This lesson link leads to no lesson (a lesson's id is 1 to " +
                                "40 letters, digits or dashes): the default page opened instead.");
        }
      });
      store.apply("ready");
    },
    /** Play's counts, for the benchmark and the tests. */
    playStats: training.stats,
  };
}
