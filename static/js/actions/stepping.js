/**
 * Clicking through one training step, phase by phase: the calls the stepper plans, and the
 * animation of each phase as a point in the store ({kind, layer, t}) that the frame loop
 * moves on each display frame. Draws nothing: the views render what the store holds.
 */
import { api } from "../server/api.js";
import { TIMING } from "../lib/config.js";
import { questionFor } from "../explain/quiz.js";
import { atLiveStep, currentPhase, currentRecord, planNext, planPrevious } from "../state/stepper.js";
import { livePass, passBody } from "../state/store.js";

/**
 * @param {{store: import("./resilient-call.js").Store, call: import("./resilient-call.js").Call,
 *          frames: ReturnType<typeof import("../lib/frame-loop.js").createFrameLoop>,
 *          maxBatch: number, onWeights: () => Promise<void>}} ctx  maxBatch: the most points
 *   one step-through pass takes; onWeights: called after the weights or settings changed
 *   (the plot and the pictures follow them)
 */
export function createStepping({ store, call, frames, maxBatch, onWeights }) {
  /** Raised by interrupt(): a running animation jumps to its end and runUntil stops. */
  let generation = 0;

  /** Sets the selected weight or bias; the pending pass is recomputed with it. */
  async function editSelected(value) {
    const sel = store.state.selection;
    if (!sel || (sel.type === "node" && sel.l === 0)) return;
    store.apply("edited", await call((id) => (sel.type === "link"
      ? api.setWeight(id, sel.k, sel.i, sel.j, value)
      : api.setBias(id, sel.l - 1, sel.j, value))));
    await onWeights();
  }

  /**
   * With predict-then-reveal on, a question on the phase the stepper has just reached, if
   * its numbers are new (not shown before: history walked again asks nothing); the drawing
   * stays at `from` until it is answered. @param {import("../state/stepper.js").Cursor|null} from
   * @returns {boolean} whether a question now waits
   */
  function ask(from) {
    const s = store.state;
    const cursor = s.stepper.cursor;
    const seen = s.predict.revealed;
    const fresh = cursor && atLiveStep(s.stepper)
      && !(seen && seen.record === cursor.record && seen.phase >= cursor.phase);
    if (!s.predict.on || !fresh) {
      if (cursor && atLiveStep(s.stepper)) store.apply("revealed", cursor);
      return false;
    }
    const question = questionFor(currentRecord(s.stepper), currentPhase(s.stepper));
    if (!question) {
      store.apply("revealed", cursor);
      return false;
    }
    store.apply("quiz", { question, from });
    return true;
  }

  async function next() {
    const from = store.state.stepper.cursor;
    const plan = planNext(store.state.stepper);
    if (plan.type === "fetch") {
      const body = plan.call === "forward" ? takeBody() : null;
      const update = await call((id) => (plan.call === "forward"
        ? api.forward(id, body) : api[plan.call](id)));
      store.apply("fetched", { plan, update });
    } else {
      store.apply("moved", plan.cursor);
    }
    if (plan.type === "fetch" && plan.call === "update") {
      await frames.afterNextPaint();  // the new numbers first; the plot and pictures then
      await onWeights();
    }
    if (ask(from)) return;  // animated once answered
    await animateCurrentPhase();
  }

  /** The next pass's sample or mini-batch; a mini-batch moves on through the data. */
  function takeBody() {
    const body = passBody(store.state, maxBatch);
    if (store.state.stepOn === "batch") {
      store.apply("batch-taken", "samples" in body ? body.samples.length : 1);
    }
    return body;
  }

  /** Step: a whole step in one call (POST .../step) when a new step starts; else Next on
   * to the update of the step under way. */
  async function wholeStep() {
    const plan = planNext(store.state.stepper);
    if (plan.type !== "fetch" || plan.call !== "forward" || !plan.newRecord) {
      return runUntil((p) => p.kind === "update");
    }
    const from = store.state.stepper.cursor;
    const update = await call((id) => api.step(id, takeBody()));
    const last = store.state.stepper.phases.length - 1;
    store.apply("fetched", { plan: { ...plan, call: "update", cursor: { ...plan.cursor, phase: last } },
                             update });
    await frames.afterNextPaint();  // the new numbers first; the plot and pictures then
    await onWeights();
    if (!ask(from)) await animateCurrentPhase();
    return true;
  }

  /** Animates the phase the stepper is at (none when it was cleared meanwhile: Play, Reset):
   * values travelling forward into a layer, gradients back into a hidden one, or the weights
   * moving in the update. */
  async function animateCurrentPhase() {
    const phase = currentPhase(store.state.stepper);
    if (!phase) return;
    const L = store.state.network.layers.length;
    const kind = phase.kind === "forward" ? "forward"
      : phase.kind === "backward" && phase.layer < L - 1 ? "backward"
        : phase.kind === "update" ? "update" : null;
    if (!kind) return;
    const ms = (kind === "update" ? TIMING.tweenMs : TIMING.pulseMs) / store.state.speed;
    const mine = generation;
    try {
      await frames.animate(ms, (t) => store.apply("animation", { kind, layer: phase.layer, t }),
                           () => generation !== mine);
    } finally {
      store.apply("animation", null);
    }
  }

  /**
   * Next, until the phase satisfies `done` (at most one whole step). A pass already at or
   * past that point in this step stays where it is: Forward twice never runs Backward, and
   * no button but Update and Step applies an update.
   * @param {(p: import("../state/stepper.js").Phase) => boolean} done
   * @returns {Promise<boolean>} false when there was nothing to do
   */
  async function runUntil(done) {
    const s = store.state.stepper;
    const target = s.phases.findIndex(done);
    const here = s.cursor?.phase ?? -1;
    if (here >= target && s.phases[here].kind !== "update") return false;
    const mine = generation;
    for (let n = 0; n <= s.phases.length && generation === mine; n++) {
      await next();
      const phase = currentPhase(store.state.stepper);
      if (!phase || done(phase)) return true;  // no phase: the stepper was cleared meanwhile
      if (store.state.predict.quiz) return true;  // a question waits: the learner answers first
    }
    return true;
  }

  function previous() {
    const cursor = planPrevious(store.state.stepper);
    if (cursor) store.apply("moved", cursor);
  }

  async function configure(changes) {
    store.apply("recomputed", await call((id) => api.configure(id, changes)));
    await onWeights();
  }

  /** A new sample; a pending pass is recomputed from it (otherwise the next pass uses it). */
  async function resample(sample, index) {
    const pass = livePass(store.state);
    if (pass) {
      let update = await call((id) => api.forward(id, sample));
      if (pass.phase === "backward") update = await call((id) => api.backward(id));
      store.apply("sample", { sample, index });
      store.apply("recomputed", update);
    } else {
      store.apply("sample", { sample, index });
    }
  }

  async function reset() {
    store.apply("reset", await call((id) => api.reset(id)));
  }

  return {
    /** Ends the running animation and the phases still to run, at once (Reset does). */
    interrupt() { generation += 1; },
    next, previous, runUntil, wholeStep, configure, resample, reset, editSelected,
    animateCurrentPhase,
  };
}
