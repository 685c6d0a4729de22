/**
 * How large the gradients are, layer by layer: the mean |∂E/∂w| of each layer of weights on a
 * log scale, after every backward pass and during Play, so that vanishing gradients (deep
 * sigmoids) and exploding ones (large weights) show as a slope across the layers.
 */
import { fmt, superscript as sup } from "../lib/format.js";
import { byId as $ } from "../lib/dom.js";
import { el, setAttr, setText } from "../lib/svg.js";
import { currentPhase, currentRecord } from "../state/stepper.js";
import { shownStepper } from "../state/store.js";

/** One sentence on the trend from the output back to the first layer; a layer the backward
 * walk has not reached yet is null. @param {(number|null)[]} sizes */
export function describeSizes(sizes) {
  if (sizes.every((v) => v === null)) {
    return "The backward pass has not started: each bar is the mean |∂E/∂w| of a layer of " +
      "weights, and appears when the pass reaches that layer (press Next).";
  }
  if (sizes.includes(null)) {
    const from = sizes.findIndex((v) => v !== null) + 1;
    return `The backward pass has reached ${from === sizes.length ? `w⁽${sup(from)}⁾`
      : `w⁽${sup(from)}⁾ to w⁽${sup(sizes.length)}⁾`} so far: each bar is the mean |∂E/∂w| of a ` +
      "layer of weights, and appears when the pass reaches that layer (press Next).";
  }
  const first = sizes[0];
  const last = sizes[sizes.length - 1];
  if (sizes.length < 2 || !(first > 0) || !(last > 0)) {
    return "Each bar is the mean |∂E/∂w| of a layer of weights.";
  }
  const ratio = first / last;
  if (ratio < 0.1) {
    return `From the output back to layer 1 the gradient shrinks ${fmt(1 / ratio, 0)}-fold: ` +
      "vanishing gradients: each layer multiplies it by w·f′(x), and sigmoid's f′ is at most " +
      "0.25, so the first layers learn slowly. The usual remedies: relu, whose f′ is 1 where " +
      "a node is active (choose it under Activation and watch these bars); weights started " +
      "at a size that keeps w·f′ near 1 (Glorot's initialization for tanh, He's for relu: " +
      "with sigmoid, whose f′ is at most 0.25, even Glorot's weights shrink it, as Initial " +
      "weights shows); " +
      "or Adam, which steps every weight about α however small its gradient.";
  }
  if (ratio > 10) {
    return `From the output back to layer 1 the gradient grows ${fmt(ratio, 0)}-fold: exploding ` +
      "gradients (each layer multiplies by w·f′(x), here above 1): the first layers take huge steps.";
  }
  if (ratio < 0.5 || ratio > 2) {
    return `From the output back to layer 1 the gradient ${ratio < 1 ? "shrinks" : "grows"} ` +
      `${fmt(ratio < 1 ? 1 / ratio : ratio, 1)}-fold: the layers learn at different paces ` +
      `(not yet what is called ${ratio < 1 ? "vanishing" : "exploding"} gradients: that is ` +
      "from 10-fold on).";
  }
  return "The gradient keeps about the same size from layer to layer (within 2-fold): every " +
    "layer learns at a similar pace.";
}

/**
 * The chart's geometry and words for `sizes`, as pure data: a grid line and a tick per power
 * of ten (per so many powers that there are at most MAX_TICKS, the top one always), a bar and
 * its label per layer of weights (no bar for a layer not reached yet: null).
 * @param {(number|null)[]} sizes @param {number} W @param {number} H the viewBox's size
 */
export function gradientChart(sizes, W, H) {
  const logs = sizes.map((s) => (s === null ? null : Math.log10(Math.max(s, 1e-300))));
  const known = /** @type {number[]} */ (logs.filter((v) => v !== null));
  const top = Math.ceil(Math.max(...known, -1));
  const lowest = Math.min(Math.floor(Math.min(...known, top)), top - 2);
  // a tick every `every` powers, the lowest one where the bars stand
  const every = Math.max(1, Math.ceil((top - lowest) / (MAX_TICKS - 1)));
  const bottom = top - every * Math.ceil((top - lowest) / every);
  const Y = (v) => 8 + ((top - v) / (top - bottom)) * (H - 30);
  const ticks = [];
  for (let p = bottom; p <= top; p += every) ticks.push({ y: Y(p), text: `10${sup(p)}` });
  const slot = (W - 52) / sizes.length;
  const bars = sizes.map((s, k) => {
    const x = 50 + k * slot;
    const log = logs[k];
    return { x, y: log === null ? Y(bottom) : Y(log), width: slot * 0.7,
             height: log === null ? 0 : Math.max(1, Y(bottom) - Y(log)),
             labelX: x + slot * 0.35, labelY: H - 6, label: `w⁽${sup(k + 1)}⁾` };
  });
  return { ticks, bars,
           label: "Mean |∂E/∂w| per layer: " + sizes.map((s, k) =>
             `layer ${k + 1}: ${s === null ? "not reached yet" : fmt(s)}`).join(", "),
           caption: describeSizes(sizes) };
}

/** The most ticks on the chart's axis: sizes that span hundreds of powers of ten (a gradient of
 * 0, or after divergence) had drawn a label on each, one over the other. */
const MAX_TICKS = 6;

/** The longest captions there are (the largest numbers written out), for the room the caption
 * keeps. */
export const LONGEST_CAPTIONS = [describeSizes([1e-300, 1]), describeSizes([1, 1e-300])];

/**
 * @param {SVGSVGElement} svg @param {HTMLElement} caption inside a .caption-box whose .room
 *   paragraphs (hidden) hold the longest captions' room while the bars show
 */
export function createGradientView(svg, caption) {
  const W = 360;
  const H = 130;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const box = caption.parentElement;
  box.querySelectorAll(".room").forEach((room, n) => { room.textContent = LONGEST_CAPTIONS[n] ?? ""; });
  let drawn = null;  // the sizes last drawn, joined ("": none); null before the first draw
  /** @type {{lines:SVGElement[], ticks:SVGElement[], bars:SVGElement[], labels:SVGElement[]}|null} */
  let parts = null;
  return {
    /** Redrawn only when the sizes changed, in place while the numbers of ticks and bars
     * stay the same (during Play it is drawn on every frame). @param {(number|null)[]|null} sizes */
    draw(sizes) {
      const key = sizes ? sizes.join() : "";
      if (key === drawn) return;
      drawn = key;
      if (svg.style.display !== (sizes ? "" : "none")) svg.style.display = sizes ? "" : "none";
      box.classList.toggle("reserving", Boolean(sizes));
      if (!sizes) {
        svg.replaceChildren();
        parts = null;
        setText(caption, "After a backward pass (or while training) each layer's mean " +
          "|∂E/∂w| shows here, on a log scale.");
        return;
      }
      const chart = gradientChart(sizes, W, H);
      if (parts?.ticks.length !== chart.ticks.length || parts.bars.length !== chart.bars.length) {
        svg.replaceChildren();
        const lines = chart.ticks.map(() => el("line", { class: "grid", x1: 44, x2: W - 4 }, svg));
        const ticks = chart.ticks.map(() => el("text", { class: "tick", x: 40 }, svg));
        const bars = chart.bars.map(() => el("rect", { class: "bar" }, svg));
        const labels = chart.bars.map(() => el("text", { class: "tick middle" }, svg));
        parts = { lines, ticks, bars, labels };
      }
      chart.ticks.forEach((t, n) => {
        setAttr(parts.lines[n], "y1", String(t.y));
        setAttr(parts.lines[n], "y2", String(t.y));
        setAttr(parts.ticks[n], "y", String(t.y + 4));
        setText(parts.ticks[n], t.text);
      });
      chart.bars.forEach((b, k) => {
        for (const name of ["x", "y", "width", "height"]) setAttr(parts.bars[k], name, String(b[name]));
        setAttr(parts.labels[k], "x", String(b.labelX));
        setAttr(parts.labels[k], "y", String(b.labelY));
        setText(parts.labels[k], b.label);
      });
      setAttr(svg, "aria-label", chart.label);
      setText(caption, chart.caption);
    },
  };
}

/** The gradient sizes the server sent: of the pass shown, once its backward walk has reached
 * them (null for the layers it has not reached), else of the last training call.
 * @param {import("../state/store.js").State} s @returns {(number|null)[]|null} */
export function shownSizes(s) {
  const shown = shownStepper(s);
  const phase = currentPhase(shown);
  if (phase && phase.kind !== "backward" && phase.kind !== "update") {
    // a pass before its backward walk: no layer reached yet
    return shown.phases.filter((p) => p.kind === "backward").map(() => null);
  }
  const sizes = currentRecord(shown)?.trace.gradient_sizes;
  if (!sizes) return s.gradientSizes ?? null;
  // backward at layer l has the ∂E/∂w of the weights into layers l to the last (index l − 1 on)
  return phase?.kind === "backward"
    ? sizes.map((v, k) => (k >= /** @type {number} */ (phase.layer) - 1 ? v : null)) : sizes;
}

/** mount → render(state). */
export function mountGradientChart() {
  const chart = createGradientView($("gradient-sizes"), $("gradient-caption"));
  /** @param {import("../state/store.js").State} s */
  return (s) => chart.draw(shownSizes(s) ?? null);
}
