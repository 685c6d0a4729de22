/**
 * Each node's own picture, drawn faintly behind its numbers (as TensorFlow Playground's
 * neurons): the node's output y over the plot's domain, a curve for one input, a small heat
 * map for two. It redraws only when the values change.
 */
import { rgbOf } from "./colours.js";
import { el } from "./svg.js";

/**
 * @param {SVGElement} parent the node's group, centred on the node
 * @param {number} w @param {number} h the card's size
 */
export function createPicture(parent, w, h) {
  const g = el("g", { class: "picture", "aria-hidden": "true" }, parent);
  const box = { x: -w / 2 + 4, y: -h / 2 + 4, w: w - 8, h: h - 8 };
  let key = "";
  return {
    /** @param {number[]|number[][]|null} values the node's output over the grid */
    draw(values) {
      const next = values ? JSON.stringify(values) : "";
      if (next === key) return;
      key = next;
      g.replaceChildren();
      g.setAttribute("data-values", next);
      if (!values) return;
      const flat = values.flat();
      let lo = Math.min(...flat);
      let hi = Math.max(...flat);
      if (lo >= 0 && hi <= 1) [lo, hi] = [0, 1];  // a probability-like output on its own scale
      const span = hi - lo || 1;
      if (!Array.isArray(values[0])) {
        const n = values.length;
        const d = values.map((v, k) => `${k ? "L" : "M"}${(box.x + (k / (n - 1)) * box.w).toFixed(1)},` +
          `${(box.y + (1 - (Number(v) - lo) / span) * box.h).toFixed(1)}`).join("");
        el("path", { class: "picture-curve", d }, g);
        return;
      }
      const [low, high] = [rgbOf("--negative"), rgbOf("--positive")];
      const n = values.length;
      const cw = box.w / n;
      const ch = box.h / n;
      values.forEach((row, r) => row.forEach((v, c) => {
        const t = Math.min(1, Math.max(0, (v - lo) / span));
        const [from, a] = t < 0.5 ? [low, 1 - 2 * t] : [high, 2 * t - 1];
        const mix = from.map((ch0) => Math.round(255 + (ch0 - 255) * a));
        el("rect", { x: box.x + c * cw, y: box.y + (n - 1 - r) * ch, width: cw + 0.3,
                     height: ch + 0.3, fill: `rgb(${mix.join(",")})` }, g);
      }));
    },
  };
}
