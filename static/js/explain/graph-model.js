/**
 * The computational graph of one node (docs/teaching.md §4), as micrograd's draw_dot shows it:
 * each input times its weight, the sum, plus the bias, the activation, and for the output
 * node the loss (a softmax output also takes every other x of its layer, as its y depends on
 * them all). Each edge carries its forward value and, once the backward pass has reached
 * the node, its gradient ∂E/∂(that value): the gradient above times the local derivative.
 * Pure: the numbers come from the trace.
 */
import { visibility } from "../state/stepper.js";
import { symbolText, weightIndex } from "./notation.js";

/**
 * @typedef {{id:string, from:string, to:string, label:string, value:number|null,
 *            grad:number|null}} Edge
 * @typedef {{id:string, op:string, col:number, row:number}} GraphNode
 */

/** The most terms w·y a graph draws one by one (a wider layer below: the largest, and the
 * rest as one sum). */
export const MAX_TERMS = 8;

/**
 * @param {import("../server/api.js").Trace} trace @param {import("../state/stepper.js").Phase} phase
 * @param {number} l @param {number} j the node (l > 0)
 * @param {{loss:string, output_activation?:string}} settings
 * @returns {{nodes:GraphNode[], edges:Edge[], output:boolean, loss:string, E:number|null}|null}
 */
export function graphModel(trace, phase, l, j, settings) {
  if (!trace || !phase || l < 1) return null;
  const L = trace.nodes.length;
  const v = visibility(trace, phase, L);
  const forward = l <= v.forwardLayer;
  const backward = l >= v.backwardLayer;
  const node = trace.nodes[l][j];
  const prev = trace.nodes[l - 1];
  const w = (i) => {
    const link = trace.weights[l - 1][i][j];
    return v.useBefore || v.updating ? link.w_before ?? link.w : link.w;
  };
  const b = v.useBefore || v.updating ? node.b_before ?? node.b : node.b;
  const val = (x) => (forward ? x : null);
  const dx = backward ? node.dE_dx : null;
  const output = l === L - 1;
  // softmax couples the layer: every other node's x enters this node's y too
  const softmax = output && settings.output_activation === "softmax";
  const nodes = [];
  const edges = [];
  // each name says its layer: y⁽ˡ⁻¹⁾ᵢ of the layer below, w⁽ˡ⁾ᵢⱼ into this node
  const yName = (i) => symbolText("y", l - 1, String(i + 1));
  const wName = (i) => symbolText("w", l, weightIndex(i, j));
  // A wide layer below (the digits' 64 pixels): the terms that weigh most, |w·y| largest
  // (before the forward pass, the first), and one edge for the sum of the others.
  const most = prev.length > MAX_TERMS ? MAX_TERMS - 2 : prev.length;
  const order = prev.map((_, i) => i);
  if (most < prev.length && forward) {
    order.sort((a, c) => Math.abs(w(c) * prev[c].y) - Math.abs(w(a) * prev[a].y) || a - c);
  }
  const shown = order.slice(0, most).sort((a, c) => a - c);
  const others = order.slice(most);
  shown.forEach((i, r) => {
    const p = prev[i];
    nodes.push({ id: `y${i}`, op: yName(i), col: 0, row: 2 * r },
               { id: `w${i}`, op: wName(i), col: 0, row: 2 * r + 1 },
               { id: `m${i}`, op: "×", col: 1, row: 2 * r + 0.5 });
    edges.push(
      { id: `y${i}-m${i}`, from: `y${i}`, to: `m${i}`, label: yName(i), value: val(p.y),
        grad: dx === null ? null : w(i) * dx },
      { id: `w${i}-m${i}`, from: `w${i}`, to: `m${i}`, label: wName(i), value: w(i),
        grad: dx === null ? null : trace.weights[l - 1][i][j].dE_dw },
      { id: `m${i}-s`, from: `m${i}`, to: "s", label: `${wName(i)}·${yName(i)}`,
        value: val(w(i) * p.y), grad: dx });
  });
  if (others.length) {
    nodes.push({ id: "rest", op: `${others.length} more w·y`, col: 1, row: 2 * shown.length + 0.5 });
    edges.push({ id: "rest-s", from: "rest", to: "s", label: `the other ${others.length} w·y`,
                 value: val(others.reduce((t, i) => t + w(i) * prev[i].y, 0)), grad: dx });
  }
  const mid = (others.length ? shown.length + 1 : shown.length) - 0.5;
  const bName = symbolText("b", l, String(j + 1));
  nodes.push({ id: "s", op: "Σ", col: 2, row: mid }, { id: "b", op: bName, col: 2, row: mid + 1.5 },
             { id: "p", op: "+", col: 3, row: mid },
             { id: "f", op: softmax ? "softmax" : "f", col: 4, row: mid });
  const sum = prev.reduce((s, p, i) => s + w(i) * p.y, 0);
  edges.push({ id: "s-p", from: "s", to: "p", label: "Σ", value: val(sum), grad: dx },
             { id: "b-p", from: "b", to: "p", label: bName, value: b,
               grad: backward ? node.dE_db : null },
             { id: "p-f", from: "p", to: "f", label: "x", value: val(node.x), grad: dx });
  if (softmax) {
    trace.nodes[l].forEach((other, k) => {
      if (k === j) return;
      const name = symbolText("x", l, String(k + 1));
      const row = mid + 1.5 + nodes.filter((n) => n.id.startsWith("x")).length;
      nodes.push({ id: `x${k}`, op: name, col: 3, row });
      edges.push({ id: `x${k}-f`, from: `x${k}`, to: "f", label: name, value: val(other.x),
                   grad: backward ? other.dE_dx : null });
    });
  }
  if (output) {
    nodes.push({ id: "E", op: "E", col: 5, row: mid }, { id: "t", op: "t", col: 4, row: mid + 1.5 });
    edges.push({ id: "f-E", from: "f", to: "E", label: "y", value: val(node.y),
                 grad: backward ? node.dE_dy : null },
               { id: "t-E", from: "t", to: "E", label: "t", value: trace.target[j], grad: null });
  } else {
    nodes.push({ id: "out", op: "→", col: 5, row: mid });
    edges.push({ id: "f-out", from: "f", to: "out", label: "y", value: val(node.y),
                 grad: backward ? node.dE_dy : null });
  }
  return { nodes, edges, output, loss: settings.loss, E: v.errorShown ? trace.error : null };
}
