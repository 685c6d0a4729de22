/**
 * The network as SVG: laid out for its shape and the width it gets (layout.js), drawn once,
 * then only restyled and relabelled. Each node is a card that holds all its numbers; each
 * weight's label sits on its link, clear of every node and other label.
 * Stable ids: node-{l}-{j}, link-{k}-{i}-{j}, link-label-{k}-{i}-{j} (the indices of
 * docs/api.md); name-of-{id} and name-of-{id}-{n} for the parts of a button's accessible
 * name. mount → render(state): laid out anew for another shape or width, else restyled.
 */
import { GEOMETRY } from "../lib/config.js";
import { fmt, subscript } from "../lib/format.js";
import { inputLabel } from "../explain/features.js";
import { crowdedPair, fitNetwork, placeLabels, SIZES } from "./network-layout.js";
import { createPicture } from "./node-picture.js";
import { drawGrid, gridNote } from "./grid-view.js";
import { isWide } from "./grid-layout.js";
import { classNamesOf } from "../explain/own-data.js";
import { layerWords, symbolText, weightIndex } from "../explain/notation.js";
import { drawingOf } from "../explain/step-view.js";
import { changeCheck } from "../lib/memo.js";
import { el, makeSelectable, setAttr, setText } from "../lib/svg.js";

/**
 * @typedef {{type:"node", l:number, j:number} | {type:"link", k:number, i:number, j:number}} Selection
 * @typedef {{x:number|null, y:number|null, b:number|null, dE_dy:number|null,
 *            dE_dx:number|null, dE_db:number|null}} NodeView
 * @typedef {{w:number, dE_dw:number|null}} LinkView
 * @typedef {{nodes:NodeView[][], links:LinkView[][][], activeLayer:number|null,
 *            phaseKind:string|null, error:number|null, errorAfter?:number|null,
 *            target:number[]|null, selection:Selection|null,
 *            pictures?: any[][]|null, batch?: number, sampleInput?: number[]}} ViewModel
 *   batch: the points of the pass (more than 1: the numbers drawn are point 1's);
 *   sampleInput: the sample the next pass runs on (an image is drawn from it before)
 */

/** Sets a line of a card, squeezed to fit when it is long (a huge or tiny number);
 * `perChar`: px a character takes (6.6 at 12 px of tabular figures, 7.2 at 13 px: at 6.6 a
 * node's "x −999999.9155" had run past its card). */
function fit(node, text, room, perChar = 6.6) {
  setText(node, text);
  const guess = text.length * perChar;
  if (guess > room) {
    setAttr(node, "textLength", String(room));
    setAttr(node, "lengthAdjust", "spacingAndGlyphs");
  } else if (node.hasAttribute("textLength")) {
    node.removeAttribute("textLength");
  }
}

/** The smallest scale a network is drawn at (its layout's units to CSS pixels): its node
 * numbers stay about 8 px and larger. */
export const MIN_SCALE = 0.8;

/**
 * On a phone (one column) the formula panel is far below the drawing: a node or weight
 * clicked brings it into view, as a wide layout shows both at once.
 * @param {unknown} selection
 */
function showFormula(selection) {
  if (!selection || !document.body.classList.contains("one-column")) return;
  const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  document.getElementById("explain-heading")?.closest("section")
    ?.scrollIntoView({ block: "start", behavior: smooth ? "smooth" : "auto" });
}

/**
 * Draws the network for `layers` into `svg`, laid out for `width` CSS pixels, and returns
 * its update functions.
 * @param {SVGSVGElement} svg @param {number[]} layers @param {number} width
 * @param {(sel: Selection) => void} onSelect
 * @param {(node: {layer:number, node:number}|null) => void} [onHover] a node pointed at
 * @param {string[]} [inputNames] each input node's name (x₁, x₂, then the derived features'
 *   formulas); with derived features the input nodes draw their own pictures too
 */
export function drawNetwork(svg, layers, width, onSelect, onHover = () => {}, inputNames = []) {
  const derived = inputNames.some((name) => !/^x[₀-₉]+$/.test(name));
  const inputName = (j) => inputNames[j] ?? `x${subscript(j + 1)}`;
  const S = SIZES;
  const L = layers.length;
  const lay = fitNetwork(layers, width, MIN_SCALE);
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${Math.round(lay.width)} ${Math.round(lay.height)}`);
  svg.classList.toggle("vertical", lay.vertical);
  // It fills the stage, larger on a projector, but a small network never grows huge; and a
  // large one is never drawn below MIN_SCALE (its numbers would be unreadable): the stage
  // scrolls across it instead.
  svg.style.maxWidth = `${Math.round(lay.width * 1.5)}px`;
  svg.style.minWidth = `${Math.round(lay.width * MIN_SCALE)}px`;
  const [bands, linkLayer, pulseLayer, labelLayer, nodeLayer] =
    ["bands", "links", "pulses", "link-labels", "nodes"].map((c) => el("g", { class: c }, svg));
  const bandEls = layers.map((_, l) => {
    const b = lay.layerBand(l);
    const name = lay.layerName(l);
    const band = el("rect", { class: "band", x: b.x, y: b.y, width: b.w, height: b.h, rx: 14 }, bands);
    el("text", { class: `layer-name${lay.vertical ? " start" : ""}`, x: name.x, y: name.y }, bands)
      .textContent = l === 0 ? "input" : l === L - 1 ? "output" : `hidden ${l}`;
    return band;
  });

  /**
   * Makes `g` a button named by what it shows (its `texts`, so that the name always holds
   * the visible numbers) followed by `label`, which says which node or weight it is (also
   * its tooltip).
   */
  const selectable = (g, sel, label, texts) => makeSelectable(g, label, texts, () => onSelect(sel));

  /** @type {any[][][]} */
  const links = layers.slice(1).map((n, k) => Array.from({ length: layers[k] }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      const a = lay.pos(k, i);
      const b = lay.pos(k + 1, j);
      const d = `M${a.x},${a.y} L${b.x},${b.y}`;
      /** @type {Selection} */
      const sel = { type: "link", k, i, j };
      const path = el("path", { id: `link-${k}-${i}-${j}`, class: "link", d }, linkLayer);
      el("path", { class: "link-hit", d }, linkLayer).addEventListener("click", () => onSelect(sel));
      const label = el("g", { id: `link-label-${k}-${i}-${j}`, class: "link-label" }, labelLayer);
      const box = el("rect", { x: -S.labelW / 2, y: -S.labelH / 2, width: S.labelW,
                               height: S.labelH, rx: 6 }, label);
      const w = el("text", { class: "w", x: 0, y: -3 }, label);
      const grad = el("text", { class: "grad", x: 0, y: 13 }, label);
      const name = symbolText("w", k + 1, weightIndex(i, j));
      selectable(label, sel, `${name}: from node ${i + 1} of layer ${k} to node ${j + 1} ` +
                             `of layer ${k + 1}`, [w, grad]);
      return { path, label, box, w, grad, from: a, to: b, k, i, j };
    })));

  const nodes = layers.map((n, l) => Array.from({ length: n }, (_, j) => {
    const p = lay.pos(l, j);
    const g = el("g", { id: `node-${l}-${j}`, class: "node",
                        transform: `translate(${p.x},${p.y})` }, nodeLayer);
    const [w2, h2] = [S.nodeW / 2, S.nodeH / 2];
    el("rect", { class: "card", x: -w2, y: -h2, width: S.nodeW, height: S.nodeH, rx: 12 }, g);
    const picture = l || derived ? createPicture(g, S.nodeW, S.nodeH) : null;
    if (l || derived) {
      const point = () => onHover({ layer: l, node: j });
      g.addEventListener("mouseenter", point);
      g.addEventListener("focus", point);
      g.addEventListener("mouseleave", () => onHover(null));
      g.addEventListener("blur", () => onHover(null));
    }
    const line = (cls, dy) => el("text", { class: cls, x: 0, y: -h2 + dy }, g);
    // The bias's tag sits above the card, where links to the node may pass: on a ground of
    // its own, so that no link strikes through it.
    el("rect", { class: "bias-ground", x: -S.biasW / 2, y: -h2 - S.tagH + 1, width: S.biasW,
                 height: S.tagH - 3, rx: 4 }, g);
    const n = { g, p, picture, b: line("bias", -6), x: line("x", 18), y: line("y", 35),
                dy: line("grad dy", 54), dx: line("grad dx", 70) };
    selectable(g, { type: "node", l, j }, `node ${j + 1} of layer ${l}` +
               (l === 0 ? `, input ${inputName(j)}` : ""), [n.b, n.x, n.y, n.dy, n.dx]);
    return n;
  }));

  const targets = nodes[L - 1].map((_, j) => el("text", { class: "target", id: `target-${j}`,
                                                          ...lay.target(j) }, nodeLayer));
  const errorBox = el("g", { id: "error-box", class: "error-box",
                             transform: `translate(${lay.errorAt.x},${lay.errorAt.y})` }, nodeLayer);
  el("rect", { x: 0, y: -16, width: 150, height: 28, rx: 8 }, errorBox);
  const errorText = el("text", { x: 75, y: 3 }, errorBox);

  const G = GEOMETRY;
  const widthOf = (w) => G.minLinkWidth + (G.maxLinkWidth - G.minLinkWidth) * Math.tanh(Math.abs(w));
  let placedKey = null;

  /** Places the labels that show (all of an uncrowded pair of layers, else the selection's). */
  function placeShown(sel) {
    const all = links.flat(2);
    const shown = all.filter((e) => !lay.crowded(e.k) || (sel?.type === "link"
      ? sel.k === e.k && sel.i === e.i && sel.j === e.j
      : sel?.type === "node" && ((sel.l === e.k && sel.j === e.i) || (sel.l === e.k + 1 && sel.j === e.j))));
    const key = shown.map((e) => `${e.k}${e.i}${e.j}`).join();
    if (key === placedKey) return;
    placedKey = key;
    const boxes = placeLabels(lay, layers, shown);
    for (const e of all) e.label.classList.add("hidden");
    shown.forEach((e, n) => {
      // In a crowded pair of layers, a label with no free place stays hidden; its weight is
      // still one click away (the link itself), and the panel names it.
      const at = boxes[n];
      if (!at) return;
      e.label.setAttribute("transform", `translate(${at.x + S.labelW / 2},${at.y + S.labelH / 2})`);
      e.label.classList.remove("hidden");
    });
  }

  /** @param {ViewModel} m */
  function render(m) {
    bandEls.forEach((band, l) => band.classList.toggle("active", m.activeLayer === l));
    const sel = m.selection;
    placeShown(sel);
    const room = S.nodeW - 10;
    nodes.forEach((layer, l) => layer.forEach((n, j) => {
      const v = m.nodes[l][j];
      fit(n.x, v.x === null ? "" : `x ${fmt(v.x)}`, room, 7.2);  // 13 px
      fit(n.y, v.y === null ? "" : `y ${fmt(v.y)}`, room, 7.2);
      fit(n.b, l === 0 ? `input ${inputName(j)}` : `b ${fmt(v.b)}`, S.biasW - 6);
      n.picture?.draw(m.pictures?.[l]?.[j] ?? null);
      fit(n.dy, v.dE_dy === null ? "" : `∂E/∂y ${fmt(v.dE_dy)}`, room);
      fit(n.dx, v.dE_dx === null ? "" : `∂E/∂x ${fmt(v.dE_dx)}`, room);
      n.g.classList.toggle("computed", v.y !== null);
      n.g.classList.toggle("active", m.activeLayer === l);
      n.g.classList.toggle("selected", sel?.type === "node" && sel.l === l && sel.j === j);
    }));
    for (const e of links.flat(2)) {
      const v = m.links[e.k][e.i][e.j];
      const selected = sel?.type === "link" && sel.k === e.k && sel.i === e.i && sel.j === e.j;
      setAttr(e.path, "stroke-width", widthOf(v.w).toFixed(2));
      e.path.classList.toggle("positive", v.w >= 0);
      e.path.classList.toggle("negative", v.w < 0);
      e.path.classList.toggle("selected", selected);
      fit(e.w, `w ${fmt(v.w)}`, S.labelW - 8);
      fit(e.grad, v.dE_dw === null ? "" : `∂E/∂w ${fmt(v.dE_dw)}`, S.labelW - 8);
      e.label.classList.toggle("selected", selected);
    }
    targets.forEach((t, j) => setText(t, m.target ? `t ${fmt(m.target[j])}` : ""));
    const after = m.errorAfter ?? null;
    const batch = (m.batch ?? 1) > 1;
    const E = batch ? "E₁" : "E";  // point 1's, in a mini-batch
    fit(errorText, m.error === null ? "" : after === null ? `${E} = ${fmt(m.error)}`
      : `${E} ${fmt(m.error)} → ${fmt(after)}`, 140, 7.6);  // the box is 150 wide, its text bold
    // A mini-batch's pass: the numbers drawn are its first point's, and the page says so.
    const note = /** @type {HTMLElement} */ (svg.ownerDocument.getElementById("batch-note"));
    if (note) {
      setText(note, batch ? `Point 1 of the mini-batch of ${m.batch}: the drawing shows its ` +
        "own numbers, E₁ its E; the panel adds the means over the batch, which the update " +
        "uses." : "");
    }
    errorBox.classList.toggle("shown", m.error !== null);
    errorBox.classList.toggle("active", m.phaseKind === "error" || after !== null);
  }

  /** @type {{key:string, dots:{a:any, b:any, dot:SVGElement}[]}|null} */
  let travelling = null;

  /**
   * Dots along every link between layer `from` and layer `to` (adjacent layers, either
   * direction), at `t` (0 … 1) of the way; none when `from` is null.
   * @param {number|null} from @param {number} [to] @param {number} [t]
   */
  function pulse(from, to = 0, t = 0) {
    const key = from === null ? "" : `${from}>${to}`;
    if (travelling?.key !== key) {
      travelling?.dots.forEach(({ dot }) => dot.remove());
      travelling = from === null ? null : {
        key,
        dots: links[Math.min(from, to)].flat().map((e) => {
          const [a, b] = from < to ? [e.from, e.to] : [e.to, e.from];
          return { a, b, dot: el("circle", { class: `pulse ${from < to ? "fwd" : "bwd"}`, r: 6,
                                             cx: a.x, cy: a.y }, pulseLayer) };
        }),
      };
    }
    for (const { a, b, dot } of travelling?.dots ?? []) {
      dot.setAttribute("cx", String(a.x + (b.x - a.x) * t));
      dot.setAttribute("cy", String(a.y + (b.y - a.y) * t));
    }
  }

  return { render, pulse, layout: lay };
}

/** Whether the page is laid out in one column: a narrow window, or a network too wide to
 * read beside the side column. @param {import("../state/store.js").State} s */
export function oneColumn(s) {
  return (s.sizes.viewport?.width ?? 1400) <= 1000 || (s.network?.layers.length ?? 0) >= 6;
}

/** Says which weights are labelled only on demand (too many links to label them all).
 * @param {number[]} layers */
export function labelsNote(layers) {
  const L = layers.length;
  const ks = layers.slice(0, -1).map((_, k) => k).filter((k) => crowdedPair(layers, k));
  const run = ks.length > 2 && ks[ks.length - 1] - ks[0] === ks.length - 1;
  const where = run
    ? `Between each two neighbouring layers from ${layerWords(ks[0], L)} to ` +
      `${layerWords(ks[ks.length - 1] + 1, L)}`
    : `Between ${ks.map((k) => `${layerWords(k, L)} and ${layerWords(k + 1, L)}`)
      .join(", and between ")}`;
  return ks.length
    ? `${where} there are too many weights to label them all: click a node to label its ` +
      "links, or a link to see its weight."
    : "";
}

/**
 * @param {SVGSVGElement} svg @param {HTMLElement} note the note on labels shown on demand
 * @param {(intent: import("../actions/controller.js").Intent) => void} dispatch
 * @param {import("../explain/features.js").FeatureInfo[]} [catalogue] the derived input
 *   features (/api/options), to name the input nodes
 * @param {any} [options] /api/options: the widest layer drawn as cards, the datasets' classes
 */
export function mountNetworkView(svg, note, dispatch, catalogue = [], options = null) {
  const stage = /** @type {HTMLElement} */ (svg.parentElement);
  const report = () => dispatch({ type: "resized", name: "stage", width: stage.clientWidth,
                                  height: stage.clientHeight });
  new ResizeObserver(report).observe(stage);
  report();
  /** @type {{render:(m:ViewModel)=>void, pulse:(from:number|null, to?:number, t?:number)=>void}|null} */
  let view = null;
  const cards = options?.limits?.max_nodes ?? 8;
  let drawnFor = "";
  const changed = changeCheck();

  /** @param {import("../state/store.js").State} s */
  return function render(s) {
    const network = s.network;
    if (!network) return;
    const stageWidth = s.sizes.stage?.width || 1000;
    // On a wide stage (a projector), laid out for less and drawn larger: bigger text.
    const width = stageWidth > 1100 ? stageWidth / Math.min(1.45, stageWidth / 1000) : stageWidth;
    const names = network.layers[0] ? Array.from({ length: network.layers[0] },
      (_, j) => inputLabel(network, j, catalogue)) : [];
    const wide = isWide(network.layers, cards);
    const classes = wide ? classNamesOf(s, options?.datasets ?? []) : null;
    const key = `${network.layers.join("-")}|${names.join(",")}|${classes}@${Math.round(width / 24)}`;
    if (drawnFor !== key) {
      drawnFor = key;
      changed.forget();
      svg.classList.remove("grid-network");
      const onSelect = (sel) => {
        dispatch({ type: "select", selection: sel });
        showFormula(sel);
      };
      if (wide) {
        const grid = drawGrid(svg, network.layers, width, onSelect, names, classes);
        view = grid;
        const over = grid.layout.width * MIN_SCALE > stageWidth;
        setText(note, [gridNote(network.layers), over ? "The network is wider than the window: " +
          "scroll it sideways to see the rest." : ""].filter(Boolean).join(" "));
      } else {
        view = drawNetwork(svg, network.layers, width, onSelect,
                           (node) => dispatch({ type: "hover", node }), names);
        const over = fitNetwork(network.layers, width, MIN_SCALE).width * MIN_SCALE > stageWidth;
        setText(note, [labelsNote(network.layers), over ? "The network is wider than the " +
          "window, so that its numbers stay readable: scroll it sideways (Shift and the mouse " +
          "wheel, or swipe) to see the rest." : ""].filter(Boolean).join(" "));
      }
    }
    if (!view) return;
    if (!changed({ network, stepper: s.stepper, selection: s.selection, pictures: s.pictures,
                   animation: s.animation, quiz: s.predict.quiz, sample: s.sample })) return;
    view.render(drawingOf(s));
    const a = s.animation;
    if (a && a.t < 1 && a.kind === "forward") view.pulse(a.layer - 1, a.layer, a.t);
    else if (a && a.t < 1 && a.kind === "backward") view.pulse(a.layer + 1, a.layer, a.t);
    else view.pulse(null);
  };
}
