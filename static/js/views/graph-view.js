/**
 * Draws graph-model.js's graph of one node as SVG: operations as circles (values as pills), each edge with its
 * value above (forward) and its gradient below (backward), as text.
 */
import { fmt } from "../lib/format.js";
import { el, setText } from "../lib/svg.js";

const COL = 150;
const ROW = 58;  // two edges into a × each carry two lines: room between them

/** What a graph of a node over a wide layer leaves out, in words.
 * @param {{nodes:{id:string, op:string}[]}} model */
function restNote(model) {
  const rest = model.nodes.find((n) => n.id === "rest");
  if (!rest) return "";
  const shown = model.nodes.filter((n) => n.op === "×").length;
  return ` The layer below has ${shown + Number.parseInt(rest.op, 10)} nodes: the ${shown} ` +
    "terms w·y largest in size are drawn one by one, the others as one sum (select a weight " +
    "in the drawing for any of them).";
}

/** @param {SVGSVGElement} svg @param {HTMLElement} caption */
export function createGraphView(svg, caption) {
  let shown = null;      // the last model and name drawn
  let shape = null;      // the last graph's operations and edges, without their numbers
  /** @type {Map<string, {value: Element, grad: Element}>} each edge's labels */
  let labels = new Map();

  /** Builds the graph's lines, circles and (empty) labels anew. */
  function build(model) {
    svg.replaceChildren();
    labels = new Map();
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
      labels.set(e.id, { value: el("text", { class: "value", x: mx, y: my - 4 }, g),
                         grad: el("text", { class: "grad", x: mx, y: my + 11 }, g) });
    }
    for (const n of model.nodes) {
      const p = at[n.id];
      const g = el("g", { class: `graph-op${/[×Σ+fE]/.test(n.op) ? " op" : ""}` }, svg);
      // a named value (w⁽³⁾₂₁) in a pill as wide as its name; an operation in a circle
      const w = Math.max(26, 6.5 * [...n.op].length + 8);
      el("rect", { x: p.x - w / 2, y: p.y - 13, width: w, height: 26, rx: 13 }, g);
      el("text", { x: p.x, y: p.y + 4 }, g).textContent = n.op;
    }
  }

  return {
    /** Draws the graph: its shapes anew only when the graph's form changed, else only the
     * numbers that changed (during Play and at each step it is drawn again).
     * @param {ReturnType<typeof import("../explain/graph-model.js").graphModel>} model @param {string} name
     * @param {string} [after] a sentence after the caption */
    draw(model, name, after = "") {
      const key = JSON.stringify([model, name, after]);
      if (key === shown) return;
      shown = key;
      svg.style.display = model ? "" : "none";
      if (!model) {
        svg.replaceChildren();
        shape = null;
        setText(caption, "Select a hidden or output node (after pressing Next) to see its " +
          "computation unrolled into single operations.");
        return;
      }
      const form = JSON.stringify([model.nodes, model.edges.map((e) => [e.id, e.from, e.to])]);
      if (form !== shape) {
        shape = form;
        build(model);
      }
      for (const e of model.edges) {
        const { value, grad } = /** @type {{value: Element, grad: Element}} */ (labels.get(e.id));
        setText(value, e.value === null ? "" : fmt(e.value));
        setText(grad, e.grad === null ? "" : `∂ ${fmt(e.grad)}`);
      }
      setText(caption, `${name[0].toUpperCase()}${name.slice(1)}, one operation at a time: blue numbers flow forward, ` +
        "purple ones (∂, the gradient of E with respect to that value) flow back; each is the " +
        "one after it times the local derivative (× passes the gradient times the other " +
        "factor, Σ and + pass it unchanged, f multiplies by f′(x)). The ∂ of an input y is " +
        "its share through this node only: the network's ∂E/∂y of the node it comes from " +
        "adds up its shares through every node it feeds." +
        (model.E === null ? "" : ` E = ${fmt(model.E)}.`) + restNote(model) + after);
    },
  };
}
