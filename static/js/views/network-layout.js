/**
 * Where everything of the network drawing goes, for a shape and the width it gets: nodes as
 * cards that hold all their numbers, layers left to right (or top to bottom when narrow),
 * and each weight's label on its link where it overlaps no node and no other label.
 * Pure: no DOM, so that every shape the API allows is tested without a browser.
 */

export const SIZES = Object.freeze({
  nodeW: 108, nodeH: 76,   // a node's card: x, y, ∂E/∂y, ∂E/∂x
  tagH: 20,                // the bias, just above the card
  biasW: 84,               // the bias's tag and its ground
  labelW: 100, labelH: 36, // a weight's label: w and ∂E/∂w
  pad: 4,                  // the least room between two things
  narrow: 640,             // below this width (CSS px), layers go top to bottom
  tablet: 900,             // below this, too when left to right would be drawn too small
});

/**
 * @typedef {{x:number, y:number}} Point
 * @typedef {{x:number, y:number, w:number, h:number}} Box  (x, y: the top-left corner)
 * @typedef {{vertical:boolean, width:number, height:number, pos:(l:number, j:number)=>Point,
 *            nodeBox:(l:number, j:number)=>Box, crowded:(k:number)=>boolean,
 *            layerBand:(l:number)=>Box, layerName:(l:number)=>Point,
 *            target:(j:number)=>Point, errorAt:Point, targetBox:(j:number)=>Box,
 *            errorBox:()=>Box}} Layout
 */

const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));

/** True if layers k and k+1 have so many links (over 9) that their labels show on demand.
 * @param {number[]} layers @param {number} k */
export const crowdedPair = (layers, k) => layers[k] * layers[k + 1] > 9;

/**
 * @param {number[]} layers @param {number} width the CSS width available
 * @param {number} [spread] how much wider than the least the gaps between layers are
 * @param {boolean} [across] layers top to bottom (by default, when the width is narrow)
 * @returns {Layout}
 */
export function layoutNetwork(layers, width, spread = 1, across = width < SIZES.narrow) {
  const S = SIZES;
  const L = layers.length;
  const tallest = Math.max(...layers);
  const vertical = across;
  const crowded = (k) => crowdedPair(layers, k);
  const nodeBox = (l, j) => {
    const p = pos(l, j);
    return { x: p.x - S.nodeW / 2, y: p.y - S.nodeH / 2 - S.tagH, w: S.nodeW, h: S.nodeH + S.tagH };
  };
  let pos;
  let w;
  let h;
  let layerBand;
  let layerName;
  let target;
  let errorAt;
  if (!vertical) {
    // Room for a column of labels between two layers; wider screens spread the layers.
    const left = 20 + S.nodeW / 2;
    const right = S.nodeW / 2 + 84;  // the target, right of the output (E below it)
    // A crowded pair of layers shows labels only on demand, so its gap may be narrower.
    const base = (width - left - right) / Math.max(1, L - 1);
    const xs = [left];
    for (let k = 0; k < L - 1; k++) {
      const least = (crowded(k) ? S.nodeW + S.labelW + 12 : S.nodeW + S.labelW + 36) * spread;
      xs.push(xs[k] + clamp(base, least, Math.max(least, 440)));
    }
    const nodeGap = S.nodeH + S.tagH + (tallest > 4 ? 34 : 96) * Math.min(spread, 1.5);
    const top = 44 + S.tagH + S.nodeH / 2;
    pos = (l, j) => ({ x: xs[l], y: top + ((tallest - layers[l]) * nodeGap) / 2 + j * nodeGap });
    w = xs[L - 1] + right;
    h = top + (tallest - 1) * nodeGap + S.nodeH / 2 + 64;
    layerBand = (l) => ({ x: pos(l, 0).x - S.nodeW / 2 - 10, y: 8, w: S.nodeW + 20, h: h - 16 });
    layerName = (l) => ({ x: pos(l, 0).x, y: 30 });
    target = (j) => ({ x: pos(L - 1, j).x + S.nodeW / 2 + 12, y: pos(L - 1, j).y + 5 });
    errorAt = { x: Math.min(pos(L - 1, 0).x - 75, w - 154),
                y: pos(L - 1, layers[L - 1] - 1).y + S.nodeH / 2 + 30 };
  } else {
    // Narrow: layers top to bottom, nodes side by side; labels between the layers.
    const nodeGap = S.nodeW + 14;
    const layerGap = S.nodeH + S.tagH + ((tallest > 4 ? 3 : 2) * (S.labelH + S.pad) + 40) * spread;
    const top = 36 + S.tagH + S.nodeH / 2;
    w = Math.max(width, tallest * nodeGap + 16);
    pos = (l, j) => ({ x: w / 2 + (j - (layers[l] - 1) / 2) * nodeGap, y: top + l * layerGap });
    h = top + (L - 1) * layerGap + S.nodeH / 2 + 84;
    layerBand = (l) => ({ x: 6, y: pos(l, 0).y - S.nodeH / 2 - S.tagH - 8, w: w - 12,
                          h: S.nodeH + S.tagH + 16 });
    layerName = (l) => ({ x: 12, y: pos(l, 0).y - S.nodeH / 2 - S.tagH - 12 });
    // The targets under the output's cards, E's box under them (it had covered them).
    target = (j) => ({ x: pos(L - 1, j).x - S.nodeW / 2, y: pos(L - 1, j).y + S.nodeH / 2 + 18 });
    errorAt = { x: w / 2 - 70, y: pos(L - 1, 0).y + S.nodeH / 2 + 46 };
  }
  /** Where a target's text ("t −0.1234") is: its baseline at target(j).y, at most 12 px
   * high. @param {number} j */
  const targetBox = (j) => ({ x: target(j).x, y: target(j).y - 12, w: TARGET_W, h: 15 });
  /** E's box ("E 0.0123 → 0.0120", 150 × 28). */
  const errorBox = () => ({ x: errorAt.x, y: errorAt.y - 16, w: 150, h: 28 });
  return { vertical, width: w, height: h, pos, nodeBox, crowded, layerBand, layerName, target,
           errorAt, targetBox, errorBox };
}

/** The widest a target's text is drawn ("t −0.1234" at 12 px). */
const TARGET_W = 64;

/** @param {Box} a @param {Box} b @param {number} [pad] */
export function overlaps(a, b, pad = 0) {
  return a.x < b.x + b.w + pad && b.x < a.x + a.w + pad && a.y < b.y + b.h + pad
    && b.y < a.y + a.h + pad;
}

// Where along its link a label may sit (0: at the source, 1: at the target), best first:
// from the middle outwards, or from a third of the way (crossing links then part).
const along = (first) => {
  const ts = [first];
  for (let d = 0.04; d <= 0.5; d += 0.04) ts.push(first - d, first + d);
  return ts.filter((t) => t >= 0.14 && t <= 0.86);
};
const ALONG = [along(0.5), along(0.37), along(0.63)];

/**
 * Places the labels of `links` (each {k, i, j}) on their links, each where its box meets no
 * node, no other label, and stays in the drawing; a label with no such place is left out
 * (null), and the caller shows it only on demand.
 * @param {Layout} lay @param {number[]} layers @param {{k:number, i:number, j:number}[]} links
 * @returns {(Box|null)[]} a box per link, in order
 */
export function placeLabels(lay, layers, links) {
  // Best, every label where no other link crosses it (so that it is plainly its own link's);
  // else every label at least clear of nodes and labels.
  return placeAll(lay, layers, links, true) ?? placeAll(lay, layers, links, false)
    ?? placeAll(lay, layers, links, false, true);
}

/**
 * @param {Layout} lay @param {number[]} layers @param {{k:number, i:number, j:number}[]} links
 * @param {boolean} clear no other link may cross a label @param {boolean} [partial] keep the
 *   first placement even if it leaves labels out @returns {(Box|null)[]|null}
 */
function placeAll(lay, layers, links, clear, partial = false) {
  // The order matters to a greedy placement: try the links as given, the flattest first,
  // and the steepest first; keep the first order that places every label.
  const slope = ({ k, i, j }) => Math.abs(lay.pos(k + 1, j).y - lay.pos(k, i).y)
    + Math.abs(lay.pos(k + 1, j).x - lay.pos(k, i).x);
  const orders = [links.map((_, n) => n)];
  orders.push([...orders[0]].sort((a, b) => slope(links[a]) - slope(links[b])));
  orders.push([...orders[1]].reverse());
  let best = null;
  for (const ts of ALONG) {
    for (const order of orders) {
      const boxes = placeInOrder(lay, layers, order.map((n) => links[n]), ts, clear, partial);
      const result = new Array(links.length);
      order.forEach((n, m) => { result[n] = boxes[m]; });
      if (result.every(Boolean)) return result;
      best ??= result;
    }
  }
  return partial ? best : null;
}

/** Whether the segment from p to q passes through box b (shrunk by m on each side). */
export function crosses(p, q, b, m = 2) {
  const [x0, y0, x1, y1] = [b.x + m, b.y + m, b.x + b.w - m, b.y + b.h - m];
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  let t0 = 0;
  let t1 = 1;
  for (const [d, room] of [[-dx, p.x - x0], [dx, x1 - p.x], [-dy, p.y - y0], [dy, y1 - p.y]]) {
    if (d === 0) {
      if (room < 0) return false;
    } else if (d < 0) {
      t0 = Math.max(t0, room / d);
    } else {
      t1 = Math.min(t1, room / d);
    }
    if (t0 > t1) return false;
  }
  return true;
}

/**
 * @param {Layout} lay @param {number[]} layers @param {{k:number, i:number, j:number}[]} links
 * @param {number[]} ts where along the link to try, in order @param {boolean} clear no other
 *   link may cross a label @param {boolean} complete place every label it can (else stop at
 *   the first that has no place: the order then fails)
 */
function placeInOrder(lay, layers, links, ts, clear, complete) {
  const S = SIZES;
  const nodes = layers.flatMap((n, l) => Array.from({ length: n }, (_, j) => lay.nodeBox(l, j)));
  const segments = clear ? layers.slice(0, -1).flatMap((n, k) => Array.from({ length: n }, (_, i) =>
    Array.from({ length: layers[k + 1] }, (_, j) => ({ k, i, j, a: lay.pos(k, i), b: lay.pos(k + 1, j) })))
    .flat()) : [];
  const placed = [];
  /** @type {(Box|null)[]} */
  const boxes = [];
  for (const { k, i, j } of links) {
    const box = place(k, i, j);
    boxes.push(box);
    if (!box && !complete) break;
  }
  while (boxes.length < links.length) boxes.push(null);
  return boxes;

  /** @param {number} k @param {number} i @param {number} j */
  function place(k, i, j) {
    const a = lay.pos(k, i);
    const b = lay.pos(k + 1, j);
    for (const t of ts) {
      const box = { x: a.x + (b.x - a.x) * t - S.labelW / 2, y: a.y + (b.y - a.y) * t - S.labelH / 2,
                    w: S.labelW, h: S.labelH };
      const inside = box.x >= 0 && box.y >= 0 && box.x + box.w <= lay.width
        && box.y + box.h <= lay.height;
      if (inside && !nodes.some((n) => overlaps(box, n, S.pad))
          && !placed.some((p) => overlaps(box, p, S.pad))
          && !segments.some((s) => !(s.k === k && s.i === i && s.j === j) && crosses(s.a, s.b, box))) {
        placed.push(box);
        return box;
      }
    }
    return null;
  }
}

/**
 * The labels a drawing may show at once: every weight of an uncrowded pair of layers, and
 * for a crowded pair (more than 4 nodes) those of one node's links at a time.
 * @param {Layout} lay @param {number[]} layers
 * @returns {{k:number, i:number, j:number}[][]} sets that must each fit together
 */
export function labelSets(lay, layers) {
  const all = [];
  const sets = [all];
  for (let k = 0; k < layers.length - 1; k++) {
    const links = [];
    for (let i = 0; i < layers[k]; i++) {
      for (let j = 0; j < layers[k + 1]; j++) links.push({ k, i, j });
    }
    if (!lay.crowded(k)) all.push(...links);
    else {
      for (let i = 0; i < layers[k]; i++) sets.push(links.filter((l) => l.i === i));
      for (let j = 0; j < layers[k + 1]; j++) sets.push(links.filter((l) => l.j === j));
    }
  }
  return sets;
}

/**
 * The layout for `layers` at `width`, its layers spread just far enough apart that every
 * label of the uncrowded pairs of layers fits with no overlap (a crowded pair shows the
 * labels of the selection that fit).
 * @param {number[]} layers @param {number} width
 * @param {number} [minScale] the least scale its numbers are readable at
 * @returns {Layout}
 */
export function fitNetwork(layers, width, minScale = 0.8) {
  const best = fitAt(layers, width, width < SIZES.narrow);
  // Layers left to right that could only be drawn too small for their numbers to be read
  // on a tablet or half a screen go top to bottom instead, when that fits. (A wider stage
  // keeps them left to right, and scrolls.)
  if (!best.vertical && width < SIZES.tablet && best.width * minScale > width) {
    const down = fitAt(layers, width, true);
    if (down.width * minScale <= width) return down;
  }
  return best;
}

/** @param {number[]} layers @param {number} width @param {boolean} across */
function fitAt(layers, width, across) {
  // The least spread at which every label has a place no other link crosses; else the least
  // at which every label has a place at all.
  const spreads = [1, 1.2, 1.4, 1.7, 2, 2.4, 2.8, 3.4];
  const at = spreads.map((spread) => layoutNetwork(layers, width, spread, across));
  for (const clear of [true, false]) {
    const fits = at.find((lay) => placeAll(lay, layers, labelSets(lay, layers)[0], clear));
    if (fits) return fits;
  }
  return at[at.length - 1];
}
