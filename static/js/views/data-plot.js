/**
 * The data and what the network makes of it, on a canvas: for one input, the points and the
 * curve y(x); for two inputs, the output as a heatmap under the points (as in TensorFlow
 * Playground); for classes (a softmax output), each region in the colour of its winning
 * class, the deeper the more confident, the points in the colour of their true class. Click
 * to add a point; Alt+click removes the nearest one.
 */
import { classColour, colour, rgbOf } from "../lib/colours.js";
import { PLOT } from "../lib/config.js";
import { changeCheck, differs } from "../lib/memo.js";

/**
 * @param {HTMLCanvasElement} canvas
 * @param {number[]} domain [low, high] of every input axis (the server's plot domain)
 * @param {(event: {kind:"add", input:number[], target:number[]} |
 *                 {kind:"remove", part:"train"|"test", index:number}) => void} onPoint
 */
export function createPlot(canvas, domain, onPoint) {
  const ctx = canvas.getContext("2d");
  const [lo, hi] = domain;
  const [ylo, yhi] = PLOT.curveRange;
  let last = { dataset: null, func: null, inputs: 1 };
  let size = 0;

  const toX = (v) => ((v - lo) / (hi - lo)) * size;
  const toY = (v, inputs) => (inputs === 1 ? (1 - (v - ylo) / (yhi - ylo)) * size
                                           : (1 - (v - lo) / (hi - lo)) * size);
  const fromX = (px) => lo + (px / size) * (hi - lo);
  const fromY = (py, inputs) => (inputs === 1 ? ylo + (1 - py / size) * (yhi - ylo)
                                              : lo + (1 - py / size) * (hi - lo));

  /** @param {number} width CSS pixels */
  function resize(width) {
    const ratio = window.devicePixelRatio || 1;
    size = width;
    canvas.width = Math.round(size * ratio);
    canvas.height = Math.round(size * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  /** @type {OffscreenCanvasRenderingContext2D|null} the heat map's pixels, one per value */
  let heat = null;
  /**
   * A value of the output's scale as a colour and a depth: 0 is --negative, 0.5 white, 1
   * --positive, the depth 0 (white) to 1 (the full colour). @param {number} value
   * @param {number[][]} ends the two colours, read once per drawing (not per pixel)
   * @returns {[number[], number]}
   */
  function scaleOf(value, ends) {
    const v = Math.min(1, Math.max(0, value));
    return v < 0.5 ? [ends[0], 1 - 2 * v] : [ends[1], 2 * v - 1];
  }
  const scaleEnds = () => [rgbOf("--negative"), rgbOf("--positive")];

  /**
   * An n × n grid painted over the plot, each point a colour mixed with white by its depth
   * (times `fade`, so that the points stay readable on it).
   * @param {number} n @param {(r:number, c:number) => [number[], number]} pixel @param {number} fade
   */
  function paint(n, pixel, fade) {
    if (heat?.canvas.width !== n) heat = new OffscreenCanvas(n, n).getContext("2d");
    const image = new ImageData(n, n);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const [from, w] = pixel(r, c);
        const i = ((n - 1 - r) * n + c) * 4;  // row 0 is the lowest x2: the bottom
        for (let ch = 0; ch < 3; ch++) image.data[i + ch] = 255 + (from[ch] - 255) * w * fade;
        image.data[i + 3] = 255;
      }
    }
    heat.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(heat.canvas, 0, 0, size, size);
  }

  /** @param {any} values (rows of numbers) @param {boolean} discretize each value as 0 or 1 (at 0.5) */
  function heatmap(values, discretize) {
    const ends = scaleEnds();
    paint(values.length, (r, c) => scaleOf(discretize ? (values[r][c] >= 0.5 ? 1 : 0)
                                                       : values[r][c], ends), 0.75);
  }

  /** Each grid point in its winning class's colour, as deep as the class's probability is
   * above chance (1/K: white; 1: the full shade). @param {number[][]} classes
   * @param {number[][]} confidence @param {number} K classes @param {boolean} discretize
   * every region at its full shade */
  function classMap(classes, confidence, K, discretize) {
    const inks = Array.from({ length: K }, (_, k) => rgbOf(classColour(k)));
    paint(classes.length, (r, c) => [inks[classes[r][c]] ?? inks[0], discretize ? 1
      : Math.min(1, Math.max(0, (confidence[r][c] - 1 / K) / (1 - 1 / K)))], 0.6);
  }

  function axes(ctx, inputs) {
    ctx.strokeStyle = colour("--line");
    ctx.lineWidth = 1;
    ctx.fillStyle = colour("--muted");
    ctx.font = "11px system-ui, sans-serif";
    for (const v of [-1, 0, 1]) {
      ctx.beginPath();
      ctx.moveTo(toX(v), 0);
      ctx.lineTo(toX(v), size);
      ctx.stroke();
      ctx.fillText(String(v), toX(v) + 3, size - 4);
    }
    for (const v of inputs === 1 ? [0, 0.5, 1] : [-1, 0, 1]) {
      ctx.beginPath();
      ctx.moveTo(0, toY(v, inputs));
      ctx.lineTo(size, toY(v, inputs));
      ctx.stroke();
      ctx.fillText(String(v), 3, toY(v, inputs) - 3);
    }
  }

  // What does not change from frame to frame (the axes; the points, per dataset) is drawn
  // once on a layer of its own, then copied on every frame.
  const layers = new Map();

  /** @param {string} name @param {Record<string, unknown>} key what the layer shows
   * @param {(ctx: OffscreenCanvasRenderingContext2D) => void} paint */
  function fromLayer(name, key, paint) {
    const ratio = window.devicePixelRatio || 1;
    const full = { ...key, size, ratio };
    let layer = layers.get(name);
    if (!layer || differs(layer.key, full)) {
      const canvas = new OffscreenCanvas(Math.round(size * ratio), Math.round(size * ratio));
      const target = canvas.getContext("2d");
      target.setTransform(ratio, 0, 0, ratio, 0, 0);
      paint(target);
      layer = { key: full, canvas };
      layers.set(name, layer);
    }
    ctx.drawImage(layer.canvas, 0, 0, size, size);
  }

  /** The colour of a value on the heat map's scale (0: --negative, 0.5: white, 1:
   * --positive), at full depth. @param {number} value */
  function onScale(value) {
    const [from, w] = scaleOf(value, scaleEnds());
    const [r, g, b] = from.map((ch) => Math.round(255 + (ch - 255) * w));
    return `rgb(${r}, ${g}, ${b})`;
  }

  function drawPoints(ctx, dataset, inputs, showTest) {
    const draw = (list, hollow) => {
      for (const p of list) {
        const x = toX(p.input[0]);
        const y = toY(inputs === 1 ? p.target[0] : p.input[1], inputs);
        ctx.beginPath();
        ctx.arc(x, y, PLOT.pointRadius, 0, 2 * Math.PI);
        const t = p.target[0];
        // a 2-input regression target (not 0 or 1): its value, on the heat map's scale
        const scaled = inputs === 2 && p.target.length === 1 && t !== 0 && t !== 1;
        const ink = inputs === 1 ? colour("--ink")
          : p.target.length > 1 ? colour(classColour(trueClass(p.target)))
          : scaled ? onScale(t)
          : colour(t >= 0.5 ? "--positive" : "--negative");
        ctx.lineWidth = scaled ? 1 : 1.5;
        ctx.strokeStyle = hollow ? ink : scaled ? colour("--ink") : "#fff";
        ctx.fillStyle = ink;
        if (!hollow) ctx.fill();
        if (hollow && scaled) {  // a ring of the target's colour inside a grey one
          ctx.strokeStyle = colour("--muted");
          ctx.stroke();
          ctx.beginPath();
          ctx.arc(x, y, PLOT.pointRadius - 1.5, 0, 2 * Math.PI);
          ctx.lineWidth = 2;
          ctx.strokeStyle = ink;
        }
        ctx.stroke();
      }
    };
    draw(dataset.train, false);
    if (showTest) draw(dataset.test, true);
  }

  /** @param {any} values (numbers) @param {boolean} discretize as a step: 0 or 1 at 0.5 */
  function curve(values, discretize) {
    ctx.strokeStyle = colour("--positive");
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    values.forEach((v, c) => {
      const x = toX(lo + (c / (values.length - 1)) * (hi - lo));
      const y = toY(discretize ? (v >= 0.5 ? 1 : 0) : Math.min(yhi + 1, Math.max(ylo - 1, v)), 1);
      if (c && discretize && (v >= 0.5) !== (values[c - 1] >= 0.5)) {
        ctx.lineTo(x, toY(values[c - 1] >= 0.5 ? 1 : 0, 1));  // the step, upright
      }
      if (c) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
    });
    ctx.stroke();
  }

  const changed = changeCheck();

  /**
   * @param {{dataset: import("../server/api.js").Dataset|null,
   *          func: import("../server/api.js").FunctionOut|null, inputs: number,
   *          marker?: {input:number[], target:number[]}|null, width:number,
   *          showTest?: boolean, discretize?: boolean}} state
   *   marker: the sample being stepped through, ringed; width: the canvas's CSS width;
   *   showTest: the test points drawn (hollow); discretize: the output as 0 or 1, cut at 0.5
   */
  function draw(state) {
    last = state;
    const width = state.width || PLOT.size;  // not laid out yet (0): drawn at the default size
    // Drawn again only when something it shows changed (the values, not their wrapper).
    if (!changed({ dataset: state.dataset, values: state.func?.values, inputs: state.inputs,
                   marker: state.marker ? JSON.stringify(state.marker) : "", width,
                   showTest: state.showTest ?? true, discretize: Boolean(state.discretize) })) {
      return;
    }
    const showTest = state.showTest ?? true;
    const discretize = Boolean(state.discretize);
    if (width !== size) resize(width);
    ctx.clearRect(0, 0, size, size);
    const inputs = state.inputs;
    const K = state.dataset?.train[0]?.target.length ?? state.dataset?.test[0]?.target.length ?? 0;
    if (state.func?.classes && inputs === 2) {
      classMap(state.func.classes, state.func.confidence, Math.max(2, K, maxClass(state.func.classes) + 1),
               discretize);
    } else if (state.func && inputs === 2) heatmap(state.func.values, discretize);
    fromLayer("axes", { inputs }, (target) => axes(target, inputs));
    if (state.func && inputs === 1) curve(state.func.values, discretize);
    const dataset = state.dataset;
    if (dataset) {
      fromLayer("points", { dataset, inputs, showTest },
                (target) => drawPoints(target, dataset, inputs, showTest));
    }
    if (state.marker) ring(state.marker, state.inputs);
    // The fit's first and last values, for the tests to check the fit drawn is current.
    const flat = state.func ? state.func.values.flat() : [];
    canvas.dataset.fitEnds = flat.length ? JSON.stringify([flat[0], flat.at(-1)]) : "";
  }

  function ring(p, inputs) {
    const x = toX(p.input[0]);
    const y = toY(inputs === 1 ? p.target[0] : p.input[1], inputs);
    ctx.strokeStyle = colour("--selected");
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.arc(x, y, PLOT.pointRadius + 6, 0, 2 * Math.PI);
    ctx.stroke();
  }

  function nearest(px, py) {
    let best = null;
    for (const part of ["train", "test"]) {
      (last.dataset?.[part] ?? []).forEach((p, index) => {
        const y = last.inputs === 1 ? p.target[0] : p.input[1];
        const d = Math.hypot(toX(p.input[0]) - px, toY(y, last.inputs) - py);
        if (d < PLOT.pickRadius && (!best || d < best.d)) best = { d, part, index };
      });
    }
    return best;
  }

  canvas.addEventListener("click", (e) => {
    const box = canvas.getBoundingClientRect();  // at the click, not while rendering
    const px = e.clientX - box.left;
    const py = e.clientY - box.top;
    if (e.altKey) {
      const hit = nearest(px, py);
      if (hit) onPoint({ kind: "remove", part: hit.part, index: hit.index });
      return;
    }
    const x = fromX(px);
    const y = fromY(py, last.inputs);
    const K = last.dataset?.train[0]?.target.length ?? 1;
    if (last.inputs === 1) onPoint({ kind: "add", input: [x], target: [y] });
    else if (K > 1) {  // classes: click adds class 1, Shift+click class 2, Ctrl+click class 3
      const k = Math.min(K - 1, e.ctrlKey || e.metaKey ? 2 : e.shiftKey ? 1 : 0);
      onPoint({ kind: "add", input: [x, y], target: Array.from({ length: K }, (_, c) => (c === k ? 1 : 0)) });
    } else onPoint({ kind: "add", input: [x, y], target: [e.shiftKey ? 0 : 1] });
  });

  return { draw };
}

/** A one-hot (or probability) target's class: its largest entry. @param {number[]} t */
export const trueClass = (t) => t.reduce((best, v, k) => (v > t[best] ? k : best), 0);

/** @param {number[][]} classes */
const maxClass = (classes) => classes.reduce((m, row) => Math.max(m, ...row), 0);
