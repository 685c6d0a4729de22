/**
 * Each node's own picture, drawn faintly behind its numbers (as TensorFlow Playground's
 * neurons): the node's output y over the plot's domain, a curve for one input, a small heat
 * map for two. It redraws only when the values change, and then only changes the attributes
 * of the elements it already has (a curve's path, the cells' fills).
 */
import { rgbOf } from "./colours.js";
import { el } from "./svg.js";

/**
 * What a picture shows, as pure data: a curve's path, or each cell's place and colour.
 * @param {number[]|number[][]} values the node's output over the grid (1 or 2 inputs)
 * @param {{x:number, y:number, w:number, h:number}} box where it is drawn
 * @param {number[]} low @param {number[]} high the [r, g, b] of low and high outputs
 * @returns {{curve:string} | {cells:{x:number, y:number, width:number, height:number,
 *            fill:string}[]}}
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
  const cw = box.w / n;
  const ch = box.h / n;
  return { cells: rows.flatMap((row, r) => row.map((v, c) => {
    const t = Math.min(1, Math.max(0, (v - lo) / span));
    const [from, a] = t < 0.5 ? [low, 1 - 2 * t] : [high, 2 * t - 1];
    const mix = from.map((ch0) => Math.round(255 + (ch0 - 255) * a));
    return { x: box.x + c * cw, y: box.y + (n - 1 - r) * ch, width: cw + 0.3, height: ch + 0.3,
             fill: `rgb(${mix.join(",")})` };
  })) };
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
  /** @type {SVGElement[]} the heat map's cells, row by row */
  let cells = [];
  /** @type {string[]} their fills as last set */
  let fills = [];
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
        cells = [];
        return;
      }
      const picture = pictureOf(values, box, rgbOf("--negative"), rgbOf("--positive"));
      if ("curve" in picture) {
        if (!path || cells.length) {
          g.replaceChildren();
          cells = [];
          path = el("path", { class: "picture-curve" }, g);
        }
        path.setAttribute("d", picture.curve);
        return;
      }
      if (path || cells.length !== picture.cells.length) {  // a grid of another size
        g.replaceChildren();
        path = null;
        cells = picture.cells.map(({ x, y, width, height }) => el("rect", { x, y, width, height }, g));
        fills = cells.map(() => "");
      }
      picture.cells.forEach(({ fill }, n) => {
        if (fills[n] !== fill) cells[n].setAttribute("fill", (fills[n] = fill));
      });
    },
  };
}
