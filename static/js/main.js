/**
 * The entry module: creates (or restores) the network, wires the stepping, the training
 * and the sharing parts to the page, and runs the learner's actions one at a time.
 */
import { api } from "./api.js";
import { bindPanel } from "./panel.js";
import { createSession } from "./session.js";
import { decodeHash, download, encodeHash, traceToCsv } from "./share.js";
import { createStepping } from "./stepping.js";
import { bindTrainingPanel } from "./training-panel.js";
import { createTraining } from "./training.js";

const DEFAULT_DATASET = { name: "sine", size: 200, noise: 0.1, seed: 0, test_fraction: 0.2 };
const DEFAULT_TRAINING = { batch_size: 32, l2: 0 };

function defaultSample(layers) {
  if (layers[0] === 1 && layers[layers.length - 1] === 1) return { input: [0.8], target: [0.2] };
  return { input: Array(layers[0]).fill(0.5), target: Array(layers[layers.length - 1]).fill(0.5) };
}

async function main() {
  const options = await api.options();
  let speed = 1;
  let sampleIndex = -1;

  // Every action runs after the previous one has finished; failures go to the status line.
  // body[data-pending] counts the actions queued or running (tests wait for "0").
  let queue = Promise.resolve();
  let pending = 0;
  function run(action) {
    document.body.dataset.pending = String(++pending);
    queue = queue.then(async () => {
      panel.setBusy(true);
      panel.showStatus("");  // a message set while the action runs stays up after it
      try {
        await action();
      } catch (e) {
        panel.showStatus(e.message);
        stepping.render();
      } finally {
        if (!training.playing) training.showStep();
        panel.setBusy(false);
        document.body.dataset.pending = String(--pending);
      }
    });
    return queue;
  }

  const session = createSession(async (network) => {
    await stepping.replayPass(network);
    document.body.dataset.networkId = network.id;
    panel.showStatus("The server had forgotten this network; it was re-created as it was.");
  });

  /** Step-mode actions pause training first: both change the same weights. */
  const stepAction = (action) => async () => {
    await training.pause();
    return action();
  };
  const ACTIONS = {
    next: () => stepping.next(),
    previous: async () => stepping.previous(),
    reset: async () => {
      await stepping.reset();
      training.restart();
      await training.refreshFunction();
    },
    forward: () => stepping.runUntil((p) => p.kind === "error"),
    backward: () => stepping.runUntil((p) => p.kind === "backward" && p.layer === 1),
    update: () => stepping.runUntil((p) => p.kind === "update"),
    step: () => stepping.runUntil((p) => p.kind === "update"),
  };

  const panel = bindPanel({
    onButton: (name) => run(stepAction(ACTIONS[name])),
    onSettings: (changes) => run(() => stepping.configure(changes).then(saveHash)),
    onSample: () => run(() => stepping.resample()),
    onSpeed: (s) => { speed = s; },
    onEdit: (value) => run(stepAction(() => stepping.editSelected(value).then(saveHash))),
  }, options);

  const stepping = createStepping({
    session, panel, svg: document.getElementById("network"), speed: () => speed,
    onSelect: (sel) => training.selectNode(sel),
  });

  const tpanel = bindTrainingPanel({
    onPlay: () => training.toggle(),
    onDataset: () => run(() => chooseDataset()),
    onTrainingSettings: () => saveHash(),
    onGradcheck: () => run(gradcheck),
    onCopyLink: () => run(copyLink),
    onExport: () => download("backprop-network.json",
                             JSON.stringify(snapshot(), null, 1), "application/json"),
    onImport: (text) => run(async () => restore(JSON.parse(text))),
    onExportTrace: (format) => run(async () => exportTrace(format)),
    onRebuild: (layers) => run(() => rebuild({ layers })),
    onNextSample: () => run(nextSample),
    onAddPoint: (point) => run(() => training.addPoint(point)),
  }, options.datasets);
  /** How many inputs a built-in dataset needs. */
  const inputsOf = (name) => options.datasets.find((d) => d.name === name)?.inputs;

  const training = createTraining({
    session, tpanel, run, showStatus: (m) => panel.showStatus(m),
    onWeights: () => stepping.forgetPasses(),
    onPause: () => saveHash(),
  });

  /** Everything that makes this view: network, dataset, training settings. */
  function snapshot() {
    return { network: session.describe(), dataset: session.datasetSpec(),
             training: tpanel.trainingSettings() };
  }

  let savedHash = "";
  function saveHash() {
    savedHash = encodeHash(snapshot());
    history.replaceState(null, "", savedHash);
  }

  /** A network (new or restored) drawn, with its dataset loaded. */
  async function restore(state) {
    await training.pause();
    const network = await session.create(state.network ?? {});
    document.body.dataset.networkId = network.id;
    panel.setSettings(network);
    panel.setSampleFields(network.layers, defaultSample(network.layers));
    tpanel.setLayers(network.layers);
    tpanel.setTrainingSettings(state.training ?? DEFAULT_TRAINING);
    stepping.rebuild();
    training.restart();
    const spec = state.dataset === undefined ? DEFAULT_DATASET : state.dataset;
    if (spec && (spec.points || spec.name)) {
      tpanel.setDatasetSpec(spec);
      await training.loadDataset(spec);
    } else {
      await training.refreshFunction();
    }
    saveHash();
  }

  /** A new network of another shape, keeping the settings. */
  async function rebuild({ layers }) {
    const n = session.network;
    const keep = { activation: n.activation, output_activation: n.output_activation,
                   loss: n.loss, learning_rate: n.learning_rate };
    const fits = (name) => inputsOf(name) === layers[0];
    const spec = tpanel.datasetSpec();
    await restore({ network: { ...keep, layers }, training: tpanel.trainingSettings(),
                    dataset: fits(spec.name) && layers[layers.length - 1] === 1 ? spec : null });
  }

  /** A dataset from the controls; a dataset of two inputs needs a network of two. */
  async function chooseDataset() {
    const spec = tpanel.datasetSpec();
    const wanted = inputsOf(spec.name);
    const layers = session.network.layers;
    if (layers[0] !== wanted || layers[layers.length - 1] !== 1) {
      await rebuild({ layers: [wanted, ...layers.slice(1, -1), 1] });
      panel.showStatus(`The ${spec.name} dataset has ${wanted} input(s): the network was ` +
                       `rebuilt as ${[wanted, ...layers.slice(1, -1), 1].join("-")}.`);
      return;
    }
    await training.loadDataset(spec);
    saveHash();
  }

  async function gradcheck() {
    if (!stepping.trace) await ACTIONS.forward();
    tpanel.showGradcheck(await session.call((id) => api.gradcheck(id)));
  }

  async function copyLink() {
    saveHash();
    await navigator.clipboard?.writeText(location.href).catch(() => {});
    panel.showStatus("The link in the address bar now reproduces this network exactly.");
  }

  function exportTrace(format) {
    const trace = stepping.trace;
    if (!trace) throw new Error("There is no pass to export yet: press Forward first.");
    if (format === "csv") download("backprop-trace.csv", traceToCsv(trace), "text/csv");
    else download("backprop-trace.json", JSON.stringify(trace, null, 1), "application/json");
  }

  /** The next point of the dataset becomes the sample of the step-by-step mode. */
  async function nextSample() {
    const points = session.dataset?.train ?? [];
    if (!points.length) throw new Error("The dataset has no points yet.");
    sampleIndex = (sampleIndex + 1) % points.length;
    panel.setSampleFields(session.network.layers, points[sampleIndex]);
    await stepping.resample(points[sampleIndex]);
  }

  document.addEventListener("keydown", (e) => {
    // A key already handled (Enter or Space on a node or weight) is not a shortcut too.
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target instanceof HTMLElement && e.target.closest("input, select, textarea")) return;
    const key = { ArrowRight: "next", n: "next", ArrowLeft: "previous", p: "previous",
                  s: "step", f: "forward", b: "backward", u: "update" }[e.key];
    if (key) {
      e.preventDefault();
      run(stepAction(ACTIONS[key]));
    } else if (e.key === " " && !(e.target instanceof HTMLButtonElement)) {
      e.preventDefault();
      training.toggle();
    }
  });

  // A link pasted into this tab changes only the hash: restore what it describes.
  window.addEventListener("hashchange", () => {
    if (location.hash === savedHash) return;
    run(async () => {
      const state = decodeHash(location.hash);
      if (state) await restore(state);
    });
  });

  let restored = null;
  try {
    restored = decodeHash(location.hash);
  } catch (e) {
    panel.showStatus(`The link could not be read (${e.message}); starting afresh.`);
  }
  await restore(restored ?? {});
  document.body.dataset.pending = "0";
  document.body.dataset.ready = "true";
}

main().catch((e) => {
  const status = document.getElementById("status");
  status.textContent = `The page could not start: ${e.message}`;
  status.classList.add("shown");
});
