/**
 * The loss landscape (SOURCES.md §5): E over a grid of two parameters around their current
 * values, every other parameter fixed, as a heat map with its colour scale; the current
 * point, the negative-gradient arrow there, and the path the updates took. Over the current
 * sample or the whole training set.
 */
import { colour, rgbOf } from "../lib/colours.js";
import { fmt } from "../lib/format.js";
import { symbolText } from "../explain/notation.js";
import { setText } from "../lib/svg.js";

/** Every weight and bias of `layers`, as the API names them, with a reader's label. */
export function parameters(layers) {
  const out = [];
  for (let k = 0; k < layers.length - 1; k++) {
    for (let i = 0; i < layers[k]; i++) {
      for (let j = 0; j < layers[k + 1]; j++) {
        out.push({ ref: { kind: "weight", k, i, j }, label: symbolText("w", k + 1, `${i + 1}${j + 1}`) });
      }
    }
    for (let j = 0; j < layers[k + 1]; j++) {
      out.push({ ref: { kind: "bias", k, j }, label: symbolText("b", k + 1, `${j + 1}`) });
    }
  }
  return out;
}

/**
 * @param {{canvas:HTMLCanvasElement, scale:HTMLCanvasElement, caption:HTMLElement}} els
 */
export function createLandscape({ canvas, scale, caption }) {
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
   * Draws E over the grid, the path of the updates and the −gradient arrow.
   * @param {any} last the server's grid @param {number[][]} path (a, b) after each update
   * @param {number} size the canvas's CSS width @param {number} sw the scale's CSS width
   */
  function draw(last, path, size, sw) {
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
    const norm = Math.hypot(g.a, g.b) || 1;
    const arrow = size * 0.15;
    ctx.strokeStyle = colour("--backward");
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    ctx.moveTo(X(a), Y(b));
    ctx.lineTo(X(a) - (g.a / norm) * arrow, Y(b) + (g.b / norm) * arrow);
    ctx.stroke();
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
    setText(caption, `E here = ${fmt(last.current.E)}; ∂E/∂a = ${fmt(g.a)}, ∂E/∂b = ` +
      `${fmt(g.b)}. Blue is low E (${fmt(lo)}), orange high (${fmt(hi)}); the arrow points ` +
      "down the slope (−gradient), the line is the path of the updates so far.");
  }

  /** Nothing drawn: no surface stands for a pass or data that are gone. */
  function clear() {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    sctx.setTransform(1, 0, 0, 1, 0, 0);
    sctx.clearRect(0, 0, scale.width, scale.height);
    scale.setAttribute("aria-label", "colour scale of E (nothing drawn)");
  }

  return { draw, clear };
}
