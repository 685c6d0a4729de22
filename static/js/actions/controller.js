/**
 * The learner's actions, one at a time: each runs after the previous one has finished, its
 * failure goes to the status line in plain words, and afterwards every control is set back
 * to the value in effect (so a refused change snaps back).
 */
import { ApiError } from "../server/api.js";
import { TIMING } from "../lib/config.js";
import {
  checkDatasetSpec, checkL2, checkLearningRate, checkLossAndOutput, checkSample, checkTraining, plainWords,
  sentence,
} from "./validate.js";

/**
 * @param {{store: import("./resilient-call.js").Store,
 *          stepping: ReturnType<typeof import("./stepping.js").createStepping>,
 *          training: ReturnType<typeof import("./training.js").createTraining>,
 *          setup: ReturnType<typeof import("./network-setup.js").createSetup>,
 *          sync: () => void, limits: import("./validate.js").Limits,
 *          after?: () => Promise<void>}} ctx  after: what follows every action (its pending
 *   time counted), such as redrawing the loss landscape
 */
export function createController({ store, stepping, training, setup, sync, limits,
                                   after = async () => {} }) {
  // body[data-pending] counts the actions queued or running (tests wait for "0").
  let queue = Promise.resolve();
  let pending = 0;
  // The progress cursor (body.busy) restyles every element, the cursor being inherited: it
  // shows only on an action still running after TIMING.busyCursorMs, so that a quick one (a
  // step, whose numbers are drawn within a few frames) is not held back by restyling the
  // page twice around its call for a cursor that would only flicker.
  let busyTimer = 0;

  // A message stays up until the learner's next action, unless it came from the same
  // gesture (a field's change on blur, then the click that blurred it) or came less than a
  // second before it, so that it can be read.
  let statusAt = 0;
  let fade = 0;
  store.subscribe((s, action) => {
    if ((action !== "status" && action !== "note") || !s.status) return;
    statusAt = Date.now();
    // and it goes by itself once it has been read
    window.clearTimeout(fade);
    const shown = s.status;
    fade = window.setTimeout(() => {
      if (store.state.status === shown) store.apply("status", "");
    }, 12_000);
  });

  /** @param {() => Promise<void>|void} action */
  function run(action) {
    document.body.dataset.pending = String(++pending);
    const queuedAt = Date.now();
    queue = queue.then(async () => {
      busyTimer = window.setTimeout(() => document.body.classList.add("busy"),
                                    TIMING.busyCursorMs);
      if (queuedAt - statusAt > 1000) store.apply("status", "");
      try {
        await action();
      } catch (e) {
        const message = e instanceof ApiError ? plainWords(e.message) : e.message;
        store.apply("status", sentence(message));
      } finally {
        sync();
        await after().catch((e) => store.apply("status", e.message));
        window.clearTimeout(busyTimer);
        document.body.classList.remove("busy");
        document.body.dataset.pending = String(--pending);
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
    step: () => stepping.wholeStep(),
  };

  return {
    run,
    /** The gradient check, of the weights as they stand: Play pauses first.
     * @param {() => Promise<void>} check */
    check: (check) => run(stepAction(check, "the gradient check is of the weights as they " +
                                            "stand, not of weights that move")),
    /** @param {string} name */
    step: (name) => {
      if (name === "reset") {  // at once, not after the running phase and those queued
        stepping.interrupt();
        resets += 1;
      }
      return run(stepAction(STEP[name], name === "reset"
        ? "Reset puts back the weights this network started with" : undefined));
    },
    /** Play cuts the step action under way short (its animation ends, it fetches no
     * further phase), drops the step actions queued behind it, and starts once that action
     * has stopped; Pause is at once. */
    play: () => {
      if (store.state.playing) return training.pause();
      stepping.interrupt();
      resets += 1;
      return run(() => training.play());
    },
    /** @param {{learning_rate?:number, l2?:number, activation?:string,
     *           output_activation?:string, loss?:string}} changes */
    settings: (changes) => run(async () => {
      if (changes.learning_rate !== undefined) valid(checkLearningRate(changes.learning_rate, limits));
      if (changes.l2 !== undefined) valid(checkL2(changes.l2, limits));
      valid(checkLossAndOutput(changes, store.state.network));
      training.expect(changes);
      try {
        await stepping.configure(changes);
      } finally {
        training.expect(null);
      }
      setup.saveHash();
    }),
    /** @param {{input:number[], target:number[]}} sample */
    sample: (sample) => run(() => stepping.resample(
      valid(checkSample(sample, limits, store.state.network.loss)))),
    /** @param {number} value */
    edit: (value) => run(stepAction(async () => {
      if (!Number.isFinite(value) || Math.abs(value) > limits.max_abs_value) {
        throw new Error(`A weight or bias must be a number between −${limits.max_abs_value} ` +
                        `and ${limits.max_abs_value}.`);
      }
      await stepping.editSelected(value);
      setup.saveHash();
    }, "a weight set by hand changes the network")),
    /** @param {import("../state/store.js").DatasetSpec} spec */
    dataset: (spec) => run(() => setup.chooseDataset(valid(checkDatasetSpec(spec, limits)))),
    /** @param {import("../state/store.js").TrainingSettings} t */
    trainingSettings: (t) => run(() => {
      store.apply("training", valid(checkTraining(t, limits)));
      setup.saveHash();
    }),
    /** @param {any} event a point added or removed on the plot */
    point: (event) => run(() => training.editPoints(event)),
    select: (sel) => {
      store.apply("selected", sel);
      if (!store.state.playing) run(training.refreshFunction);
    },
  };
}
