/**
 * Each node's own picture, drawn faintly behind its numbers (as TensorFlow Playground's
 * neurons): the node's output y over the plot's domain, a curve for one input, a small heat
 * map for two. It redraws only when the values change, and then only changes what it already
 * has (a curve's path, the heat map's pixels).
 */
import { diverging, rgbOf } from "../lib/colours.js";
import { el } from "../lib/svg.js";

/**
 * What a picture shows, as pure data: a curve's path, or for two inputs the heat map's
 * pixels, one per value (RGBA, row 0 at the top: the highest x2), scaled up when drawn.
 * @param {number[]|number[][]} values the node's output over the grid (1 or 2 inputs)
 * @param {{x:number, y:number, w:number, h:number}} box where it is drawn
 * @param {number[]} low @param {number[]} high the [r, g, b] of low and high outputs
 * @returns {{curve:string} | {size:number, pixels:Uint8ClampedArray<ArrayBuffer>}}
 */
export function pictureOf(values, box, low, high) {
  const flat = values.flat();
  let lo = Math.min(...flat);
  let hi = Math.max(...flat);
  if (lo >= 0 && hi <= 1) [lo, hi] = [0, 1];  // a probability-like output on its own scale
  const span = hi - lo || 1;
  if (!Array.isArray(values[0])) {
    const n = values.length;
    return { curve: values.map((v, k) => `${k ? "L" : "M"}${(box.x + (k / (n - 1)) * box.w).toFixed(1)},` +
      `${(box.y + (1 - (Number(v) - lo) / span) * box.h).toFixed(1)}`).join("") };
  }
  const rows = /** @type {number[][]} */ (values);
  const n = rows.length;
  const pixels = new Uint8ClampedArray(n * n * 4);
  rows.forEach((row, r) => row.forEach((v, c) => {
    const t = Math.min(1, Math.max(0, (v - lo) / span));
    const i = ((n - 1 - r) * n + c) * 4;  // row 0 (the lowest x2) at the bottom
    pixels.set([...diverging(2 * t - 1, 1, low, high), 255], i);
  }));
  return { size: n, pixels };
}

/**
 * @param {SVGElement} parent the node's group, centred on the node
 * @param {number} w @param {number} h the card's size
 */
export function createPicture(parent, w, h) {
  const g = el("g", { class: "picture", "aria-hidden": "true" }, parent);
  const box = { x: -w / 2 + 4, y: -h / 2 + 4, w: w - 8, h: h - 8 };
  let key = "";
  /** @type {SVGElement|null} the curve, or null */
  let path = null;
  /** @type {CanvasRenderingContext2D|null} the heat map's, or null: a canvas of one pixel per
   * value, scaled up (as many SVG cells would each be restyled on every frame of Play) */
  let heat = null;
  return {
    /** @param {number[]|number[][]|null} values the node's output over the grid */
    draw(values) {
      const next = values ? JSON.stringify(values) : "";
      if (next === key) return;
      key = next;
      g.setAttribute("data-values", next);
      if (!values) {
        g.replaceChildren();
        path = null;
        heat = null;
        return;
      }
      const picture = pictureOf(values, box, rgbOf("--negative"), rgbOf("--positive"));
      if ("curve" in picture) {
        if (!path) {
          g.replaceChildren();
          heat = null;
          path = el("path", { class: "picture-curve" }, g);
        }
        path.setAttribute("d", picture.curve);
        return;
      }
      const n = picture.size;
      if (!heat || heat.canvas.width !== n) {  // none yet, or a grid of another size
        g.replaceChildren();
        path = null;
        const frame = el("foreignObject", { x: box.x, y: box.y, width: box.w, height: box.h }, g);
        const canvas = document.createElement("canvas");
        canvas.className = "picture-heat";
        canvas.width = n;
        canvas.height = n;
        frame.appendChild(canvas);
        heat = canvas.getContext("2d");
      }
      heat.putImageData(new ImageData(picture.pixels, n, n), 0, 0);
    },
  };
}
