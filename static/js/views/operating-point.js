/**
 * A node's operating point: f and f′ over x, with the node's x marked, drawn in the formula
 * panel so that a learner sees saturation (f′ ≈ 0) and a dead relu at a glance.
 */
import { curves, operatingPoint } from "../explain/activations.js";
import { fmt } from "../lib/format.js";
import { el } from "../lib/svg.js";

const W = 300;
const H = 120;
const PAD = { l: 30, r: 10, t: 10, b: 18 };

/**
 * @param {SVGSVGElement} svg @param {HTMLElement} caption
 * @returns {{show:(node:{activation:string, x:number, shift?:number}|null)=>void}}
 */
export function createOperatingPoint(svg, caption) {
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  let shown = "";
  return {
    show(node) {
      const key = node ? `${node.activation}:${node.x}:${node.shift ?? 0}` : "";
      if (key === shown) return;
      shown = key;
      svg.replaceChildren();
      svg.parentElement.hidden = !node;
      if (!node) return;
      const shift = node.shift ?? 0;
      const softmax = node.activation === "softmax";
      const { xs, f, df, range } = curves(node.activation, node.x, 121, shift);
      const lo = Math.min(...f, ...df, 0);
      const hi = Math.max(...f, ...df, 1);
      const X = (x) => PAD.l + ((x - range[0]) / (range[1] - range[0])) * (W - PAD.l - PAD.r);
      const Y = (y) => PAD.t + (1 - (y - lo) / (hi - lo)) * (H - PAD.t - PAD.b);
      el("line", { class: "axis", x1: PAD.l, x2: W - PAD.r, y1: Y(0), y2: Y(0) }, svg);
      el("line", { class: "axis", x1: X(0), x2: X(0), y1: PAD.t, y2: H - PAD.b }, svg);
      const path = (ys) => ys.map((y, k) => `${k ? "L" : "M"}${X(xs[k]).toFixed(1)},${Y(y).toFixed(1)}`).join("");
      el("path", { class: "curve f", d: path(f) }, svg);
      el("path", { class: "curve df", d: path(df) }, svg);
      const point = operatingPoint(node.activation, node.x, shift);
      const px = X(Math.max(range[0], Math.min(range[1], node.x)));
      el("line", { class: "marker", x1: px, x2: px, y1: PAD.t, y2: H - PAD.b }, svg);
      el("circle", { class: `dot ${point.state}`, cx: px, cy: Y(point.slope), r: 4 }, svg);
      for (const [text, x, y] of [[fmt(range[0], 0), PAD.l, H - 4], [fmt(range[1], 0), W - PAD.r, H - 4],
                                  [fmt(hi, 1), 2, PAD.t + 8], [fmt(lo, 1), 2, H - PAD.b]]) {
        const t = el("text", { x, y, class: "tick" }, svg);
        t.textContent = String(text);
      }
      svg.setAttribute("aria-label", `${softmax ? "y over this node's x, the layer's other x " +
                                     "held," : `${node.activation} f`} (solid) and its slope ` +
                                     `(dashed) over x; this node's x is ${fmt(node.x)}`);
      caption.textContent = softmax
        ? `Operating point: x = ${fmt(node.x)}. With every other x of the layer held, this ` +
          `node's y = eˣ / (eˣ + Σ eˣʲ of the others) = σ(x − c), a sigmoid shifted by c = ` +
          `ln Σ eˣʲ = ${fmt(shift)} (solid); its slope ∂y/∂x = y(1 − y) (dashed) is the ` +
          `diagonal of softmax's Jacobian: the other entries, −yₖyⱼ, are how raising this x ` +
          `lowers every other y. ${point.words.replace("f′(x)", "∂y/∂x")}`
        : `Operating point: x = ${fmt(node.x)} on ${node.activation.replace("_", " ")}` +
          ` (solid: f, dashed: f′). ${point.words}`;
    },
  };
}
