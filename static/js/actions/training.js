/**
 * Training mode: the dataset, Play and Pause, and the calls behind them. Play opens a
 * WebSocket on which the server trains in short chunks and sends each chunk's outcome as a
 * frame (server/api/play.py); the page draws the frames in order, one per animation frame
 * (none merged into the next), and acknowledges what it drew, so that the server trains at
 * the pace of the drawing. Where a
 * WebSocket cannot be opened, training calls run back to back over HTTP instead (several in
 * flight). Either way the answers go into the store, and the plot, the loss chart and the
 * network are redrawn at most once per animation frame.
 */
import { api, ApiError, fromTraining } from "../server/api.js";
import { PLAY, PLOT } from "../lib/config.js";

/** The settings a frame says it trained with, compared with the network's. */
const SETTINGS = ["learning_rate", "l2", "activation", "output_activation", "loss"];
/** How many of the last frames drawn the benchmark's record keeps (about two seconds). */
const KEPT_FRAMES = 120;

/**
 * @param {{store: import("./resilient-call.js").Store,
 *          session: ReturnType<typeof import("./resilient-call.js").createSession>,
 *          draw: () => void, onPause: () => void, maxSteps: number,
 *          framesAhead: number}} ctx
 *   maxSteps: the server's limit on steps per call; framesAhead: the most frames the Play
 *   stream sends ahead of the page's acknowledgements, so the most that can have trained
 *   with old settings when a change is answered (both from /api/options)
 */
export function createTraining({ store, session, draw, onPause, maxSteps, framesAhead }) {
  let steps = 10;
  let dirty = false;
  let stopped = Promise.resolve();
  /** @type {WebSocket|null} the Play stream, while open */
  let socket = null;
  let lastFrame = 0;     // the newest frame of the stream put into the store
  /** @type {object[]} frames received on the stream, not yet drawn (at most two: the
   * server sends no more until they are acknowledged) */
  const received = [];
  let unseen = 0;  // frames put into the store without being drawn, since the last drawn
  let sentRequest = "";  // the settings the stream was last asked to train with
  /** @type {Record<string, unknown>|null} settings a change has asked the server for, not yet
   * answered: a frame trained with others is old already (the answer's body can come tens of
   * milliseconds after the server applied it, while frames are drawn) */
  let expected = null;
  // Frames that drew a new state, and samples trained, while playing (for the benchmark).
  const stats = { frames: 0, received: 0, samples: 0, since: 0, stepsPerCall: 0, serverMs: 0, drawMs: 0,
                  transport: "", /** @type {object|null} */ frameSettings: null,
                  /** @type {[number, object|null][]} the last frames drawn while playing:
                   * [frames, the settings it trained with] */
                  drawn: [] };
  /** @type {any} */ (window).backpropPlayStats = stats;

  const network = () => store.state.network;
  const inputs = () => network().layers[0];
  const plottedNode = () => store.state.plotted
    ?? { layer: network().layers.length - 1, node: 0 };
  const resolution = () => (inputs() === 1 ? PLOT.resolution1d : PLOT.resolution2d);

  /** The plotted node's output over the plot's domain, with the current weights, and every
   * node's own small picture. */
  async function refreshFunction() {
    const [func] = await Promise.all([
      inputs() > 2 ? null
        : session.call((id) => api.func(id, { resolution: resolution(), ...plottedNode() })),
      refreshPictures(),
    ]);
    store.apply("function", func);
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

  /** Puts a frame of the stream into the store (drawn at the next animation frame if
   * `draw`). @param {any} message @param {boolean} [draw] */
  function applyFrame(message, draw = true) {
    const { type: _t, frame: n, chunk_steps, settings, ...answer } = message;
    const before = store.state.samplesTrained;
    store.apply("trained", fromTraining(answer));
    stats.samples += Math.max(0, store.state.samplesTrained - before);
    stats.stepsPerCall = chunk_steps;
    stats.frameSettings = settings;  // what the frame trained with (for the benchmark)
    stats.transport = "websocket";
    stats.serverMs = answer.seconds * 1000;
    lastFrame = n;
    if (draw) dirty = true;
  }

  /** True for a frame trained with settings the page already knows to be old: a change was
   * asked for, or answered, before it came. @param {any} message */
  function stale(message) {
    const now = { .../** @type {Record<string, unknown>} */ (network()), ...expected };
    return SETTINGS.some((k) => k in message.settings && k in now && message.settings[k] !== now[k]);
  }

  /** Frames trained with other settings than `changes` are old from now on, until the
   * change is answered or refused (then null). @param {Record<string, unknown>|null} changes */
  function expect(changes) {
    expected = changes;
  }

  /** Frames trained with old settings go into the store unseen, at most framesAhead in a row,
   * and are acknowledged at once: a change shows in the next frame drawn. */
  function skipStale() {
    let skipped = false;
    while (received.length && unseen < framesAhead && stale(received[0])) {
      applyFrame(received.shift(), false);
      unseen += 1;
      skipped = true;
    }
    if (skipped) acknowledge();
  }

  /** Draws what training brought since the last frame: the oldest frame received on the
   * stream, or what HTTP calls brought; a frame counts only if it drew a new state (the
   * benchmark reads these counts). */
  function frame() {
    skipStale();
    if (received.length) applyFrame(received.shift());
    if (dirty) {
      dirty = false;
      unseen = 0;
      const started = performance.now();
      draw();
      stats.drawMs = performance.now() - started;  // the last frame's drawing time
      if (store.state.playing) {
        stats.frames += 1;
        stats.drawn.push([stats.frames, stats.frameSettings]);
        if (stats.drawn.length > KEPT_FRAMES) stats.drawn.shift();
      }
      acknowledge();
    }
    if (!store.state.playing && !received.length) return;
    requestAnimationFrame(frame);
  }

  /** Tells the stream what is drawn (it sends the next frames only then), and asks it for
   * other settings when the batch size or the plotted node changed. */
  function acknowledge() {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: "ack", frame: lastFrame }));
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
    socket?.send(JSON.stringify({ type: "play", ...asked }));
  }

  /** @param {string} id */
  function streamUrl(id) {
    const url = new URL(`/api/networks/${encodeURIComponent(id)}/play`, location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    return url.href;
  }

  /**
   * Play on the network `id` over a WebSocket until paused. Resolves once the server has
   * paused (every frame it sent applied), "unavailable" if no stream could be opened; an
   * error message rejects with an ApiError, as the HTTP call would.
   * @param {string} id @returns {Promise<void|"unavailable">}
   */
  function stream(id) {
    return new Promise((resolve, reject) => {
      let opened = false;
      let settled = false;
      const ws = new WebSocket(streamUrl(id));
      const end = (/** @type {() => void} */ settle) => {
        if (settled) return;
        settled = true;
        socket = null;
        while (received.length) applyFrame(/** @type {any} */ (received.shift()));
        ws.close();
        settle();
      };
      ws.onopen = () => {
        opened = true;
        socket = ws;
        lastFrame = 0;
        if (store.state.playing) askToPlay();
        else end(resolve);
      };
      ws.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.type === "frame") {
          // Drawn one per animation frame (frame()): a frame that arrives while another
          // waits is not merged into it, so that every frame the server trained is seen.
          received.push(message);
          if (store.state.playing) stats.received += 1;
          skipStale();
          // Paused meanwhile (by Pause, or by an action that stops Play): the stream stops.
          if (!store.state.playing) ws.send(JSON.stringify({ type: "pause" }));
        } else if (message.type === "paused") {
          end(resolve);
        } else if (message.type === "error") {
          end(() => reject(new ApiError(message.status, message.detail, message.errors)));
        }
      };
      ws.onclose = () => {
        if (opened) end(() => reject(new Error("the connection to the server was lost")));
        else end(() => resolve("unavailable"));
      };
    });
  }

  /** Play over the stream, re-created with the network if the server forgot it; over HTTP
   * if no stream can be opened. Ends (and redraws) once paused. */
  async function loop() {
    try {
      const outcome = await session.call((id) => stream(id));
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
    document.body.dataset.playing = "false";
    dirty = true;
    frame();
    onPause();
  }

  /** Training calls back to back, several in flight, so that the server never waits for
   * the page to draw; ends (and redraws) once paused. */
  async function httpLoop() {
    stats.transport = "http";
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
    document.body.dataset.playing = "true";
    requestAnimationFrame(frame);
    stopped = loop();
  }

  /** Stops after the chunk or calls in flight; resolves once their results are drawn. */
  function pause() {
    if (store.state.playing) store.apply("playing", false);
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "pause" }));
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
    play, pause, pauseSaying, loadDataset, refreshFunction, refreshPictures, editPoints, expect,
  };
}
