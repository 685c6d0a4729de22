/**
 * The current trace, or the dataset, as CSV. Numbers go through String(), whose shortest
 * round-trip form keeps every float64 exactly. Pure.
 */

const cell = (v) => (v === null || v === undefined ? "" : String(v));

/**
 * Every number of a trace, one row per node and per weight.
 * @param {import("../server/api.js").Trace} trace @returns {string}
 */
export function traceToCsv(trace) {
  const rows = [["item", "layer", "from", "to", "x", "y", "b", "dE_dy", "dE_dx", "dE_db", "w",
                 "dE_dw", "w_before", "b_before"].join(",")];
  trace.nodes.forEach((layer, l) => layer.forEach((n, j) => {
    rows.push(["node", l, "", j, n.x, n.y, n.b, n.dE_dy, n.dE_dx, n.dE_db, "", "", "",
               n.b_before].map(cell).join(","));
  }));
  trace.weights.forEach((m, k) => m.forEach((row, i) => row.forEach((w, j) => {
    rows.push(["weight", k, i, j, "", "", "", "", "", "", w.w, w.dE_dw, w.w_before, ""]
      .map(cell).join(","));
  })));
  rows.push(`# phase ${trace.phase}, step ${trace.step}, error ${trace.error}, ` +
            `input ${trace.input.join(" ")}, target ${trace.target.join(" ")}`);
  rows.push("# layers and nodes are numbered from 0 here, from 1 on the page: layer 0 is the " +
            "input; node j is the page's node j+1; a weight of layer k joins layer k to layer " +
            "k+1 and is the page's w(k+1) from node i+1 to node j+1");
  return rows.join("\n") + "\n";
}

/**
 * The dataset as CSV: a header (x1 … xn, t1 … tm, part), then one row per point, the
 * training points first; every number in full, so that the file gives the points back
 * exactly. @param {import("../server/api.js").Dataset} dataset @returns {string}
 */
export function datasetToCsv(dataset) {
  const first = dataset.train[0] ?? dataset.test[0];
  if (!first) return "";
  const header = [...first.input.map((_, i) => `x${i + 1}`),
                  ...first.target.map((_, k) => `t${k + 1}`), "part"];
  const rows = [header.join(",")];
  for (const part of /** @type {const} */ (["train", "test"])) {
    for (const p of dataset[part]) rows.push([...p.input, ...p.target, part].map(cell).join(","));
  }
  return rows.join("\n") + "\n";
}
