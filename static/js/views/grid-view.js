/**
 * A wide network (a layer of more than 8 nodes: the digits' 64 pixels, a hidden layer of up
 * to 32) drawn so that it can be read (grid-layout.js): the input as its image, each hidden
 * node as a tile picturing its incoming weights (in the backward phases and the update, their
 * ∂E/∂w) with its y (backward: its ∂E/∂x) as a bar, each output as a bar of its y. The
 * selected node's numbers and its weights, one cell each to click, are in the inspector.
 * Stable ids, as the cards': node-{l}-{j}; the inspector's cells weight-{k}-{i}-{j}.
 */
import { diverging, rgbOf } from "../lib/colours.js";
import { fmt } from "../lib/format.js";
import { el, makeSelectable, setAttr, setText } from "../lib/svg.js";
import { symbolText, weightIndex } from "../explain/notation.js";
import { GRID, inkOf, largest, layoutGrid, paintDiverging } from "./grid-layout.js";

/**
 * @param {SVGSVGElement} svg @param {number[]} layers @param {number} width
 * @param {(sel: import("./network-view.js").Selection) => void} onSelect
 * @param {string[]} inputNames each input node's name
 * @param {string[]|null} classNames each output node's class, if the outputs are classes
 */
export function drawGrid(svg, layers, width, onSelect, inputNames = [], classNames = null) {
  const G = GRID;
  const L = layers.length;
  const lay = layoutGrid(layers, width);
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${Math.round(lay.width)} ${Math.round(lay.height)}`);
  svg.classList.toggle("vertical", lay.vertical);
  svg.classList.add("grid-network");
  svg.style.maxWidth = `${Math.round(lay.width * 1.5)}px`;
  svg.style.minWidth = `${Math.round(lay.width * 0.8)}px`;
  const [bands, body, inspectorLayer] = ["bands", "grid-body", "inspector"]
    .map((c) => el("g", { class: c }, svg));
  const image = lay.grid(0);
  const layerTitle = (l) => (l === 0
    ? `input: ${layers[0]} pixels${image.cols * image.rows === layers[0] ? ` (${image.rows} × ${image.cols})` : ""}`
    : l === L - 1 ? "output" : `hidden ${l}`);
  const bandEls = layers.map((_, l) => {
    const b = lay.band(l);
    const band = el("rect", { class: "band", x: b.x, y: b.y, width: b.w, height: b.h, rx: 12 }, bands);
    const name = lay.name(l);
    const text = el("text", { class: "layer-name start", x: name.x, y: name.y }, bands);
    text.textContent = layerTitle(l);
    return { band, text };
  });
  const inputName = (j) => inputNames[j] ?? `x${j + 1}`;
  const where = (j) => (image.cols * image.rows === layers[0] && layers[0] > 8
    ? `, row ${Math.floor(j / image.cols) + 1}, column ${(j % image.cols) + 1}` : "");
  const className = (j) => classNames?.[j] ?? String(j + 1);
  const select = (sel) => () => onSelect(sel);

  // The input: a cell per pixel, its grey the pixel's value.
  const pixels = Array.from({ length: layers[0] }, (_, j) => {
    const c = lay.cellOf(0, j);
    const g = el("g", { id: `node-0-${j}`, class: "node pixel" }, body);
    const rect = el("rect", { x: c.x, y: c.y, width: c.w, height: c.h, class: "pixel-cell" }, g);
    const hidden = el("text", { class: "sr-only", x: c.x, y: c.y }, g);
    makeSelectable(g, `input node ${j + 1}, ${inputName(j)}${where(j)}`, [hidden],
                   select({ type: "node", l: 0, j }));
    return { g, rect, hidden };
  });

  // Each hidden layer: one canvas of all its tiles' pictures (a pixel per weight), and over
  // each tile a button, its frame and its bar.
  const tiles = layers.slice(1, -1).map((n, h) => {
    const l = h + 1;
    const from = lay.grid(l - 1);
    const { cols, rows } = lay.grid(l);
    const block = lay.block(l);
    const pitch = G.tile + G.tileGap;
    const canvasW = cols * (from.cols + 1);
    const canvasH = rows * (from.rows + 1);
    const frame = el("foreignObject", { x: block.x, y: block.y, width: cols * pitch,
                                        height: rows * pitch, class: "tiles" }, body);
    const canvas = document.createElement("canvas");
    canvas.width = canvasW;
    canvas.height = canvasH;
    canvas.className = "tile-canvas";
    frame.appendChild(canvas);
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    const pixels = new ImageData(canvasW, canvasH);
    const tw = (pitch * from.cols) / (from.cols + 1);
    const th = (pitch * from.rows) / (from.rows + 1);
    const nodes = Array.from({ length: n }, (_, j) => {
      const c = lay.cellOf(l, j);
      const g = el("g", { id: `node-${l}-${j}`, class: "node tile" }, body);
      el("rect", { class: "tile-frame", x: c.x - 1, y: c.y - 1, width: tw + 2, height: th + 2 }, g);
      const track = el("rect", { class: "tile-track", x: c.x, y: c.y + th + 2, width: tw, height: 4 }, g);
      const bar = el("rect", { class: "tile-bar", x: c.x, y: c.y + th + 2, width: 0, height: 4 }, g);
      const hidden = el("text", { class: "sr-only", x: c.x, y: c.y }, g);
      makeSelectable(g, `node ${j + 1} of hidden layer ${l}`, [hidden],
                     select({ type: "node", l, j }));
      return { g, c, bar, track, hidden };
    });
    const scale = el("text", { class: "tile-scale start", x: block.x, y: block.y + rows * pitch + 14 }, body);
    return { l, from, cols, ctx, pixels, canvasW, nodes, tw, scale };
  });

  // The outputs: a row each, its class, its bar, its numbers; the target marked on the bar.
  const outputs = Array.from({ length: layers[L - 1] }, (_, j) => {
    const c = lay.cellOf(L - 1, j);
    const g = el("g", { id: `node-${L - 1}-${j}`, class: "node out-row" }, body);
    el("rect", { class: "out-ground", x: c.x - 4, y: c.y + 2, width: c.w + 8, height: c.h - 4, rx: 5 }, g);
    const label = el("text", { class: "out-class", x: c.x + 12, y: c.y + 19 }, g);
    label.textContent = classNames ? className(j) : `${j + 1}`;
    el("rect", { class: "out-track", x: c.x + 28, y: c.y + 7, width: G.barW, height: 14 }, g);
    const bar = el("rect", { class: "out-bar", x: c.x + 28, y: c.y + 7, width: 0, height: 14 }, g);
    const tick = el("rect", { class: "out-target", x: c.x + 28, y: c.y + 4, width: 3, height: 20 }, g);
    const y = el("text", { class: "out-y start", x: c.x + 34 + G.barW, y: c.y + 19 }, g);
    const dx = el("text", { class: "out-dx start grad", x: c.x + 112 + G.barW, y: c.y + 19 }, g);
    makeSelectable(g, `output node ${j + 1}` + (classNames ? `, class ${className(j)}` : ""),
                   [label, y, dx], select({ type: "node", l: L - 1, j }));
    return { g, bar, tick, y, dx };
  });
  const errorText = el("text", { class: "grid-error start", x: lay.error.x, y: lay.error.y }, body);

  // The inspector: the selected node's (or weight's) numbers, and its weights to click.
  const I = lay.inspector;
  el("rect", { class: "inspector-ground", x: I.x - 8, y: I.y - 8, width: I.w + 16, height: I.h, rx: 10 },
     inspectorLayer);
  const heading = el("text", { class: "inspector-title start", x: I.x, y: I.y + 10 }, inspectorLayer);
  const lines = Array.from({ length: 5 }, (_, n) =>
    el("text", { class: "inspector-line start", x: I.x, y: I.y + 32 + n * 18 }, inspectorLayer));
  const cellsTitle = el("text", { class: "inspector-note start", x: I.x, y: I.y + 124 },
                        inspectorLayer);
  const cellsGroup = el("g", { class: "weight-cells" }, inspectorLayer);
  /** @type {{key:string, cells:{g:SVGElement, rect:SVGElement, k:number, i:number, j:number}[]}} */
  let shownCells = { key: "", cells: [] };

  /** The weights the inspector shows for a selection: into the node (or the weight's
   * node), or out of an input pixel. */
  function cellsFor(sel) {
    if (!sel) return null;
    if (sel.type === "link") return { k: sel.k, j: sel.j, into: true };
    if (sel.l > 0) return { k: sel.l - 1, j: sel.j, into: true };
    return L > 1 ? { k: 0, i: sel.j, into: false } : null;
  }

  function placeCells(want) {
    const key = want ? JSON.stringify(want) : "";
    if (key === shownCells.key) return;
    cellsGroup.replaceChildren();
    shownCells = { key, cells: [] };
    if (!want) return;
    const source = want.into ? want.k : want.k + 1;  // whose arrangement the cells follow
    const grid = lay.grid(source);
    const n = layers[source];
    const size = Math.min(G.cell, Math.floor(I.w / grid.cols));
    for (let m = 0; m < n; m++) {
      const [i, j] = want.into ? [m, want.j] : [want.i, m];
      const x = I.x + (m % grid.cols) * size;
      const y = I.y + 132 + Math.floor(m / grid.cols) * size;
      const g = el("g", { id: `weight-${want.k}-${i}-${j}`, class: "weight-cell" }, cellsGroup);
      const rect = el("rect", { x, y, width: size - 1, height: size - 1 }, g);
      const hidden = el("text", { class: "sr-only", x, y }, g);
      makeSelectable(g, `${symbolText("w", want.k + 1, weightIndex(i, j))}: from node ${i + 1} ` +
                     `of layer ${want.k} to node ${j + 1} of layer ${want.k + 1}`, [hidden],
                     select({ type: "link", k: want.k, i, j }));
      shownCells.cells.push({ g, rect, k: want.k, i, j });
    }
  }

  const low = rgbOf("--negative");
  const high = rgbOf("--positive");

  /** @param {import("./network-view.js").ViewModel} m */
  function render(m) {
    const sel = m.selection;
    bandEls.forEach(({ band }, l) => band.classList.toggle("active", m.activeLayer === l));
    const selected = (l, j) => (sel?.type === "node" && sel.l === l && sel.j === j)
      || (sel?.type === "link" && ((sel.k === l && sel.i === j) || (sel.k + 1 === l && sel.j === j)));
    pixels.forEach((p, j) => {
      const v = m.nodes[0][j];
      // before the pass reads it, the image is the sample the next pass runs on
      const ink = v.y ?? m.sampleInput?.[j] ?? null;
      setAttr(p.rect, "fill", ink === null ? "#fff" : inkOf(ink));
      setText(p.hidden, v.y === null ? "" : `value ${fmt(v.y)}`);
      p.g.classList.toggle("selected", selected(0, j));
    });
    // What a matrix of weights is pictured by, tiles and inspector alike: in the backward
    // phases, once the pass has reached it, their ∂E/∂w; else w.
    const backward = m.phaseKind === "backward";
    const shownOf = (/** @type {{w:number, dE_dw:number|null}[][]} */ matrix) => {
      const gradients = backward && matrix[0][0].dE_dw !== null;
      return { gradients, value: (e) => (gradients ? /** @type {number} */ (e.dE_dw) : e.w) };
    };
    for (const t of tiles) {
      const matrix = m.links[t.l - 1];
      const { gradients, value } = shownOf(matrix);
      const scale = largest(matrix, value);
      const data = t.pixels.data;
      t.nodes.forEach((_, j) => {
        const column = matrix.map((row) => value(row[j]));
        paintDiverging(column, t.from, scale, low, high, data, t.canvasW,
                       (j % t.cols) * (t.from.cols + 1), Math.floor(j / t.cols) * (t.from.rows + 1));
      });
      t.ctx.putImageData(t.pixels, 0, 0);
      setText(t.scale, `tiles: ${gradients ? "∂E/∂w" : "weights"} in, ±${fmt(scale, 2)}`);
      const back = m.nodes[t.l].some((v) => v.dE_dx !== null);
      let most = 0;
      if (back) for (const v of m.nodes[t.l]) most = Math.max(most, Math.abs(/** @type {number} */ (v.dE_dx)));
      t.nodes.forEach((tile, j) => {
        const v = m.nodes[t.l][j];
        let w = 0;
        let cls = "tile-bar";
        if (back) {
          w = most > 0 ? (t.tw * Math.abs(/** @type {number} */ (v.dE_dx))) / most : 0;
          cls = `tile-bar grad ${/** @type {number} */ (v.dE_dx) < 0 ? "negative" : "positive"}`;
        } else if (v.y !== null) {
          w = t.tw * Math.max(0, Math.min(1, Math.abs(v.y)));
        }
        setAttr(tile.bar, "width", w.toFixed(1));
        setAttr(tile.bar, "class", cls);
        setText(tile.hidden, v.y === null ? "" : `y ${fmt(v.y)}` +
                (v.dE_dx === null ? "" : `, ∂E/∂x ${fmt(v.dE_dx)}`));
        tile.g.classList.toggle("computed", v.y !== null);
        tile.g.classList.toggle("selected", selected(t.l, j));
      });
    }
    const top = m.nodes[L - 1].reduce((best, v, j, all) =>
      (v.y !== null && (best < 0 || v.y > /** @type {number} */ (all[best].y)) ? j : best), -1);
    outputs.forEach((o, j) => {
      const v = m.nodes[L - 1][j];
      setAttr(o.bar, "width", v.y === null ? "0" : (G.barW * Math.max(0, Math.min(1, v.y))).toFixed(1));
      const t = m.target?.[j];
      setAttr(o.tick, "x", String(Number(o.bar.getAttribute("x")) +
                                   G.barW * Math.max(0, Math.min(1, t ?? 0)) - 1.5));
      o.tick.classList.toggle("hidden", t === undefined || t === null);
      setText(o.y, v.y === null ? "" : `y ${fmt(v.y)}`);
      setText(o.dx, v.dE_dx === null ? "" : `∂E/∂x ${fmt(v.dE_dx)}`);
      o.g.classList.toggle("computed", v.y !== null);
      o.g.classList.toggle("winner", j === top && classNames !== null);
      o.g.classList.toggle("selected", selected(L - 1, j));
    });
    const after = m.errorAfter ?? null;
    const E = (m.batch ?? 1) > 1 ? "E₁" : "E";
    setText(errorText, m.error === null ? "" : after === null ? `${E} = ${fmt(m.error)}`
      : `${E} ${fmt(m.error)} → ${fmt(after)}`);

    // The inspector.
    const want = cellsFor(sel);
    placeCells(want);
    const say = (n, text) => setText(lines[n], text);
    if (!sel) {
      setText(heading, "Click a pixel, a tile or an output");
      ["to see its numbers here, and its", "weights as cells to click: each", "weight's own numbers are then",
       "here and in the panel.", ""].forEach((t, n) => say(n, t));
      setText(cellsTitle, "");
    } else if (sel.type === "node") {
      const v = m.nodes[sel.l][sel.j];
      setText(heading, sel.l === 0 ? `Input ${inputName(sel.j)}${where(sel.j)}`
        : sel.l === L - 1 ? `Output node ${sel.j + 1}${classNames ? ` (class "${className(sel.j)}")` : ""}`
          : `Hidden layer ${sel.l}, node ${sel.j + 1}`);
      say(0, sel.l === 0 ? "" : `b ${fmt(v.b)}`);
      say(1, v.x === null ? "x: not computed yet" : `x ${fmt(v.x)}`);
      say(2, v.y === null ? "" : `y ${fmt(v.y)}`);
      say(3, v.dE_dy === null ? "" : `∂E/∂y ${fmt(v.dE_dy)}`);
      say(4, v.dE_dx === null ? "" : `∂E/∂x ${fmt(v.dE_dx)}`);
      const what = shownOf(m.links[want?.k ?? 0]).gradients ? "∂E/∂w of its" : "Its";
      setText(cellsTitle, want ? `${what} ${want.into ? `${layers[want.k]} weights in`
        : `${layers[1]} weights out`} (click one):` : "");
    } else {
      const v = m.links[sel.k][sel.i][sel.j];
      setText(heading, `Weight ${symbolText("w", sel.k + 1, weightIndex(sel.i, sel.j))}`);
      say(0, `from node ${sel.i + 1} of layer ${sel.k}`);
      say(1, `to node ${sel.j + 1} of layer ${sel.k + 1}`);
      say(2, `w ${fmt(v.w)}`);
      say(3, v.dE_dw === null ? "" : `∂E/∂w ${fmt(v.dE_dw)}`);
      say(4, "");
      setText(cellsTitle, `${shownOf(m.links[sel.k]).gradients ? "∂E/∂w of the" : "The"} ` +
              `${layers[sel.k]} weights into node ${sel.j + 1} (click one):`);
    }
    if (want) {
      const matrix = m.links[want.k];
      const { value } = shownOf(matrix);
      const vals = shownCells.cells.map((c) => value(matrix[c.i][c.j]));
      const scale = Math.max(...vals.map(Math.abs));
      shownCells.cells.forEach((c, n) => {
        setAttr(c.rect, "fill", `rgb(${diverging(vals[n], scale, low, high).join(",")})`);
        c.g.classList.toggle("selected", sel?.type === "link" && sel.i === c.i && sel.j === c.j);
      });
    }
  }

  return { render, pulse() {}, layout: lay };
}

/** The note under a wide network: how it is drawn, and how to reach each number. */
export function gridNote(layers) {
  const hidden = layers.slice(1, -1).some((n) => n > 0);
  return "A layer of more than 8 nodes is drawn as a grid, not as cards: the input as its " +
    "image (white 0, black 1)" + (hidden ? ", each hidden node as a tile that pictures its " +
    "incoming weights where they come from (blue positive, orange negative, on the layer's " +
    "scale ±max, written under it; in the backward phases, their ∂E/∂w instead), its y (in " +
    "the backward phases its ∂E/∂x) as the bar under it" : "") + ", each output as the bar of its y, the target marked. Click " +
    "any of them (or Tab to it) for its numbers and its weights in the box under the image; " +
    "click a weight there for its own.";
}
