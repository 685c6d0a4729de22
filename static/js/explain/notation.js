/**
 * The page's symbols, each naming its layer and its nodes: x⁽ˡ⁾ⱼ, y⁽ˡ⁾ⱼ and b⁽ˡ⁾ⱼ of node j
 * of layer l, and w⁽ˡ⁾ᵢⱼ for the weight from node i of layer l−1 to node j of layer l
 * (nodes counted from 1, layers from 0 at the input).
 */
import { subscript, superscript } from "../lib/format.js";
import { frac, int, m, mi, mo, row, subsup } from "./mathml.js";

/** @typedef {import("./mathml.js").MathNode} MathNode */

/** A weight's two node numbers (0-based i, j), as its subscript: "12" for node 1 to node 2,
 * with a comma once either has two digits ("64,10": "6410" could be 64 to 10 or 6 to 410).
 * @param {number} i @param {number} j */
export const weightIndex = (i, j) => (i >= 9 || j >= 9 ? `${i + 1},${j + 1}` : `${i + 1}${j + 1}`);

/** @param {string} letter @param {number} layer @param {string} index @returns {MathNode} */
export const symbol = (letter, layer, index) =>
  subsup(mi(letter), /^[\d,]+$/.test(index) ? m("mn", index) : mi(index),
         row(mo("("), int(layer), mo(")")));

/** "w⁽²⁾₁₂" as plain text. @param {string} letter @param {number} layer @param {string} index */
export const symbolText = (letter, layer, index) =>
  `${letter}⁽${superscript(layer)}⁾${subscript(index)}`;

/** Node j (0-based) of layer l: x⁽ˡ⁾ⱼ₊₁ and alike. */
export const nodeSym = (letter, l, j) => symbol(letter, l, String(j + 1));
/** The weight from node i of layer k to node j of layer k+1 (0-based): w⁽ᵏ⁺¹⁾ᵢⱼ. */
export const weightSym = (k, i, j) => symbol("w", k + 1, weightIndex(i, j));
/** The weight from node i of layer k to node "j" of layer k+1, j a letter that runs. */
export const weightSymTo = (k, i, letter) =>
  subsup(mi("w"), row(int(i + 1), mi(letter)), row(mo("("), int(k + 1), mo(")")));
/** ∂E/∂(symbol) */
export const dE = (s) => frac(row(mo("∂"), mi("E")), row(mo("∂"), s));
/** ∂(a)/∂(b) */
export const d = (a, b) => frac(row(mo("∂"), a), row(mo("∂"), b));

/** The weight's name in words, for headings and labels. */
export const weightWords = (k, i, j, L) =>
  `weight ${symbolText("w", k + 1, weightIndex(i, j))}: from node ${i + 1} of ` +
  `${layerWords(k, L)} to node ${j + 1} of ${layerWords(k + 1, L)}`;

/** @param {number} l @param {number} L */
export function layerWords(l, L) {
  if (l === 0) return "the input layer (layer 0)";
  if (l === L - 1) return `the output layer (layer ${l})`;
  return `hidden layer ${l}`;
}
