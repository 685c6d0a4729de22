/**
 * Keeping and sharing: the whole configuration and the weights in the URL hash, export and
 * import as JSON, and the current trace as JSON or CSV. Numbers go through JSON, whose
 * shortest round-trip form keeps every float64 exactly.
 */

const VERSION = 1;

/** @param {object} state @returns {string} the hash, "#s=<base64url of JSON>" */
export function encodeHash(state) {
  const bytes = new TextEncoder().encode(JSON.stringify({ v: VERSION, ...state }));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `#s=${btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

/** @param {string} hash @returns {object|null} the state, or null if there is none */
export function decodeHash(hash) {
  const match = /^#s=([A-Za-z0-9_-]+)$/.exec(hash);
  if (!match) return null;
  const base64 = match[1].replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  const state = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  if (state.v !== VERSION) throw new Error(`this link was made by another version (${state.v})`);
  delete state.v;
  return state;
}

/** Offers `text` as a file to save. */
export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const cell = (v) => (v === null || v === undefined ? "" : String(v));

/**
 * Every number of a trace, one row per node and per weight.
 * @param {import("./api.js").Trace} trace @returns {string}
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
  return rows.join("\n") + "\n";
}
