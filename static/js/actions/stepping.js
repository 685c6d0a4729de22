/**
 * Clicking through one training step, phase by phase: the calls the stepper plans, the
 * animation of each phase, and the drawing of the network and its explanation from the store.
 */
import { api } from "../server/api.js";
import { afterNextPaint, animate, layOutNow } from "../lib/animation.js";
import { TIMING } from "../lib/config.js";
import { explain } from "../explain/explanation.js";
import { crowdedPair } from "../views/network-layout.js";
import { drawNetwork } from "../views/network-view.js";
import { layerWords } from "../explain/notation.js";
import { atLiveStep, currentPhase, currentRecord, planNext, planPrevious } from "../state/stepper.js";
import { watchSize } from "../lib/size.js";
import { setText } from "../lib/svg.js";
import { livePass, passBody } from "../state/store.js";
import { editableOf, phaseName, viewModel } from "../state/view-model.js";

/**
 * @param {{store: import("./resilient-call.js").Store,
 *          session: ReturnType<typeof import("./resilient-call.js").createSession>,
 *          panel: ReturnType<typeof import("../views/step-panel.js").bindPanel>,
 *          svg: SVGSVGElement, speed: () => number,
 *          onSelect: (sel: import("../views/network-view.js").Selection) => void,
 *          maxBatch: number, onWeights: () => Promise<void>}} ctx  maxBatch: the most points
 *   one step-through pass takes; onWeights: called after the weights or settings changed
 */
export function createStepping({ store, session, panel, svg, speed, onSelect, maxBatch,
                                 onWeights }) {
  let view = null;
  let drawnFor = "";
  /** While a phase animates: the layer values are travelling into, or the update's tween. */
  let anim = null;
  /** Raised by interrupt(): running animations jump to their end and runUntil stops. */
  let generation = 0;
  const stage = svg.parentElement ?? svg;
  const stageSize = watchSize(stage, () => { if (!anim) render(); });
  /** What was last drawn: the state, the animation's point, the stage's width, the window
   * narrow or not. Drawing the same again would change nothing. */
  let drawn = { state: null, at: "", width: 0, narrow: false };

  /** Draws the network and the panel from the store, unless what they show is drawn. */
  function render() {
    const s = store.state;
    const network = s.network;
    if (!network) return;
    const at = anim?.kind === "forward" ? `forward ${anim.layer}` : `t ${anim?.t ?? 1}`;
    const narrow = window.innerWidth <= 1000;
    if (s === drawn.state && at === drawn.at && stageSize.width === drawn.width
        && narrow === drawn.narrow) return;
    drawn = { state: s, at, width: stageSize.width, narrow };
    const L = network.layers.length;
    // One column on a narrow screen, or when the network is too wide to read beside the
    // side column; then laid out anew for another shape, or when the width changes much.
    const oneColumn = narrow || network.layers.length >= 6;
    const switched = document.body.classList.contains("one-column") !== oneColumn;
    document.body.classList.toggle("one-column", oneColumn);
    // On a wide stage (a projector), laid out for less and drawn larger: bigger text. Its
    // width as last laid out (no layout forced mid-frame), unless the columns just changed.
    const stageWidth = (switched ? stage.clientWidth : stageSize.width) || 1000;
    const width = stageWidth > 1100 ? stageWidth / Math.min(1.45, stageWidth / 1000) : stageWidth;
    const key = `${network.layers.join("-")}@${Math.round(width / 24)}`;
    if (drawnFor !== key) {
      drawnFor = key;
      view = drawNetwork(svg, network.layers, width, onSelect,
                         (node) => store.apply("hovered", node));
      labelsNote(network.layers);
    }
    const record = currentRecord(s.stepper);
    const phase = currentPhase(s.stepper);
    const pictures = s.pictures?.values ?? null;
    if (anim?.kind === "forward") {
      // While values travel into the layer, it is highlighted but its numbers are not shown.
      view.render({ ...viewModel(network, record, { kind: "forward", layer: anim.layer - 1 },
                                 s.selection), activeLayer: anim.layer, pictures });
    } else {
      view.render({ ...viewModel(network, record, phase, s.selection, anim?.t ?? 1), pictures });
    }
    const ex = explain(record, phase, s.selection, network.learning_rate, network);
    if (s.playing && !phase) {
      ex.narration = "Training: update after update, each on a batch of the training data " +
        "(forward, backward and update, as in a Step); the plot and the loss follow. Pause to " +
        "step through one by hand.";
    }
    const stepNo = record ? record.trace.step + (record.trace.phase === "update" ? 0 : 1) : 0;
    const label = phase ? `Step ${stepNo} · ${phaseName(phase, L)}`
      : `Step ${network.step} · ${s.playing ? "Training" : "Ready"}`;
    // Looking back: an older step, or a phase before the update of a step already applied
    // (the drawing shows the weights from before it, the count the update).
    const before = record?.trace.phase === "update" && phase?.kind !== "update";
    const history = !atLiveStep(s.stepper) ? " · looking back (history)"
      : before ? " · looking back, before this update" : "";
    const updates = `${network.step} update${network.step === 1 ? "" : "s"} applied so far`;
    panel.render({ ...ex, label, detail: `${updates}${history}`,
                   editable: editableOf(s), canGoBack: planPrevious(s.stepper) !== null });
  }

  /** Says which weights are labelled only on demand (too many links to label them all). */
  function labelsNote(layers) {
    const L = layers.length;
    const pairs = layers.slice(0, -1).map((_, k) => k).filter((k) => crowdedPair(layers, k))
      .map((k) => `${layerWords(k, L)} and ${layerWords(k + 1, L)}`);
    setText(/** @type {HTMLElement} */ (document.getElementById("labels-note")), pairs.length
      ? `Between ${pairs.join(", and between ")} there are too many weights to label them ` +
        "all: click a node to label its links, or a link to see its weight."
      : "");
  }

  /** Sets the selected weight or bias; the pending pass is recomputed with it. */
  async function editSelected(value) {
    const sel = store.state.selection;
    if (!sel || (sel.type === "node" && sel.l === 0)) return;
    store.apply("edited", await session.call((id) => (sel.type === "link"
      ? api.setWeight(id, sel.k, sel.i, sel.j, value)
      : api.setBias(id, sel.l - 1, sel.j, value))));
    await onWeights();
  }

  async function next() {
    const plan = planNext(store.state.stepper);
    if (plan.type === "fetch") {
      const body = plan.call === "forward" ? takeBody() : null;
      const update = await session.call((id) => (plan.call === "forward"
        ? api.forward(id, body) : api[plan.call](id)));
      store.apply("fetched", { plan, update });
      layOutNow();
    } else {
      store.apply("moved", plan.cursor);
    }
    if (plan.type === "fetch" && plan.call === "update") {
      await afterNextPaint();  // the new numbers first; the plot and pictures then
      await onWeights();
    }
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
    const update = await session.call((id) => api.step(id, takeBody()));
    const last = store.state.stepper.phases.length - 1;
    store.apply("fetched", { plan: { ...plan, call: "update", cursor: { ...plan.cursor, phase: last } },
                             update });
    layOutNow();
    await afterNextPaint();  // the new numbers first; the plot and pictures then
    await onWeights();
    await animateCurrentPhase();
    return true;
  }

  /** Animates the phase the stepper is at (none when it was cleared meanwhile: Play, Reset). */
  async function animateCurrentPhase() {
    const phase = currentPhase(store.state.stepper);
    if (!phase) return;
    const ms = TIMING.pulseMs / speed();
    const L = store.state.network.layers.length;
    const mine = generation;
    const stop = () => generation !== mine;
    try {
      if (phase.kind === "forward") {
        anim = { kind: "forward", layer: phase.layer };
        render();
        await view.pulse(phase.layer - 1, phase.layer, ms, stop);
      } else if (phase.kind === "backward" && phase.layer < L - 1) {
        await view.pulse(phase.layer + 1, phase.layer, ms, stop);
      } else if (phase.kind === "update") {
        await animate(TIMING.tweenMs / speed(), (t) => { anim = { kind: "update", t }; render(); },
                      stop);
      }
    } finally {
      anim = null;
      render();
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
    }
    return true;
  }

  function previous() {
    const cursor = planPrevious(store.state.stepper);
    if (cursor) store.apply("moved", cursor);
  }

  async function configure(changes) {
    store.apply("recomputed", await session.call((id) => api.configure(id, changes)));
    await onWeights();
  }

  /** A new sample; a pending pass is recomputed from it (otherwise the next pass uses it). */
  async function resample(sample, index) {
    const pass = livePass(store.state);
    if (pass) {
      let update = await session.call((id) => api.forward(id, sample));
      if (pass.phase === "backward") update = await session.call((id) => api.backward(id));
      store.apply("sample", { sample, index });
      store.apply("recomputed", update);
    } else {
      store.apply("sample", { sample, index });
    }
  }

  /** Replays the pending pass on a re-created network, so that Next can go on. */
  async function replayPass(id) {
    const pass = livePass(store.state);
    if (!pass) return;
    await api.forward(id, pass.samples ? { samples: pass.samples.map(({ input, target }) =>
      ({ input, target })) } : { input: pass.input, target: pass.target });
    if (pass.phase === "backward") await api.backward(id);
  }

  async function reset() {
    store.apply("reset", await session.call((id) => api.reset(id)));
  }

  return {
    /** Ends the running animation and the phases still to run, at once (Reset does). */
    interrupt() { generation += 1; },
    render, next, previous, runUntil, wholeStep, configure, resample, replayPass, reset, editSelected,
    get trace() { return currentRecord(store.state.stepper)?.trace ?? null; },
  };
}
