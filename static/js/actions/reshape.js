/**
 * The shape edited as in Playground: a hidden layer added (before the output) or removed (the
 * last one), a node added to or removed from a hidden layer (its last node). The weights and
 * biases that still have a place keep their values; the others are new. Pure: no DOM.
 */

/**
 * @typedef {{kind:"add-layer"} | {kind:"remove-layer"} | {kind:"add-node", layer:number} |
 *           {kind:"remove-node", layer:number}} ShapeChange
 * @typedef {{layers:number[], from:(number|null)[]}} Reshaped
 *   the new layers, and for each the old layer it continues (null: a new layer)
 */

/**
 * The layers after `change`, or why not.
 * @param {number[]} layers @param {ShapeChange} change
 * @param {{max_layers:number, min_nodes:number, max_nodes:number, max_hidden?:number}} limits
 * @returns {{ok:true, value:Reshaped} | {ok:false, message:string}}
 */
export function reshape(layers, change, limits) {
  const L = layers.length;
  const same = layers.map((_, l) => l);
  if (change.kind === "add-layer") {
    if (L >= limits.max_layers) {
      return { ok: false, message: `A network has at most ${limits.max_layers} layers; this one has ${L}.` };
    }
    const size = L > 2 ? layers[L - 2] : 2;
    return { ok: true, value: { layers: [...layers.slice(0, -1), size, layers[L - 1]],
                                from: [...same.slice(0, -1), null, L - 1] } };
  }
  if (change.kind === "remove-layer") {
    if (L <= 2) return { ok: false, message: "There is no hidden layer to remove." };
    return { ok: true, value: { layers: [...layers.slice(0, -2), layers[L - 1]],
                                from: [...same.slice(0, -2), L - 1] } };
  }
  const l = change.layer;
  if (!(l >= 1 && l <= L - 2)) {
    return { ok: false, message: "Nodes are added to and removed from hidden layers; the input " +
             "and output layers have as many nodes as the data have inputs and outputs." };
  }
  const n = layers[l] + (change.kind === "add-node" ? 1 : -1);
  const most = limits.max_hidden ?? limits.max_nodes;
  if (n > most) return { ok: false, message: `A hidden layer has at most ${most} nodes.` };
  if (n < limits.min_nodes) {
    return { ok: false, message: `A layer needs at least ${limits.min_nodes} node; remove the layer instead.` };
  }
  return { ok: true, value: { layers: layers.map((v, k) => (k === l ? n : v)), from: same } };
}

/**
 * The weights and biases of the new shape: the old values where they still have a place (the
 * weight from node i of a layer to node j of the next, both kept, and the two layers next to
 * each other before too; a bias of a node kept), the fresh ones elsewhere; and how many are
 * new.
 * @param {{weights:number[][][], biases:number[][]}} old
 * @param {{weights:number[][][], biases:number[][]}} fresh of the new shape
 * @param {(number|null)[]} from for each new layer, the old layer it continues
 */
export function carry(old, fresh, from) {
  let kept = 0;
  let added = 0;
  const weights = fresh.weights.map((m, k) => {
    const [a, b] = [from[k], from[k + 1]];
    const adjacent = a !== null && b !== null && b === a + 1;
    return m.map((row, i) => row.map((w, j) => {
      const v = adjacent ? old.weights[a]?.[i]?.[j] : undefined;
      if (v === undefined) {
        added += 1;
        return w;
      }
      kept += 1;
      return v;
    }));
  });
  const biases = fresh.biases.map((row, k) => row.map((bias, j) => {
    const a = from[k + 1];
    const v = a !== null && a >= 1 ? old.biases[a - 1]?.[j] : undefined;
    if (v === undefined) {
      added += 1;
      return bias;
    }
    kept += 1;
    return v;
  }));
  return { weights, biases, kept, added };
}

/** What changed, in a sentence. @param {ShapeChange} change @param {number[]} layers the new */
export function describeChange(change, layers) {
  const name = (l) => (l === layers.length - 1 ? "the output layer" : `hidden layer ${l}`);
  switch (change.kind) {
    case "add-layer": return `Added ${name(layers.length - 2)} (${layers[layers.length - 2]} nodes), ` +
      "before the output: its weights in and out are new";
    case "remove-layer": return `Removed the last hidden layer: the weights into the output are new`;
    case "add-node": return `Added node ${layers[change.layer]} to hidden layer ${change.layer}: ` +
      "its weights in and out and its bias are new";
    default: return `Removed node ${layers[change.layer] + 1} of hidden layer ${change.layer}, with ` +
      "its weights and bias";
  }
}
