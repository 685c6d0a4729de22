/**
 * Where a wide network goes: one with a layer of more than the cards' limit (8 nodes, as the
 * 64 pixels of a digit, or a hidden layer of 32). Such a layer is not drawn as 64 cards and
 * 2,048 links: the input layer is a grid of pixels (its image, 8 × 8 for 64 inputs), a hidden
 * layer a grid of tiles (each its node's incoming weights as a picture), the output layer a
 * bar per node (its y: a probability, for softmax); the selected node's numbers and weights
 * are drawn large in the inspector, each weight a cell to click. Pure: no DOM.
 */
import { diverging } from "../lib/colours.js";

/** The widest layer drawn as cards (the page's limits.max_nodes). */
export const CARD_NODES = 8;

/** Whether `layers` is drawn as grids: an input or hidden layer wider than `cards` (an
 * output layer of up to 10 classes is drawn as cards).
 * @param {number[]} layers @param {number} [cards] */
export const isWide = (layers, cards = CARD_NODES) => layers.slice(0, -1).some((n) => n > cards);

export const GRID = Object.freeze({
  pixel: 20,     // an input pixel
  tile: 44,      // a hidden node's tile (its weights' picture)
  tileGap: 8,    // between tiles; the node's y bar sits in it
  rowH: 28,      // an output's row: its class, its bar, its numbers
  barW: 110,     // an output's bar at y = 1
  outputW: 300,  // an output's row in all
  cell: 16,      // a weight's cell in the inspector
  inspectorW: 220,
  gap: 64,       // between layers
  top: 48,       // the layers' names above
  narrow: 640,   // below this width, layers go top to bottom
});

/**
 * How a layer's n nodes are arranged: the input layer as a near-square image (8 × 8 for 64),
 * a hidden layer in columns of at most 8 tiles (top to bottom: in rows of at most 8).
 * Node j is at column j mod cols, row ⌊j / cols⌋.
 * @param {number} n @param {number} l @param {boolean} vertical
 * @returns {{cols:number, rows:number}}
 */
export function arrangement(n, l, vertical) {
  if (l === 0) {
    const cols = Math.ceil(Math.sqrt(n));
    return { cols, rows: Math.ceil(n / cols) };
  }
  if (vertical) {
    const cols = Math.min(n, 8);
    return { cols, rows: Math.ceil(n / cols) };
  }
  const cols = Math.ceil(n / 8);
  return { cols, rows: Math.ceil(n / cols) };
}

/**
 * @typedef {{x:number, y:number, w:number, h:number}} Box
 * @typedef {{vertical:boolean, width:number, height:number,
 *            grid:(l:number)=>{cols:number, rows:number}, block:(l:number)=>Box,
 *            cellOf:(l:number, j:number)=>Box, band:(l:number)=>Box,
 *            name:(l:number)=>{x:number, y:number}, inspector:Box, error:{x:number, y:number}}} GridLayout
 *   cellOf: node j of layer l (a pixel, a tile, or an output's row); block: the whole layer
 */

/**
 * @param {number[]} layers @param {number} width the CSS width available
 * @returns {GridLayout}
 */
export function layoutGrid(layers, width) {
  const G = GRID;
  const L = layers.length;
  const vertical = width < G.narrow;
  const grids = layers.map((n, l) => arrangement(n, l, vertical));
  const pitch = (l) => (l === 0 ? G.pixel : G.tile + G.tileGap);
  /** a layer's own size, before it is placed */
  const size = (l) => (l === L - 1 ? { w: G.outputW, h: layers[l] * G.rowH }
    : { w: grids[l].cols * pitch(l), h: grids[l].rows * pitch(l) });
  /** @type {Box[]} */
  const blocks = [];
  let inspector;
  let width_;
  let height;
  if (!vertical) {
    // Left to right: the image with the inspector under it, each hidden layer, the outputs.
    let x = 20;
    const tallest = Math.max(...layers.map((_, l) => size(l).h));
    layers.forEach((_, l) => {
      const s = size(l);
      const w = l === 0 ? Math.max(s.w, G.inspectorW) : s.w;
      blocks.push({ x: x + (w - s.w) / 2, y: G.top, w: s.w, h: s.h });
      x += w + G.gap;
    });
    width_ = x - G.gap + 20;
    const below = G.top + size(0).h + 36;
    inspector = { x: 20, y: below, w: Math.max(size(0).w, G.inspectorW), h: 330 };
    height = Math.max(G.top + tallest + 80, below + inspector.h + 12);
  } else {
    // Top to bottom, each layer centred; the inspector last.
    width_ = Math.max(width, ...layers.map((_, l) => size(l).w + 24), G.inspectorW + 24);
    let y = G.top;
    layers.forEach((_, l) => {
      const s = size(l);
      blocks.push({ x: (width_ - s.w) / 2, y, w: s.w, h: s.h });
      y += s.h + G.top + (l === L - 1 ? 30 : l > 0 ? 16 : 0);  // a hidden layer's scale line
    });
    inspector = { x: (width_ - G.inspectorW) / 2, y: y - 12, w: G.inspectorW, h: 330 };
    height = inspector.y + inspector.h + 12;
  }
  const cellOf = (l, j) => {
    const b = blocks[l];
    if (l === L - 1) return { x: b.x, y: b.y + j * G.rowH, w: G.outputW, h: G.rowH };
    const { cols } = grids[l];
    const p = pitch(l);
    const inner = l === 0 ? G.pixel : G.tile;
    return { x: b.x + (j % cols) * p, y: b.y + Math.floor(j / cols) * p, w: inner, h: inner };
  };
  const band = (l) => {
    const b = blocks[l];
    return { x: b.x - 10, y: b.y - 38, w: b.w + 20, h: b.h + (l > 0 && l < L - 1 ? 62 : 48) };
  };
  const last = blocks[L - 1];
  return {
    vertical, width: width_, height, grid: (l) => grids[l], block: (l) => blocks[l], cellOf,
    band, name: (l) => ({ x: blocks[l].x, y: blocks[l].y - 14 }), inspector,
    error: { x: last.x, y: last.y + last.h + 24 },
  };
}

/**
 * A picture of `values` arranged as a layer's nodes are (`grid`), each value a pixel of a
 * diverging colour: `high` at +scale, white at 0, `low` at −scale (RGBA, row by row).
 * @param {number[]} values @param {{cols:number, rows:number}} grid @param {number} scale
 * @param {number[]} low @param {number[]} high @param {Uint8ClampedArray} out
 * @param {number} stride the row length of `out` in pixels @param {number} x0 @param {number} y0
 */
export function paintDiverging(values, grid, scale, low, high, out, stride, x0, y0) {
  values.forEach((v, i) => {
    const at = ((y0 + Math.floor(i / grid.cols)) * stride + x0 + (i % grid.cols)) * 4;
    out.set([...diverging(v, scale, low, high), 255], at);
  });
}

/** An input pixel's grey: ink for 1, paper for 0 (a digit's pixels are 0 … 1); a value out
 * of [0, 1] (own data) is drawn at its nearer end. @param {number} v @returns {string} */
export function inkOf(v) {
  const t = Math.max(0, Math.min(1, v));
  const g = Math.round(255 - 225 * t);
  return `rgb(${g},${g},${g})`;
}

/** The largest |value(e)| over a matrix (the scale its pictures share), 0 for none.
 * @template E @param {E[][]} matrix @param {(e: E) => number} value */
export function largest(matrix, value) {
  let most = 0;
  for (const row of matrix) for (const e of row) most = Math.max(most, Math.abs(value(e)));
  return most;
}
