/**
 * Draws graph-model.js's graph of one node as SVG: operations as circles, each edge with its
 * value above (forward) and its gradient below (backward), as text.
 */
import { fmt } from "./format.js";
import { el, setText } from "./svg.js";

const COL = 150;
const ROW = 46;

/** @param {SVGSVGElement} svg @param {HTMLElement} caption */
export function createGraphView(svg, caption) {
  let shown = null;
  return {
    /** Draws the graph anew only when it changed (during Play it is drawn on every frame).
     * @param {ReturnType<typeof import("./graph-model.js").graphModel>} model @param {string} name */
    draw(model, name) {
      const key = JSON.stringify([model, name]);
      if (key === shown) return;
      shown = key;
      svg.replaceChildren();
      svg.style.display = model ? "" : "none";
      if (!model) {
        setText(caption, "Select a hidden or output node (after pressing Next) to see its " +
          "computation unrolled into single operations.");
        return;
      }
      const rows = Math.max(...model.nodes.map((n) => n.row)) + 1;
      const width = 5 * COL + 60;
      const height = rows * ROW + 30;
      svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
      const at = Object.fromEntries(model.nodes.map((n) => [n.id, { x: 30 + n.col * COL,
                                                                     y: 24 + n.row * ROW }]));
      for (const e of model.edges) {
        const [a, b] = [at[e.from], at[e.to]];
        el("line", { class: "graph-edge", x1: a.x, y1: a.y, x2: b.x, y2: b.y }, svg);
        // Labels of the edges into a "×" sit nearer their source, clear of their neighbour.
        const t = e.to.startsWith("m") ? 0.42 : 0.5;
        const mx = a.x + (b.x - a.x) * t;
        const my = a.y + (b.y - a.y) * t;
        const g = el("g", { class: "graph-label", id: `graph-${e.id}` }, svg);
        el("text", { class: "value", x: mx, y: my - 4 }, g).textContent =
          e.value === null ? "" : fmt(e.value);
        el("text", { class: "grad", x: mx, y: my + 11 }, g).textContent =
          e.grad === null ? "" : `∂ ${fmt(e.grad)}`;
      }
      for (const n of model.nodes) {
        const p = at[n.id];
        const g = el("g", { class: `graph-op${/[×Σ+fE]/.test(n.op) ? " op" : ""}` }, svg);
        el("circle", { cx: p.x, cy: p.y, r: 13 }, g);
        el("text", { x: p.x, y: p.y + 4 }, g).textContent = n.op;
      }
      caption.textContent = `${name[0].toUpperCase()}${name.slice(1)}, one operation at a time: blue numbers flow forward, ` +
        "purple ones (∂, the gradient of E with respect to that value) flow back; each is the " +
        "one after it times the local derivative (× passes the gradient times the other " +
        "factor, Σ and + pass it unchanged, f multiplies by f′(x))." +
        (model.E === null ? "" : ` E = ${fmt(model.E)}.`);
    },
  };
}
