/**
 * The widest each layer of a network may be, from the server's limits (/api/options): pure,
 * shared by the shape the learner types and the link's check.
 */

/**
 * The input layer up to `max_inputs` (the digits' 64 pixels), a hidden layer up to
 * `max_hidden`, the output layer up to `max_outputs` (one node per class); a layer of more
 * than `max_nodes` is drawn as a grid. @param {{max_nodes:number, max_inputs?:number,
 * max_hidden?:number, max_outputs?:number}} limits
 */
export function widest(limits) {
  return { input: limits.max_inputs ?? limits.max_nodes, hidden: limits.max_hidden ?? limits.max_nodes,
           output: limits.max_outputs ?? limits.max_nodes };
}

/** Which layer of `layers` is wider than it may be, in words, or "" for none.
 * @param {number[]} layers @param {{max_nodes:number, max_inputs?:number, max_hidden?:number,
 * max_outputs?:number}} limits */
export function layerTooWide(layers, limits) {
  const w = widest(limits);
  const L = layers.length;
  const bad = layers.findIndex((n, l) => n > (l === 0 ? w.input : l === L - 1 ? w.output : w.hidden));
  if (bad < 0) return "";
  const [name, most] = bad === 0 ? ["The input layer", w.input] : bad === L - 1
    ? ["The output layer", w.output] : [`Hidden layer ${bad}`, w.hidden];
  return `${name} can have at most ${most} node${most === 1 ? "" : "s"}` +
    (bad === L - 1 && most > limits.max_nodes ? " (one per class)" : "") +
    `; ${layers.join("-")} gives it ${layers[bad]}.`;
}
