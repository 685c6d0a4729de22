/**
 * Training mode: the dataset, Play and Pause, and the calls behind them. Training calls run
 * back to back on the server (two in flight); their answers go into the store, and the
 * plot, the loss chart and the network are redrawn at most once per animation frame.
 */
import { api } from "./api.js";
import { PLAY, PLOT } from "./config.js";

/**
 * @param {{store: import("./session.js").Store,
 *          session: ReturnType<typeof import("./session.js").createSession>,
 *          draw: () => void, onPause: () => void, maxSteps: number}} ctx
 *   maxSteps: the server's limit on steps per call (from /api/options)
 */
export function createTraining({ store, session, draw, onPause, maxSteps }) {
  let steps = 10;
  let dirty = false;
  let stopped = Promise.resolve();
  // Frames that drew a new state, and samples trained, while playing (for the benchmark).
  const stats = { frames: 0, samples: 0, since: 0, stepsPerCall: 0, serverMs: 0, drawMs: 0 };
  /** @type {any} */ (window).backpropPlayStats = stats;

  const network = () => store.state.network;
  const inputs = () => network().layers[0];
  const plottedNode = () => store.state.plotted
    ?? { layer: network().layers.length - 1, node: 0 };
  const resolution = () => (inputs() === 1 ? PLOT.resolution1d : PLOT.resolution2d);

  /** The plotted node's output over the plot's domain, with the current weights, and every
   * node's own small picture. */
  async function refreshFunction() {
    const func = inputs() > 2 ? null
      : await session.call((id) => api.func(id, { resolution: resolution(), ...plottedNode() }));
    store.apply("function", func);
    await refreshPictures();
  }

  async function refreshPictures() {
    store.apply("pictures", inputs() > 2 ? null
      : await session.call((id) => api.functions(id, PLOT.thumbnail)));
  }

  /** @param {object} spec a built-in dataset's spec or {points, test_fraction} */
  async function loadDataset(spec) {
    store.apply("dataset", await session.call((id) => api.setDataset(id, spec)));
    await refreshFunction();
  }

  /** @param {{kind:"add", input:number[], target:number[]} |
   *          {kind:"remove", part:"train"|"test", index:number}} event */
  async function editPoints(event) {
    const data = event.kind === "add"
      ? await session.call((id) => api.addPoint(id, "train", { input: event.input,
                                                                target: event.target }))
      : await session.call((id) => api.removePoint(id, event.part, event.index));
    store.apply("dataset", data);
  }

  function request() {
    const { batch_size } = store.state.training;  // λ: the network's own, on the server
    steps = Math.max(1, Math.min(steps, maxSteps));
    const drawable = inputs() <= 2;
    return { steps, batch_size, resolution: drawable ? resolution() : 0,
             functions_resolution: drawable ? PLOT.thumbnail : 0, ...plottedNode() };
  }

  /** One training call; returns the samples it trained on. */
  async function trainOnce() {
    const asked = request();
    const before = store.state.samplesTrained;
    const update = await session.call((id) => api.train(id, asked));
    // Aim for calls of about targetCallMs of the server's time (the page's own delays,
    // drawing included, must not shrink the calls).
    const ms = update.training.seconds * 1000;
    steps = Math.max(1, Math.round(asked.steps * Math.min(2, PLAY.targetCallMs / Math.max(ms, 0.5))));
    stats.stepsPerCall = asked.steps;
    stats.serverMs = ms;
    store.apply("trained", update);
    dirty = true;
    return Math.max(0, store.state.samplesTrained - before);
  }

  /** Draws what training brought since the last frame; a frame counts only if it drew a
   * new state (the benchmark reads these counts). */
  function frame() {
    if (dirty) {
      dirty = false;
      const started = performance.now();
      draw();
      stats.drawMs = performance.now() - started;  // the last frame's drawing time
      if (store.state.playing) stats.frames += 1;
    }
    if (!store.state.playing) return;
    requestAnimationFrame(frame);
  }

  /** Training calls back to back, two in flight, so that the server never waits for the
   * page to draw; ends (and redraws) once paused. */
  async function loop() {
    const inFlight = [];
    while (store.state.playing || inFlight.length) {
      while (store.state.playing && inFlight.length < PLAY.callsInFlight) {
        inFlight.push(trainOnce());
      }
      try {
        stats.samples += await inFlight.shift();
      } catch (e) {
        store.apply("playing", false);
        store.apply("status", `Training stopped: ${e.message}`);
      }
    }
    document.body.dataset.playing = "false";
    dirty = true;
    frame();
    onPause();
  }

  function play() {
    if (store.state.playing) return;
    const data = store.state.dataset;
    if (!data || data.train.length === 0) {
      store.apply("status", "Choose a dataset or add points before playing.");
      return;
    }
    Object.assign(stats, { frames: 0, samples: 0, since: performance.now() });
    store.apply("playing", true);
    document.body.dataset.playing = "true";
    requestAnimationFrame(frame);
    stopped = loop();
  }

  /** Stops after the calls in flight; resolves once their results are drawn. */
  function pause() {
    if (store.state.playing) store.apply("playing", false);
    return stopped;
  }

  return {
    play, pause, loadDataset, refreshFunction, refreshPictures, editPoints,
    toggle() { if (store.state.playing) pause(); else play(); },
  };
}
