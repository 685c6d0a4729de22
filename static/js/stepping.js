/**
 * Clicking through one training step, phase by phase: the stepper, the drawing of the
 * network and the explanation, kept in agreement with the server's pass.
 */
import { api } from "./api.js";
import { animate } from "./animation.js";
import { TIMING } from "./config.js";
import { explain } from "./explain.js";
import { drawNetwork } from "./network-view.js";
import {
  applyFetch, atLiveStep, createStepper, currentPhase, currentRecord, moveTo, planNext,
  planPrevious, replaceLive,
} from "./phases.js";
import { phaseName, viewModel } from "./view-model.js";

/**
 * @param {{session: ReturnType<typeof import("./session.js").createSession>,
 *          panel: ReturnType<typeof import("./panel.js").bindPanel>,
 *          svg: SVGSVGElement, speed: () => number,
 *          onSelect: (sel: object|null) => void}} ctx
 */
export function createStepping({ session, panel, svg, speed, onSelect }) {
  let stepper = createStepper(2);
  let selection = null;
  let view = null;
  let L = 2;

  const settingsOf = (n) => ({ activation: n.activation, output_activation: n.output_activation,
                               loss: n.loss });

  /** A new drawing and an empty history, for the session's (new) network. */
  function rebuild() {
    const layers = session.network.layers;
    L = layers.length;
    stepper = createStepper(L);
    selection = null;
    view = drawNetwork(svg, layers, (sel) => {
      const same = selection && JSON.stringify(selection) === JSON.stringify(sel);
      selection = same ? null : sel;
      onSelect(selection);
      render();
    });
    render();
  }

  function render(tween = 1) {
    const network = session.network;
    const record = currentRecord(stepper);
    const phase = currentPhase(stepper);
    view.render(viewModel(network, record, phase, selection, tween));
    const ex = explain(record, phase, selection, network.learning_rate);
    const stepNo = record ? record.trace.step + (record.trace.phase === "update" ? 0 : 1) : 0;
    const label = phase ? `Step ${stepNo} · ${phaseName(phase, L)}` : `Step ${network.step} · Ready`;
    const history = atLiveStep(stepper) ? "" : " · looking back (history)";
    panel.render({ ...ex, label, detail: `Updates applied: ${network.step}${history}`,
                   editable: editable() });
  }

  /** The selected weight or bias, as it stands now, for setting it by hand. */
  function editable() {
    const n = session.network;
    if (selection?.type === "link") {
      const { k, i, j } = selection;
      return { label: "Set this weight w to", value: n.weights[k][i][j] };
    }
    if (selection?.type === "node" && selection.l > 0) {
      return { label: "Set this node's bias b to", value: n.biases[selection.l - 1][selection.j] };
    }
    return null;
  }

  /** Sets the selected weight or bias; the pending pass is recomputed with it. */
  async function editSelected(value) {
    const sel = selection;
    if (!sel || (sel.type === "node" && sel.l === 0)) return;
    const state = await session.call((id) => (sel.type === "link"
      ? api.setWeight(id, sel.k, sel.i, sel.j, value)
      : api.setBias(id, sel.l - 1, sel.j, value)));
    session.setState(state);
    refreshLive(state.trace);
    render();
  }

  async function next() {
    const plan = planNext(stepper);
    if (plan.type === "fetch") {
      let trace;
      if (plan.call === "forward") {
        const sample = panel.readSample();
        if (!sample) throw new Error("Fix the sample first.");
        trace = await session.call((id) => api.forward(id, sample));
      } else {
        trace = await session.call((id) => api[plan.call](id));
      }
      session.absorbTrace(trace);
      stepper = applyFetch(stepper, plan, trace, settingsOf(session.network),
                           TIMING.historyLimit);
    } else {
      stepper = moveTo(stepper, plan.cursor);
    }
    await animatePhase(currentPhase(stepper));
  }

  async function animatePhase(phase) {
    const ms = TIMING.pulseMs / speed();
    if (phase.kind === "forward") {
      render();
      // While values travel into the layer, it is highlighted but its numbers are not shown.
      view.render({ ...viewModel(session.network, currentRecord(stepper),
                                 { kind: "forward", layer: phase.layer - 1 }, selection),
                    activeLayer: phase.layer });
      await view.pulse(phase.layer - 1, phase.layer, ms);
    } else if (phase.kind === "backward" && phase.layer < L - 1) {
      await view.pulse(phase.layer + 1, phase.layer, ms);
    } else if (phase.kind === "update") {
      await animate(TIMING.tweenMs / speed(), (t) => render(t));
    }
    render();
  }

  /** Next, until the phase satisfies `done` (at most one whole step). */
  async function runUntil(done) {
    for (let n = 0; n <= stepper.phases.length; n++) {
      await next();
      if (done(currentPhase(stepper))) return;
    }
  }

  function previous() {
    const cursor = planPrevious(stepper);
    if (cursor) stepper = moveTo(stepper, cursor);
    render();
  }

  /** The live step's pending pass, if any: what the server must hold for Next to go on. */
  function livePass() {
    const live = stepper.records[stepper.records.length - 1];
    return live && live.trace.phase !== "update" ? live.trace : null;
  }

  /** After a change on the server, its recomputed pass replaces the live one. */
  function refreshLive(trace) {
    const pass = livePass();
    if (trace && pass && trace.phase === pass.phase) {
      stepper = replaceLive(stepper, trace, settingsOf(session.network));
    }
  }

  async function configure(changes) {
    const state = await session.call((id) => api.configure(id, changes));
    session.setState(state);
    refreshLive(state.trace);
    panel.setSettings(state);
    render();
  }

  /** The pending pass recomputed from `sample` (the typed one unless given). */
  async function resample(sample = panel.readSample()) {
    const pass = livePass();
    if (!sample || !pass) return;  // without a pending pass, the next step will use it
    let trace = await session.call((id) => api.forward(id, sample));
    if (pass.phase === "backward") trace = await session.call((id) => api.backward(id));
    refreshLive(trace);
    render();
  }

  /** Replays the pending pass on a re-created network, so that Next can go on. */
  async function replayPass(network) {
    const pass = livePass();
    if (!pass) return;
    await api.forward(network.id, { input: pass.input, target: pass.target });
    if (pass.phase === "backward") await api.backward(network.id);
  }

  async function reset() {
    session.setState(await session.call((id) => api.reset(id)));
    stepper = createStepper(L);
    render();
  }

  /** Weights changed outside the stepper (training): the old passes are history no more.
   * Cheap enough for every frame: after the first call, only the drawing is redone. */
  function forgetPasses() {
    if (stepper.records.length || stepper.cursor !== null) {
      stepper = createStepper(L);
      render();
      return;
    }
    view.render(viewModel(session.network, null, null, selection));
    panel.setLabel(`Step ${session.network.step} · Training`,
                   `Updates applied: ${session.network.step}`);
  }

  return {
    rebuild, render, next, previous, runUntil, configure, resample, replayPass, reset,
    forgetPasses, editSelected,
    get trace() { return currentRecord(stepper)?.trace ?? null; },
  };
}
