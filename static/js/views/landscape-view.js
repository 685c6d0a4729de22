/**
 * The loss landscape (docs/teaching.md §5): E over a grid of two parameters around their current
 * values, every other parameter fixed, as a heat map with its colour scale; the current
 * point, the negative-gradient arrow there, and the path the updates took. Over the current
 * sample or the whole training set.
 */
import { colour, rgbOf } from "../lib/colours.js";
import { fmt } from "../lib/format.js";
import { symbolText, weightIndex } from "../explain/notation.js";
import { setText } from "../lib/svg.js";

/** Every weight and bias of `layers`, as the API names them, with a reader's label. */
export function parameters(layers) {
  const out = [];
  for (let k = 0; k < layers.length - 1; k++) {
    for (let i = 0; i < layers[k]; i++) {
      for (let j = 0; j < layers[k + 1]; j++) {
        out.push({ ref: { kind: "weight", k, i, j }, label: symbolText("w", k + 1, weightIndex(i, j)) });
      }
    }
    for (let j = 0; j < layers[k + 1]; j++) {
      out.push({ ref: { kind: "bias", k, j }, label: symbolText("b", k + 1, `${j + 1}`) });
    }
  }
  return out;
}

/** The label of a parameter of `layers` ({kind, k, i?, j}), as the page writes it. */
export function parameterLabel(ref) {
  return ref.kind === "weight" ? symbolText("w", ref.k + 1, weightIndex(ref.i, ref.j))
    : symbolText("b", ref.k + 1, `${ref.j + 1}`);
}

/**
 * The numbers the colour scale is labelled with: E at its left end, its middle and its right
 * end. The colours run on a square-root scale, so the middle is a quarter of the way up in E.
 * @param {number} lo @param {number} hi
 */
export function scaleTicks(lo, hi) {
  return [lo, lo + 0.25 * (hi - lo), hi];
}

/**
 * @param {{canvas:HTMLCanvasElement, scale:HTMLCanvasElement, caption:HTMLElement,
 *          scaleLabels:HTMLElement}} els
 */
export function createLandscape({ canvas, scale, caption, scaleLabels }) {
  const ctx = canvas.getContext("2d");
  const sctx = scale.getContext("2d");
  /** Sets a canvas's pixel size, only when it changes (each setting makes a new bitmap). */
  const fit = (c, w, h) => {
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
  };

  /**
   * Draws E over the grid, its axes' ticks, the path of the updates and the −gradient arrow.
   * @param {any} last the server's grid @param {number[][]} path (a, b) after each update
   * @param {number} size the canvas's CSS width @param {number} sw the scale's CSS width
   * @param {boolean} [slope] false while the backward walk has not yet reached the two
   *   parameters: no ∂E/∂a, ∂E/∂b or arrow then
   */
  function draw(last, path, size, sw, slope = true) {
    const n = last.a_values.length;
    size ||= 320;
    const ratio = window.devicePixelRatio || 1;
    fit(canvas, Math.round(size * ratio), Math.round(size * ratio));
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size, size);
    const flat = last.E.flat();
    const lo = Math.min(...flat);
    const hi = Math.max(...flat);
    const [low, high] = [rgbOf("--positive"), rgbOf("--negative")];
    const tint = (v) => {  // low E blue, high E orange, on a square-root scale
      const t = Math.sqrt((v - lo) / (hi - lo || 1));
      return low.map((c, k) => Math.round(c + (high[k] - c) * t));
    };
    const image = new ImageData(n, n);
    last.E.forEach((row, r) => row.forEach((v, c) => {
      const i = ((n - 1 - r) * n + c) * 4;  // row 0 is the lowest b: the bottom
      image.data.set([...tint(v), 255], i);
    }));
    const off = new OffscreenCanvas(n, n);
    off.getContext("2d").putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(off, 0, 0, size, size);
    const [a0, a1] = [last.a_values[0], last.a_values[n - 1]];
    const [b0, b1] = [last.b_values[0], last.b_values[n - 1]];
    const X = (a) => ((a - a0) / (a1 - a0)) * size;
    const Y = (b) => (1 - (b - b0) / (b1 - b0)) * size;
    ctx.strokeStyle = colour("--ink");
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    path.forEach(([a, b], k) => (k ? ctx.lineTo(X(a), Y(b)) : ctx.moveTo(X(a), Y(b))));
    ctx.stroke();
    const { a, b } = last.current;
    const g = last.gradient;
    const norm = Math.hypot(g.a, g.b);
    // a gradient of about 0 (a minimum, to rounding) has no direction: no arrow
    const noSlope = !(norm > 1e-9 * Math.max(1, Math.abs(last.current.E)));
    const arrow = size * 0.15;
    // the arrow down the slope (−gradient), with its head
    const [ux, uy] = noSlope ? [0, 0] : [-g.a / norm, g.b / norm];  // screen y grows downward
    const [tipX, tipY] = [X(a) + ux * arrow, Y(b) + uy * arrow];
    ctx.strokeStyle = colour("--backward");
    ctx.fillStyle = colour("--backward");
    ctx.lineWidth = 2.5;
    if (slope && !noSlope) {
      ctx.beginPath();
      ctx.moveTo(X(a), Y(b));
      ctx.lineTo(tipX - ux * 8, tipY - uy * 8);
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(tipX, tipY);
      ctx.lineTo(tipX - ux * 11 - uy * 6, tipY - uy * 11 + ux * 6);
      ctx.lineTo(tipX - ux * 11 + uy * 6, tipY - uy * 11 - ux * 6);
      ctx.closePath();
      ctx.fill();
    }
    ticks(a0, a, a1, b0, b, b1, X, Y, size);
    ctx.fillStyle = colour("--ink");
    ctx.beginPath();
    ctx.arc(X(a), Y(b), 5, 0, 2 * Math.PI);
    ctx.fill();
    // the colour scale, low E to high E
    sw ||= 200;
    fit(scale, Math.round(sw * ratio), Math.round(12 * ratio));
    sctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    sctx.clearRect(0, 0, sw, 12);
    for (let x = 0; x < sw; x++) {
      sctx.fillStyle = `rgb(${tint(lo + ((x / sw) ** 2) * (hi - lo)).join(",")})`;
      sctx.fillRect(x, 0, 1, 12);
    }
    scale.setAttribute("aria-label", `colour scale: E from ${fmt(lo)} (blue) to ${fmt(hi)} (orange)`);
    scaleTicks(lo, hi).forEach((v, k) => setText(scaleLabels.children[k], fmt(v)));
    const [A, B] = [parameterLabel(last.a), parameterLabel(last.b)];
    setText(caption, `E here = ${fmt(last.current.E)}; ` + (slope
      ? `∂E/∂a = ${fmt(g.a)}, ∂E/∂b = ${fmt(g.b)}. `
      : "∂E/∂a, ∂E/∂b and the arrow down the slope appear when the backward pass reaches " +
        "these parameters. ") + `Across, a = ${A} from ${fmt(a0)} to ${fmt(a1)}; up, b = ${B} from ` +
      `${fmt(b0)} to ${fmt(b1)}: each ±${fmt(last.span ?? (a1 - a0) / 2, 1)} around its current ` +
      `value, every other parameter fixed. Blue is low E (${fmt(lo)}), orange high ` +
      `(${fmt(hi)}), on a square-root scale` + (!slope ? ". " : noSlope
        ? "; here the gradient is 0 (to rounding): the dot is at the bottom, with no way down. "
        : "; the arrow points down the slope (−gradient). ") +
      (path.length > 1 ? `The line joins the last ${path.length} points the updates reached.`
        : "Each update adds to a line: the path the updates take."));
  }

  /** The axes' ticks: each parameter's range and current value, written at the edges. */
  function ticks(a0, a, a1, b0, b, b1, X, Y, size) {
    ctx.font = "10px system-ui, sans-serif";
    const label = (text, x, y, align) => {
      ctx.textAlign = align;
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255, 255, 255, 0.85)";
      ctx.strokeText(text, x, y);
      ctx.fillStyle = colour("--ink");
      ctx.fillText(text, x, y);
    };
    ctx.strokeStyle = colour("--ink");
    ctx.lineWidth = 1;
    for (const v of [a0, a, a1]) {
      ctx.beginPath();
      ctx.moveTo(X(v), size);
      ctx.lineTo(X(v), size - 5);
      ctx.stroke();
    }
    for (const v of [b0, b, b1]) {
      ctx.beginPath();
      ctx.moveTo(0, Y(v));
      ctx.lineTo(5, Y(v));
      ctx.stroke();
    }
    // The current values' labels first; an end's label only where it leaves them room
    // (the current point can lie near an end of its range).
    const current = `a ${fmt(a, 2)}`;
    const half = ctx.measureText(current).width / 2;
    label(current, X(a), size - 8, "center");
    const lo = fmt(a0, 2);
    const hi = fmt(a1, 2);
    if (2 + ctx.measureText(lo).width + 6 < X(a) - half) label(lo, 2, size - 8, "left");
    if (size - 2 - ctx.measureText(hi).width - 6 > X(a) + half) label(hi, size - 2, size - 8, "right");
    label(`b ${fmt(b, 2)}`, 8, Y(b) - 4, "left");
    // b's ends, written at heights size − 25 and 12; b's label at Y(b) − 4; 10 px text
    if (Math.abs(size - 25 - (Y(b) - 4)) >= 14) label(fmt(b0, 2), 8, size - 25, "left");
    if (Math.abs(12 - (Y(b) - 4)) >= 14) label(fmt(b1, 2), 8, 12, "left");
    ctx.textAlign = "left";
  }

  /** Nothing drawn: no surface stands for a pass or data that are gone. */
  function clear() {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    sctx.setTransform(1, 0, 0, 1, 0, 0);
    sctx.clearRect(0, 0, scale.width, scale.height);
    scale.setAttribute("aria-label", "colour scale of E (nothing drawn)");
    for (const label of scaleLabels.children) setText(label, "");
  }

  return { draw, clear };
}
