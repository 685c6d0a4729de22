/** The entry module: it only wires the parts of the page together. */
import { api } from "./server/api.js";
import { createController } from "./actions/controller.js";
import { bindPanel } from "./views/step-panel.js";
import { createSession } from "./actions/resilient-call.js";
import { createSetup } from "./actions/network-setup.js";
import { createStepping } from "./actions/stepping.js";
import { createStore, initialState } from "./state/store.js";
import { bindLandscape } from "./views/landscape-card.js";
import { bindKeys, createTools } from "./actions/tools.js";
import { createTour } from "./views/tour.js";
import { bindTrainingPanel } from "./views/training-card.js";
import { createTraining } from "./actions/training.js";
import { settingsTable } from "./state/link.js";

async function main() {
  const options = await api.options();
  const store = createStore(initialState({ batch_size: options.training_defaults.batch_size }));
  const session = createSession(store, (id) => stepping.replayPass(id));
  let speed = 1;
  const panel = bindPanel({
    onButton: (name) => control.step(name), onSettings: (c) => control.settings(c),
    onSample: (sample) => control.sample(sample), onSpeed: (s) => { speed = s; },
    onEdit: (value) => control.edit(value), onStepOn: (v) => control.run(() => store.apply("step-on", v)),
  }, options);
  const stepping = createStepping({ store, session, panel, svg: /** @type {any} */ (document.getElementById("network")),
                                    speed: () => speed, onSelect: (sel) => control.select(sel),
                                    maxBatch: options.limits.max_step_batch,
                                    onWeights: () => training.refreshFunction() });
  const tpanel = bindTrainingPanel({
    onPlay: () => control.play(), onDataset: (spec) => control.dataset(spec),
    onTrainingSettings: (t) => control.trainingSettings(t), onL2: (l2) => control.settings({ l2 }),
    onGradcheck: () => control.check(tools.gradcheck), onCopyLink: () => control.run(tools.copyLink),
    onExport: () => tools.exportNetwork(), onImport: (file) => control.run(async () => setup.importText(await file.text())),
    onExportTrace: (format) => control.run(() => tools.exportTrace(format)),
    onRebuild: (text) => control.run(() => setup.rebuild(text)),
    onNextSample: () => control.run(tools.nextSample), onPoint: (event) => control.point(event),
  }, options);
  const training = createTraining({ store, session, draw: () => { stepping.render(); tpanel.draw(store.state); },
                                    onPause: () => setup.saveHash(), maxSteps: options.limits.max_steps_per_call,
                                    framesAhead: options.limits.play_frames_ahead });
  const setup = createSetup({ store, training, options, table: settingsTable(options) });
  const tools = createTools({ store, session, stepping, setup, showGradcheck: tpanel.showGradcheck });
  const landscape = bindLandscape({ store, session, run: (a) => control.run(a), preset: (network, choice) =>
    setup.restore({ network, dataset: { ...options.dataset_defaults, name: "line", size: 40 } })
      .then(() => {
        store.apply("landscape", choice);
        // Say what the preset changed: a new network, its settings, the data.
        store.apply("note", `Preset: a new ${network.layers.join("-")} network, ` +
          `${network.activation}, learning rate ${network.learning_rate}, on 40 points of a line.`);
      }) });
  const sync = () => { panel.sync(store.state); tpanel.sync(store.state); stepping.render(); landscape.sync(); };
  const control = createController({ store, stepping, training, setup, sync, limits: options.limits,
                                     after: () => landscape.refresh() });

  // Views render from the store; training results are drawn once per frame by training.js.
  let status = "";
  let kind = "";
  store.subscribe((s, action) => {
    if (s.status !== status || s.statusKind !== kind) {
      panel.showStatus((status = s.status), (kind = s.statusKind));
    }
    if (!["trained", "status", "note"].includes(action)) {  // drawn per frame, or words only
      stepping.render();
      tpanel.draw(s);
    }
    if (action === "trained") landscape.refreshSoon();
  });
  bindKeys((name) => control.step(name), () => control.play());
  window.addEventListener("hashchange", () => {
    if (location.hash !== setup.savedHash) control.run(() => setup.fromLink(location.hash));
  });
  await control.run(() => setup.fromLink(location.hash));
  document.body.dataset.ready = "true";
  createTour(document.getElementById("btn-tour")).autoShow();
}

main().catch((e) => {
  const status = document.getElementById("status");
  status.textContent = `The page could not start: ${e.message}`;
  status.classList.add("shown");
});
