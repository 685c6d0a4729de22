/**
 * Training mode: the dataset, Play and Pause, and the calls behind them. Play opens the Play
 * stream (server/play-socket.js): the server trains in short chunks and sends each chunk's
 * outcome as a frame. Frames go into the store one per display frame, in order (none merged
 * into the next), as a task of the frame loop; once the frame that shows one is rendered,
 * the page acknowledges it, so that the server trains at the pace of the drawing. Where a
 * WebSocket cannot be opened, training calls run back to back over HTTP instead (several in
 * flight). Draws nothing itself: the views render what the store holds.
 */
import { api, ApiError, fromTraining } from "../server/api.js";
import { openPlaySocket } from "../server/play-socket.js";
import { PLAY, PLOT } from "../lib/config.js";
import { rawInputs } from "../explain/features.js";

/** The settings a frame says it trained with, compared with the network's. */
const SETTINGS = ["learning_rate", "l2", "l1", "optimizer", "momentum", "beta1", "beta2", "epsilon",
                  "activation", "output_activation", "loss"];
/** How many of the last frames drawn the benchmark's record keeps (about two seconds). */
const KEPT_FRAMES = 120;

/**
 * @param {{store: import("./resilient-call.js").Store, call: import("./resilient-call.js").Call,
 *          frames: ReturnType<typeof import("../lib/frame-loop.js").createFrameLoop>,
 *          maxSteps: number, framesAhead: number}} ctx
 *   maxSteps: the server's limit on steps per call; framesAhead: the most frames the Play
 *   stream sends ahead of the page's acknowledgements, so the most that can have trained
 *   with old settings when a change is answered (both from /api/options)
 */
export function createTraining({ store, call, frames, maxSteps, framesAhead }) {
  let steps = 10;
  let stopped = Promise.resolve();
  /** @type {ReturnType<typeof openPlaySocket>|null} the Play stream, while open */
  let socket = null;
  let lastFrame = 0;     // the newest frame of the stream put into the store
  /** @type {any[]} frames received on the stream, not yet in the store (at most
   * framesAhead beyond those acknowledged: the server sends no more until then) */
  const received = [];
  let unseen = 0;  // frames skipped in a row (trained with old settings)
  let sentRequest = "";  // the settings the stream was last asked to train with
  /** @type {Record<string, unknown>|null} settings a change has asked the server for, not yet
   * answered: a frame trained with others is old already (the answer's body can come tens of
   * milliseconds after the server applied it, while frames are drawn) */
  let expected = null;
  let fresh = false;  // a training answer went into the store since the last render
  // Frames that drew a new state, and samples trained, while playing (for the benchmark).
  const stats = { frames: 0, received: 0, samples: 0, since: 0, stepsPerCall: 0, serverMs: 0, drawMs: 0,
                  transport: "", /** @type {object|null} */ frameSettings: null,
                  /** @type {[number, object|null][]} the last frames drawn while playing:
                   * [frames, the settings it trained with] */
                  drawn: [] };

  const network = () => store.state.network;
  const inputs = () => rawInputs(network());
  const plottedNode = () => store.state.plotted
    ?? { layer: network().layers.length - 1, node: 0 };
  const resolution = () => (inputs() === 1 ? PLOT.resolution1d : PLOT.resolution2d);

  // A frame counts once it is rendered; then the stream hears it is drawn.
  frames.afterRender(() => {
    if (!fresh) return;
    fresh = false;
    unseen = 0;
    stats.drawMs = frames.lastRenderMs;  // the last frame's rendering time
    if (store.state.playing) {
      stats.frames += 1;
      stats.drawn.push([stats.frames, stats.frameSettings]);
      if (stats.drawn.length > KEPT_FRAMES) stats.drawn.shift();
    }
    acknowledge();
  });

  /** The plotted node's output over the plot's domain, with the current weights, every
   * node's own small picture, and the fit over the data. */
  async function refreshFunction() {
    const [func] = await Promise.all([
      inputs() > 2 ? null
        : call((id) => api.func(id, { resolution: resolution(), ...plottedNode() })),
      refreshPictures(),
      refreshFit(),
    ]);
    store.apply("function", func);
  }

  /** The loss and accuracy over the training and test points, as the server computes them
   * (the page does not compute them again). */
  async function refreshFit() {
    store.apply("fit", store.state.dataset ? await call((id) => api.fit(id)) : null);
  }

  async function refreshPictures() {
    store.apply("pictures", inputs() > 2 ? null
      : await call((id) => api.functions(id, PLOT.thumbnail)));
  }

  /** @param {object} spec a built-in dataset's spec or {points, test_fraction} (what the page
   * keeps beside own points, their columns `about`, is not the server's) */
  async function loadDataset(spec) {
    const { about: _about, left_out: _left, .../** @type {any} */ body } = /** @type {any} */ (spec);
    store.apply("dataset", await call((id) => api.setDataset(id, body)));
    await refreshFunction();
  }

  /** @param {{kind:"add", input:number[], target:number[]} |
   *          {kind:"remove", part:"train"|"test", index:number}} event */
  async function editPoints(event) {
    const data = event.kind === "add"
      ? await call((id) => api.addPoint(id, "train", { input: event.input, target: event.target }))
      : await call((id) => api.removePoint(id, event.part, event.index));
    store.apply("dataset", data);
    await refreshFit();
  }

  /** Play's cap on updates per frame (the learner's speed), or null for none. */
  const perFrame = () => store.state.training.steps_per_frame ?? null;

  /** What a training call (or the stream) trains and plots, but its steps. */
  function settings() {
    const { batch_size } = store.state.training;  // λ: the network's own, on the server
    const drawable = inputs() <= 2;
    return { batch_size, resolution: drawable ? resolution() : 0,
             functions_resolution: drawable ? PLOT.thumbnail : 0, ...plottedNode() };
  }

  /** One training call over HTTP; returns the samples it trained on. */
  async function trainOnce() {
    steps = Math.max(1, Math.min(steps, maxSteps, perFrame() ?? maxSteps));
    const asked = { steps, ...settings() };
    const before = store.state.samplesTrained;
    const update = await call((id) => api.train(id, asked));
    // Aim for calls of about targetCallMs of the server's time (the page's own delays,
    // drawing included, must not shrink the calls).
    const ms = update.training.seconds * 1000;
    steps = Math.max(1, Math.round(asked.steps * Math.min(2, PLAY.targetCallMs / Math.max(ms, 0.5))));
    stats.stepsPerCall = asked.steps;
    stats.serverMs = ms;
    store.apply("trained", update);
    fresh = true;
    return Math.max(0, store.state.samplesTrained - before);
  }

  /** Puts a frame of the stream into the store; `counted`: it is the one this display frame
   * shows. @param {any} message @param {boolean} counted */
  function applyFrame(message, counted) {
    const { type: _t, frame: n, chunk_steps, settings: trainedWith, skipped: _s, ...answer } = message;
    const before = store.state.samplesTrained;
    store.apply("trained", fromTraining(answer));
    stats.samples += Math.max(0, store.state.samplesTrained - before);
    stats.stepsPerCall = chunk_steps;
    stats.frameSettings = trainedWith;  // what the frame trained with (for the benchmark)
    stats.serverMs = answer.seconds * 1000;
    lastFrame = Math.max(lastFrame, n);
    if (counted) fresh = true;
  }

  /** True for a frame trained with settings the page already knows to be old: a change was
   * asked for, or answered, before it came. @param {any} message */
  function stale(message) {
    const now = { .../** @type {Record<string, unknown>} */ (network()), ...expected };
    return SETTINGS.some((k) => k in message.settings && k in now && message.settings[k] !== now[k]);
  }

  /** Frames trained with old settings are acknowledged at once (at most framesAhead in a
   * row), so that the server trains on; they go into the store with the next frame drawn,
   * unseen: a change shows in the next frame drawn. */
  function skipStale() {
    let skipped = false;
    for (const message of received) {
      if (message.skipped) continue;
      if (unseen >= framesAhead || !stale(message)) break;
      message.skipped = true;
      unseen += 1;
      skipped = true;
      socket?.ack(message.frame);
    }
    if (skipped) askAgainIfChanged();
  }

  /** The frame task: the oldest frame received that is not skipped goes into the store,
   * after the skipped ones before it (unseen); skipped ones alone wait for it, unless Play
   * has stopped. @returns {boolean} whether to run again next frame */
  function pump() {
    skipStale();
    const next = received.findIndex((m) => !m.skipped);
    const upTo = next >= 0 ? next : store.state.transport ? -1 : received.length - 1;
    for (let n = 0; n <= upTo; n++) {
      const message = received.shift();
      applyFrame(message, !message.skipped);
    }
    return store.state.transport !== null || received.length > 0;
  }

  /** Tells the stream what is drawn (it sends the next frames only then), and asks it for
   * other settings when the batch size or the plotted node changed. */
  function acknowledge() {
    if (!socket?.isOpen) return;
    socket.ack(lastFrame);
    askAgainIfChanged();
  }

  function askAgainIfChanged() {
    if (store.state.playing && JSON.stringify(streamRequest()) !== sentRequest) askToPlay();
  }

  /** What the stream trains: `steps` is the most updates per frame (absent: no cap). */
  function streamRequest() {
    const cap = perFrame();
    return cap === null ? settings() : { ...settings(), steps: cap };
  }

  function askToPlay() {
    const asked = streamRequest();
    sentRequest = JSON.stringify(asked);
    socket?.play(asked);
  }

  /**
   * Play on the network `id` over a WebSocket until paused. Resolves once the server has
   * paused (every frame it sent received), "unavailable" if no stream could be opened; an
   * error message rejects with an ApiError, as the HTTP call would.
   * @param {string} id @returns {Promise<void|"unavailable">}
   */
  function stream(id) {
    return new Promise((resolve, reject) => {
      let settled = false;
      /** @type {ReturnType<typeof openPlaySocket>} */
      let ws;
      const end = (/** @type {() => void} */ settle) => {
        if (settled) return;
        settled = true;
        socket = null;
        ws.close();
        settle();
      };
      ws = openPlaySocket(id, {
        open() {
          socket = ws;
          // Frames of an earlier stream (a network the server forgot, re-created since) are
          // not this one's: their numbers would be acknowledged here as frames never sent.
          received.length = 0;
          lastFrame = 0;
          stats.transport = "websocket";
          store.apply("transport", "websocket");
          if (store.state.playing) askToPlay();
          else end(resolve);
        },
        message(message) {
          if (settled) return;  // a stream ended: what it still sends is not this Play's
          if (message.type === "frame") {
            // Drawn one per display frame (pump): a frame that arrives while another waits
            // is not merged into it, so that every frame the server trained is seen.
            received.push(message);
            if (store.state.playing) stats.received += 1;
            skipStale();
            // Paused meanwhile (by Pause, or by an action that stops Play): the stream stops.
            if (!store.state.playing) ws.pause();
          } else if (message.type === "paused") {
            end(resolve);
          } else if (message.type === "error") {
            end(() => reject(new ApiError(message.status, message.detail, message.errors)));
          }
        },
        close(opened) {
          if (opened) end(() => reject(new Error("the connection to the server was lost")));
          else end(() => resolve("unavailable"));
        },
      });
    });
  }

  /** Play over the stream, re-created with the network if the server forgot it; over HTTP
   * if no stream can be opened. Ends once paused, with every frame received in the store. */
  async function loop() {
    try {
      const outcome = await call((id) => stream(id));
      if (outcome === "unavailable" && store.state.playing) {
        await httpLoop();
        return;
      }
    } catch (e) {
      store.apply("playing", false);
      store.apply("status", `Training stopped: ${/** @type {Error} */ (e).message}`);
    }
    finished();
  }

  function finished() {
    while (received.length) applyFrame(received.shift(), true);
    store.apply("transport", null);
  }

  /** Play with a comparison: each round, the same number of updates on both networks (the
   * second's batch size its own), over HTTP; ends once paused. */
  async function compareLoop() {
    stats.transport = "http";
    store.apply("transport", "http");
    while (store.state.playing && store.state.compare) {
      const c = store.state.compare;
      steps = Math.max(1, Math.min(steps, maxSteps, perFrame() ?? maxSteps));
      const asked = { steps, ...settings() };
      const before = store.state.samplesTrained;
      try {
        const [a, b] = await Promise.all([
          call((id) => api.train(id, asked)),
          api.train(c.network.id, { ...asked, batch_size: c.batch_size, layer: c.network.layers.length - 1,
                                    node: 0, functions_resolution: 0 }),
        ]);
        const ms = Math.max(a.training.seconds, b.training.seconds) * 1000;
        steps = Math.max(1, Math.round(asked.steps * Math.min(2, PLAY.targetCallMs / Math.max(ms, 0.5))));
        store.apply("trained", a);
        store.apply("compare-trained", { main: a, other: b });
        stats.samples += Math.max(0, store.state.samplesTrained - before);
        fresh = true;
        await frames.afterNextPaint();  // one round a frame: both drawn as they trained
      } catch (e) {
        store.apply("playing", false);
        store.apply("status", `Training stopped: ${e.message}`);
      }
    }
    finished();
  }

  /** Training calls back to back, several in flight, so that the server never waits for
   * the page to draw; ends once paused. */
  async function httpLoop() {
    stats.transport = "http";
    store.apply("transport", "http");
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
    finished();
  }

  function play() {
    if (store.state.playing) return;
    const data = store.state.dataset;
    if (!data || data.train.length === 0) {
      store.apply("status", "Choose a dataset or add points before playing.");
      return;
    }
    Object.assign(stats, { frames: 0, received: 0, samples: 0, since: performance.now() });
    store.apply("playing", true);
    store.apply("transport", "starting");
    frames.everyFrame(pump);
    stopped = store.state.compare ? compareLoop() : loop();
  }

  /** Stops after the chunk or calls in flight; resolves once their results are in the store. */
  function pause() {
    if (store.state.playing) store.apply("playing", false);
    socket?.pause();
    return stopped;
  }

  /** Pauses, and if Play was on says so with `note` (Play stopped by another action).
   * @param {string} note @returns {Promise<boolean>} whether Play was on */
  async function pauseSaying(note) {
    const playing = store.state.playing;
    await pause();
    if (playing) store.apply("note", note);
    return playing;
  }

  return {
    play, pause, pauseSaying, loadDataset, refreshFunction, refreshPictures, editPoints,
    /** Frames trained with other settings than `changes` are old from now on, until the
     * change is answered or refused (then null). @param {Record<string, unknown>|null} changes */
    expect(changes) { expected = changes; },
    stats,
  };
}
