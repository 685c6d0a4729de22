/**
 * The network as SVG: drawn once for a shape, then only restyled and relabelled.
 * Stable ids: node-{l}-{j}, link-{k}-{i}-{j} (indices as in shared/API.md).
 */
import { GEOMETRY } from "./config.js";
import { fmt } from "./format.js";
import { animate } from "./animation.js";
import { el, setText } from "./svg.js";

/**
 * @typedef {{type:"node", l:number, j:number} | {type:"link", k:number, i:number, j:number}} Selection
 * @typedef {{x:number|null, y:number|null, b:number|null, dE_dy:number|null,
 *            dE_dx:number|null, dE_db:number|null}} NodeView
 * @typedef {{w:number, dE_dw:number|null}} LinkView
 * @typedef {{nodes:NodeView[][], links:LinkView[][][], activeLayer:number|null,
 *            phaseKind:string|null, error:number|null, target:number[]|null,
 *            selection:Selection|null}} ViewModel
 */

/**
 * Draws the network for `layers` into `svg` and returns its update functions.
 * @param {SVGSVGElement} svg @param {number[]} layers
 * @param {(sel: Selection) => void} onSelect
 */
export function drawNetwork(svg, layers, onSelect) {
  const G = GEOMETRY;
  const L = layers.length;
  const tallest = Math.max(...layers);
  const width = G.margin.left + (L - 1) * G.layerGap + G.margin.right;
  const height = G.margin.top + (tallest - 1) * G.nodeGap + G.margin.bottom;
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const crowded = tallest > G.crowdedLayer;

  /** centre of node j of layer l */
  const pos = (l, j) => ({
    x: G.margin.left + l * G.layerGap,
    y: G.margin.top + ((tallest - layers[l]) * G.nodeGap) / 2 + j * G.nodeGap,
  });

  const bands = el("g", { class: "bands" }, svg);
  const linkLayer = el("g", { class: "links" }, svg);
  const pulseLayer = el("g", { class: "pulses" }, svg);
  const labelLayer = el("g", { class: "link-labels" }, svg);
  const nodeLayer = el("g", { class: "nodes" }, svg);

  const bandEls = layers.map((_, l) => {
    const p = pos(l, 0);
    return el("rect", {
      class: "band", x: p.x - G.layerGap / 2 + 12, y: 8, width: G.layerGap - 24,
      height: height - 16, rx: 14,
    }, bands);
  });
  layers.forEach((_, l) => {
    const t = el("text", { class: "layer-name", x: pos(l, 0).x, y: 30 }, bands);
    t.textContent = l === 0 ? "input" : l === L - 1 ? "output" : `hidden ${l}`;
  });

  function selectable(g, sel, label) {
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "button");
    g.setAttribute("aria-label", label);
    g.addEventListener("click", () => onSelect(sel));
    g.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        onSelect(sel);
      }
    });
  }

  // Links, each with a wide invisible path to click and a label with w and dE/dw.
  /** @type {any[][][]} */
  const links = [];
  for (let k = 0; k < L - 1; k++) {
    links.push([]);
    for (let i = 0; i < layers[k]; i++) {
      links[k].push([]);
      for (let j = 0; j < layers[k + 1]; j++) {
        const a = pos(k, i);
        const b = pos(k + 1, j);
        const d = `M${a.x},${a.y} L${b.x},${b.y}`;
        /** @type {Selection} */
        const sel = { type: "link", k, i, j };
        const path = el("path", { id: `link-${k}-${i}-${j}`, class: "link", d }, linkLayer);
        const hit = el("path", { class: "link-hit", d }, linkLayer);
        hit.addEventListener("click", () => onSelect(sel));
        const lx = a.x + (b.x - a.x) * G.labelAt;
        const ly = a.y + (b.y - a.y) * G.labelAt;
        const label = el("g", { id: `link-label-${k}-${i}-${j}`, class: "link-label",
                                transform: `translate(${lx},${ly})` }, labelLayer);
        selectable(label, sel,
                   `weight from node ${i + 1} of layer ${k} to node ${j + 1} of layer ${k + 1}`);
        const box = el("rect", { x: -47, y: -14, width: 94, height: 26, rx: 6 }, label);
        const w = el("text", { class: "w", x: 0, y: 4 }, label);
        const grad = el("text", { class: "grad", x: 0, y: 21 }, label);
        links[k][i].push({ path, label, box, w, grad, from: a, to: b });
      }
    }
  }

  // Nodes: x and y inside the circle, the bias above, dE/dy and dE/dx below.
  const nodes = layers.map((n, l) => Array.from({ length: n }, (_, j) => {
    const p = pos(l, j);
    const g = el("g", { id: `node-${l}-${j}`, class: "node",
                        transform: `translate(${p.x},${p.y})` }, nodeLayer);
    selectable(g, { type: "node", l, j }, `node ${j + 1} of layer ${l}`);
    el("circle", { r: G.nodeRadius }, g);
    const x = el("text", { class: "x", x: 0, y: -5 }, g);
    const y = el("text", { class: "y", x: 0, y: 15 }, g);
    const b = el("text", { class: "bias", x: 0, y: -G.nodeRadius - 9 }, g);
    const dy = el("text", { class: "grad dy", x: 0, y: G.nodeRadius + 19 }, g);
    const dx = el("text", { class: "grad dx", x: 0, y: G.nodeRadius + 37 }, g);
    return { g, x, y, b, dy, dx, p };
  }));

  // Target and error, to the right of the output layer.
  const out = pos(L - 1, 0);
  const targets = nodes[L - 1].map(({ p }, j) => {
    const t = el("text", { class: "target", x: p.x + G.nodeRadius + 12, y: p.y + 5,
                           id: `target-${j}` }, nodeLayer);
    return t;
  });
  const errorBox = el("g", { id: "error-box", class: "error-box",
                             transform: `translate(${out.x + G.nodeRadius + 20},${
                               pos(L - 1, layers[L - 1] - 1).y + G.nodeRadius + 34})` },
                      nodeLayer);
  el("rect", { x: -8, y: -20, width: 140, height: 30, rx: 8 }, errorBox);
  const errorText = el("text", { x: 62, y: 1 }, errorBox);

  const widthOf = (w) =>
    G.minLinkWidth + (G.maxLinkWidth - G.minLinkWidth) * Math.tanh(Math.abs(w));

  /** @param {ViewModel} m */
  function render(m) {
    bandEls.forEach((band, l) => band.classList.toggle("active", m.activeLayer === l));
    const sel = m.selection;
    for (let l = 0; l < L; l++) {
      for (let j = 0; j < layers[l]; j++) {
        const v = m.nodes[l][j];
        const n = nodes[l][j];
        setText(n.x, v.x === null ? "" : `x ${fmt(v.x)}`);
        setText(n.y, v.y === null ? "" : `y ${fmt(v.y)}`);
        setText(n.b, l === 0 ? "" : `b ${fmt(v.b)}`);
        setText(n.dy, v.dE_dy === null ? "" : `∂E/∂y ${fmt(v.dE_dy)}`);
        setText(n.dx, v.dE_dx === null ? "" : `∂E/∂x ${fmt(v.dE_dx)}`);
        n.g.classList.toggle("computed", v.y !== null);
        n.g.classList.toggle("active", m.activeLayer === l);
        n.g.classList.toggle("selected", sel?.type === "node" && sel.l === l && sel.j === j);
      }
    }
    for (let k = 0; k < L - 1; k++) {
      for (let i = 0; i < layers[k]; i++) {
        for (let j = 0; j < layers[k + 1]; j++) {
          const v = m.links[k][i][j];
          const e = links[k][i][j];
          const selected = sel?.type === "link" && sel.k === k && sel.i === i && sel.j === j;
          const touchesSelected = sel?.type === "node" &&
            ((sel.l === k && sel.j === i) || (sel.l === k + 1 && sel.j === j));
          e.path.setAttribute("stroke-width", widthOf(v.w).toFixed(2));
          e.path.classList.toggle("positive", v.w >= 0);
          e.path.classList.toggle("negative", v.w < 0);
          e.path.classList.toggle("selected", selected);
          setText(e.w, `w ${fmt(v.w)}`);
          setText(e.grad, v.dE_dw === null ? "" : `∂E/∂w ${fmt(v.dE_dw)}`);
          e.box.setAttribute("height", v.dE_dw === null ? "26" : "42");
          e.label.classList.toggle("selected", selected);
          e.label.classList.toggle("hidden", crowded && !selected && !touchesSelected);
        }
      }
    }
    targets.forEach((t, j) => setText(t, m.target ? `t ${fmt(m.target[j])}` : ""));
    setText(errorText, m.error === null ? "" : `E = ${fmt(m.error)}`);
    errorBox.classList.toggle("shown", m.error !== null);
    errorBox.classList.toggle("active", m.phaseKind === "error");
  }

  /**
   * Dots travelling along every link between layer `from` and layer `to` (adjacent layers,
   * either direction).
   * @param {number} from @param {number} to @param {number} ms
   * @param {() => boolean} [stop] true once the animation must end at once
   * @returns {Promise<void>}
   */
  function pulse(from, to, ms, stop) {
    const k = Math.min(from, to);
    const dots = [];
    for (let i = 0; i < layers[k]; i++) {
      for (let j = 0; j < layers[k + 1]; j++) {
        const e = links[k][i][j];
        const [a, b] = from < to ? [e.from, e.to] : [e.to, e.from];
        dots.push({ a, b, dot: el("circle", { class: `pulse ${from < to ? "fwd" : "bwd"}`,
                                              r: 6, cx: a.x, cy: a.y }, pulseLayer) });
      }
    }
    return animate(ms, (t) => {
      for (const { a, b, dot } of dots) {
        dot.setAttribute("cx", a.x + (b.x - a.x) * t);
        dot.setAttribute("cy", a.y + (b.y - a.y) * t);
      }
    }, stop).then(() => dots.forEach(({ dot }) => dot.remove()));
  }

  return { render, pulse };
}
