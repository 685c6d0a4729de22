/**
 * How a network's first weights were drawn, in words and numbers: the choice's formula with
 * each layer's fan-in, fan-out and the bound or spread they give; and, for weights all
 * equal, why the nodes of a layer can never differ. Pure.
 */
import { fmt } from "../lib/format.js";

/** @typedef {{name:string, title:string, formula:string}} InitInfo */

/** The bound or spread of one layer's draw, in words, from its fan-in and fan-out.
 * @param {string} init @param {number} nIn @param {number} nOut */
export function layerSpread(init, nIn, nOut) {
  if (init === "glorot_uniform") return `r = √(6 / (${nIn} + ${nOut})) = ${fmt(Math.sqrt(6 / (nIn + nOut)))}`;
  if (init === "he_normal") return `σ = √(2 / ${nIn}) = ${fmt(Math.sqrt(2 / nIn))}`;
  if (init === "small_uniform") return "the same bound at every layer";
  return "every weight 0";
}

/**
 * The note under the choice: its formula, each layer's numbers, the biases, and (weights
 * all equal) the symmetry they never break.
 * @param {string} init @param {number[]} layers @param {InitInfo[]} choices
 * @returns {string[]} sentences, the formula first
 */
export function initNote(init, layers, choices) {
  const info = choices.find((c) => c.name === init);
  if (!info) return [];
  const lines = [`${info.title}: ${info.formula}, every bias 0.1` +
                 (init === "zeros" ? "." : "; drawn from the seed, layer after layer.")];
  if (init === "glorot_uniform" || init === "he_normal") {
    lines.push(layers.slice(1).map((nOut, k) =>
      `w⁽${k + 1}⁾: n_in = ${layers[k]}, n_out = ${nOut}, ${layerSpread(init, layers[k], nOut)}`)
      .join("; ") + ".");
    lines.push(init === "glorot_uniform"
      ? "The bound shrinks as layers widen, so that a node's x keeps about the same spread " +
        "from layer to layer (for tanh and sigmoid, forwards and back)."
      : "The spread depends on the fan-in alone, and is √2 wider than Glorot's for a square " +
        "layer: made for relu, which zeroes half of its inputs.");
  } else if (init === "small_uniform") {
    lines.push("Small weights multiply each gradient by a small w on its way back through " +
               "every layer: in a deep network the first layers' ∂E/∂w all but vanish " +
               "(see Gradient size by layer).");
  }
  if (init === "zeros" && layers.slice(1, -1).some((n) => n > 1)) {
    lines.push("Every weight starts equal (0), and every bias too: the nodes of a hidden " +
               "layer compute the same x and y, so each gets the same ∂E/∂x and the same " +
               "update. They stay equal forever, however long the network trains: a layer " +
               "of n nodes does what one node does. Random weights break this symmetry.");
  }
  return lines;
}
