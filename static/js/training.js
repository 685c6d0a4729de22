/**
 * Training mode: the dataset, Play and Pause, the loss chart and the plot of the network's
 * output (or of one hidden node's), redrawn at up to one frame per animation frame while
 * training calls run back to back on the server.
 */
import { api } from "./api.js";
import { PLAY, PLOT } from "./config.js";
import { createLossChart } from "./loss-chart.js";
import { createPlot } from "./plot.js";

/**
 * @param {{session: ReturnType<typeof import("./session.js").createSession>,
 *          tpanel: ReturnType<typeof import("./training-panel.js").bindTrainingPanel>,
 *          run: (action: () => Promise<void>) => Promise<void>,
 *          showStatus: (message: string) => void,
 *          onWeights: () => void, onPause: () => void}} ctx
 */
export function createTraining({ session, tpanel, run, showStatus, onWeights, onPause }) {
  const chart = createLossChart(tpanel.chartCanvas, PLAY.maxChartPoints);
  const plot = createPlot(tpanel.plotCanvas, (event) => run(() => editPoints(event)));
  let playing = false;
  let steps = 10;
  let func = null;
  let plotted = null;  // {layer, node} of a hidden node, or null for the output
  let dirty = false;
  let trainedSoFar = 0;  // samples_trained as of the last call
  let epoch = 0;
  // Frames drawn and samples trained while playing, for the benchmark and the curious.
  const stats = { frames: 0, samples: 0, since: 0 };
  window.backpropPlayStats = stats;

  const inputs = () => session.network.layers[0];
  const target = () => plotted ?? { layer: session.network.layers.length - 1, node: 0 };
  const resolution = () => (inputs() === 1 ? PLOT.resolution1d : PLOT.resolution2d);

  function caption() {
    const t = plotted;
    tpanel.setCaption(t ? `Showing the output y of node ${t.node + 1} of hidden layer ${t.layer}` +
                          " (click it again for the network's output)"
                        : "Showing the network's output y over the data");
  }

  function draw() {
    plot.draw({ dataset: session.dataset, func, inputs: inputs() });
    chart.draw();
  }

  async function refreshFunction() {
    if (inputs() > 2) {
      func = null;
      tpanel.setCaption("The plot shows networks with 1 or 2 inputs.");
    } else {
      func = await session.call((id) => api.func(id, { resolution: resolution(), ...target() }));
      caption();
    }
    draw();
  }

  async function loadDataset(spec = tpanel.datasetSpec()) {
    session.setDataset(await session.call((id) => api.setDataset(id, spec)));
    tpanel.setDatasetSpec(session.dataset);
    await refreshFunction();
  }

  async function editPoints(event) {
    const data = event.kind === "add"
      ? await session.call((id) => api.addPoint(id, "train", { input: event.input,
                                                                target: event.target }))
      : await session.call((id) => api.removePoint(id, event.part, event.index));
    session.setDataset(data);
    draw();
  }

  function request() {
    const { batch_size, l2 } = tpanel.trainingSettings();
    steps = Math.max(1, Math.min(steps, PLAY.maxSteps));
    return { steps, batch_size, l2, resolution: inputs() <= 2 ? resolution() : 0, ...target() };
  }

  /** One training call; returns the samples it trained on. */
  async function trainOnce() {
    const asked = request();
    const out = await session.call((id) => api.train(id, asked));
    // Aim for calls of about targetCallMs of the server's time (the page's own delays,
    // drawing included, must not shrink the calls).
    const ms = out.seconds * 1000;
    steps = Math.max(1, Math.round(asked.steps * Math.min(2, PLAY.targetCallMs / Math.max(ms, 0.5))));
    stats.stepsPerCall = asked.steps;
    stats.serverMs = ms;
    if (out.step <= session.network.step) return 0;  // an answer overtaken by a later one
    const trained = Math.max(0, out.samples_trained - trainedSoFar);
    trainedSoFar = out.samples_trained;
    session.absorbTraining(out);
    if (out.function) func = out.function;
    chart.add(out.step, out.train_loss, out.test_loss);
    epoch = out.epoch;
    tpanel.setCounter(out.step, epoch);
    dirty = true;
    return trained;
  }

  function frame() {
    if (dirty) {
      dirty = false;
      onWeights();
      draw();
    }
    if (!playing) return;
    stats.frames += 1;
    requestAnimationFrame(frame);
  }

  /** Training calls back to back, two in flight, so that the server never waits for the
   * page to draw; ends (and redraws) once paused. */
  async function loop() {
    const inFlight = [];
    while (playing || inFlight.length) {
      while (playing && inFlight.length < PLAY.callsInFlight) inFlight.push(trainOnce());
      try {
        stats.samples += await inFlight.shift();
      } catch (e) {
        playing = false;
        showStatus(`Training stopped: ${e.message}`);
      }
    }
    tpanel.setPlaying(false);
    document.body.dataset.playing = "false";
    frame();
    onPause();
  }

  let stopped = Promise.resolve();

  function play() {
    if (playing) return;
    if (!session.dataset || session.dataset.train.length === 0) {
      showStatus("Choose a dataset or add points before playing.");
      return;
    }
    playing = true;
    Object.assign(stats, { frames: 0, samples: 0, since: performance.now() });
    tpanel.setPlaying(true);
    document.body.dataset.playing = "true";
    requestAnimationFrame(frame);
    stopped = loop();
  }

  /** Stops after the calls in flight; resolves once their results are drawn. */
  function pause() {
    playing = false;
    return stopped;
  }

  /** A node was selected in the drawing: a hidden node's output goes on the plot. */
  function selectNode(sel) {
    const L = session.network.layers.length;
    const hidden = sel?.type === "node" && sel.l > 0 && sel.l < L - 1;
    plotted = hidden ? { layer: sel.l, node: sel.j } : null;
    if (!playing) run(refreshFunction);
    else caption();
  }

  /** A new network: the chart and counters start again. */
  function restart() {
    chart.clear();
    plotted = null;
    trainedSoFar = 0;
    epoch = 0;
    tpanel.setCounter(session.network.step, 0);
  }

  return {
    play, pause, loadDataset, refreshFunction, selectNode, restart, draw,
    /** @param {{input:number[], target:number[]}} point */
    addPoint: (point) => editPoints({ kind: "add", ...point }),
    /** The counter follows updates made step by step too. */
    showStep() { tpanel.setCounter(session.network.step, epoch); },
    get playing() { return playing; },
    toggle() { if (playing) pause(); else play(); },
  };
}
