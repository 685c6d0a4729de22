/**
 * The entry module: creates the network on the server, wires the drawing, the panel and the
 * stepper together, and runs every action one at a time.
 */
import { api } from "./api.js";
import { animate } from "./animation.js";
import { TIMING } from "./config.js";
import { explain } from "./explain.js";
import { drawNetwork } from "./network-view.js";
import { bindPanel } from "./panel.js";
import {
  applyFetch, atLiveStep, createStepper, currentPhase, currentRecord, moveTo, planNext,
  planPrevious, replaceLive,
} from "./phases.js";
import { phaseName, viewModel } from "./view-model.js";

const DEFAULT_SAMPLE = { input: [0.8], target: [0.2] };

async function main() {
  const options = await api.options();
  let network = await api.create({});
  let stepper = createStepper(network.layers.length);
  let selection = null;
  let speed = 1;
  const L = network.layers.length;

  const settingsOf = (n) => ({ activation: n.activation, output_activation: n.output_activation,
                               loss: n.loss });

  const panel = bindPanel({
    onButton: (name) => run(ACTIONS[name]),
    onSettings: (changes) => run(() => configure(changes)),
    onSample: () => run(resample),
    onSpeed: (s) => { speed = s; },
  }, options);
  const view = drawNetwork(document.getElementById("network"), network.layers, (sel) => {
    const same = selection && JSON.stringify(selection) === JSON.stringify(sel);
    selection = same ? null : sel;
    render();
  });
  panel.setSettings(network);
  panel.setSampleFields(network.layers, DEFAULT_SAMPLE);

  function render(tween = 1) {
    const record = currentRecord(stepper);
    const phase = currentPhase(stepper);
    view.render(viewModel(network, record, phase, selection, tween));
    const ex = explain(record, phase, selection, network.learning_rate);
    const stepNo = record ? record.trace.step + (record.trace.phase === "update" ? 0 : 1) : 0;
    const label = phase ? `Step ${stepNo} · ${phaseName(phase, L)}` : "Step 0 · Ready";
    const history = atLiveStep(stepper) ? "" : " · looking back (history)";
    panel.render({ ...ex, label,
                   detail: `Updates applied: ${network.step}${history}` });
  }

  // Every action runs after the previous one has finished; failures go to the status line.
  // body[data-pending] counts the actions queued or running (tests wait for "0").
  let queue = Promise.resolve();
  let pending = 0;
  function run(action) {
    document.body.dataset.pending = String(++pending);
    queue = queue.then(async () => {
      panel.setBusy(true);
      try {
        await action();
        panel.showStatus("");
      } catch (e) {
        panel.showStatus(`${e.message}`);
        render();
      } finally {
        panel.setBusy(false);
        document.body.dataset.pending = String(--pending);
      }
    });
    return queue;
  }

  async function next() {
    const plan = planNext(stepper);
    if (plan.type === "fetch") {
      let trace;
      if (plan.call === "forward") {
        const sample = panel.readSample();
        if (!sample) throw new Error("Fix the sample first.");
        trace = await api.forward(network.id, sample);
      } else {
        trace = await api[plan.call](network.id);
      }
      if (plan.call === "update") network = { ...network, step: trace.step };
      stepper = applyFetch(stepper, plan, trace, settingsOf(network), TIMING.historyLimit);
    } else {
      stepper = moveTo(stepper, plan.cursor);
    }
    await animatePhase(currentPhase(stepper));
  }

  async function animatePhase(phase) {
    const ms = TIMING.pulseMs / speed;
    if (phase.kind === "forward") {
      render();
      // While values travel into the layer, it is highlighted but its numbers are not shown.
      view.render({ ...viewModel(network, currentRecord(stepper),
                                 { kind: "forward", layer: phase.layer - 1 }, selection),
                    activeLayer: phase.layer });
      await view.pulse(phase.layer - 1, phase.layer, ms);
    } else if (phase.kind === "backward" && phase.layer < L - 1) {
      await view.pulse(phase.layer + 1, phase.layer, ms);
    } else if (phase.kind === "update") {
      await animate(TIMING.tweenMs / speed, (t) => render(t));
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

  async function configure(changes) {
    network = await api.configure(network.id, changes);
    refreshLive(network.trace);
    panel.setSettings(network);
    render();
  }

  /** After a change, the live pass as the server recomputed it (if it is mid-pass). */
  function refreshLive(trace) {
    const live = stepper.records[stepper.records.length - 1];
    if (trace && live && live.trace.phase !== "update" && trace.phase === live.trace.phase) {
      stepper = replaceLive(stepper, trace, settingsOf(network));
    }
  }

  async function resample() {
    const sample = panel.readSample();
    if (!sample) return;
    const live = stepper.records[stepper.records.length - 1];
    if (!live || live.trace.phase === "update") return;  // the next step will use it
    let trace = await api.forward(network.id, sample);
    if (live.trace.phase === "backward") trace = await api.backward(network.id);
    refreshLive(trace);
    render();
  }

  async function reset() {
    network = await api.reset(network.id);
    stepper = createStepper(L);
    selection = null;
    render();
  }

  const ACTIONS = {
    next, previous, reset,
    forward: () => runUntil((p) => p.kind === "error"),
    backward: () => runUntil((p) => p.kind === "backward" && p.layer === 1),
    update: () => runUntil((p) => p.kind === "update"),
    step: () => runUntil((p) => p.kind === "update"),
  };

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target instanceof HTMLElement && e.target.closest("input, select, textarea")) return;
    const key = { ArrowRight: "next", n: "next", ArrowLeft: "previous", p: "previous",
                  s: "step", f: "forward", b: "backward", u: "update" }[e.key];
    if (key) {
      e.preventDefault();
      run(ACTIONS[key]);
    }
  });

  render();
  document.body.dataset.networkId = network.id;
  document.body.dataset.pending = "0";
  document.body.dataset.ready = "true";
}

main().catch((e) => {
  const status = document.getElementById("status");
  status.textContent = `The page could not start: ${e.message}`;
  status.classList.add("shown");
});
