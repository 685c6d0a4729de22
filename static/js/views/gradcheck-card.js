/**
 * The gradient check's card: backprop's derivative of every weight and bias beside a central
 * finite difference, as the store holds the last check; hidden, with the reason, once the
 * weights or settings it was run with have changed. mount → render(state).
 */
import { byId as $ } from "../lib/dom.js";
import { fmt, sci } from "../lib/format.js";
import { changeCheck } from "../lib/memo.js";
import { setText } from "../lib/svg.js";
import { symbolText, weightIndex } from "../explain/notation.js";
import { checkedKey } from "../state/store.js";

/**
 * What the card shows: the check, or why there is none now ("" for nothing to say).
 * @param {import("../state/store.js").State} s
 * @returns {{check:any}|{why:string}}
 */
export function gradcheckShown(s) {
  const g = s.gradcheck;
  if (!g || !s.network || g.networkId !== s.network.id) return { why: "" };  // none, or of another network
  if (checkedKey(s.network) !== g.weightsKey) {
    return { why: "The weights or settings have changed since the last check: check again " +
                  "to compare backprop with the current ones." };
  }
  return { check: g.check };
}

/** The check's one-line summary. @param {any} check */
export function gradcheckSummary(check) {
  const weights = check.weights === "before_update"
    ? `the weights before update ${check.weights_step + 1} (the ones the ∂E/∂w shown were ` +
      "computed with)"
    : `the current weights (after ${check.weights_step} update${check.weights_step === 1 ? "" : "s"})`;
  return `Largest relative difference: ${sci(check.max_relative_difference, 2)} ` +
    `(h = ${check.h}, on ${check.batch ? `the mini-batch of ${check.batch} points, mean E`
      : check.input.length > 8 ? `the sample's ${check.input.length} inputs`
        : `input ${check.input.map((v) => fmt(v)).join(", ")}`}, with ${weights}). ` +
    agreement(check.max_relative_difference) + (check.entries.length > MAX_ROWS
    ? ` All ${check.entries.length} weights and biases were checked; the table lists the ` +
      `${MAX_ROWS} with the largest relative differences, largest first.` : "");
}

/** The most rows the table lists (the digits' network has 2,410 parameters): the largest
 * relative differences, which decide the verdict. */
export const MAX_ROWS = 40;

/** The rows to list: every one, or the MAX_ROWS largest differences, largest first.
 * @param {any[]} entries @returns {any[]} */
export function rowsShown(entries) {
  if (entries.length <= MAX_ROWS) return entries;
  return entries.map((e, n) => ({ e, n }))
    .sort((a, b) => b.e.relative_difference - a.e.relative_difference || a.n - b.n)
    .slice(0, MAX_ROWS).map(({ e }) => e);
}

/** What the largest relative difference says. @param {number} largest */
export function agreement(largest) {
  if (largest < 1e-6) {
    return "Below 10⁻⁶: backprop and the finite difference agree, to the error of the " +
      "difference itself.";
  }
  if (largest < 1e-3) {
    return "Between 10⁻⁶ and 10⁻³: close, but not to the last digits; look at the largest " +
      "row: a relu's kink between p − h and p + h, or a derivative so small that rounding " +
      "dominates, does this.";
  }
  return "Above 10⁻³: they disagree. A kink of relu or leaky relu between p − h and p + h, or " +
    "numbers grown so large (diverged) that E(p ± h) lose their digits, can do this: look at " +
    "the rows with the largest differences.";
}

/** @param {(intent: import("../actions/controller.js").Intent) => void} dispatch */
export function mountGradcheckCard(dispatch) {
  $("btn-gradcheck").addEventListener("click", () => dispatch({ type: "gradcheck" }));
  const changed = changeCheck();

  /** @param {import("../state/store.js").State} s */
  return function render(s) {
    const shown = gradcheckShown(s);
    const check = "check" in shown ? shown.check : null;
    if (!changed({ check, why: "why" in shown ? shown.why : "" })) return;
    $("gradcheck-table").hidden = !check;
    if (!check) {
      setText($("gradcheck-summary"), /** @type {{why:string}} */ (shown).why);
      return;
    }
    setText($("gradcheck-summary"), gradcheckSummary(check));
    $("gradcheck-table").querySelector("tbody").replaceChildren(...rowsShown(check.entries).map((e) => {
      const tr = document.createElement("tr");
      const name = e.parameter === "weight"
        ? symbolText("w", e.k + 1, weightIndex(e.i, e.j)) : symbolText("b", e.k + 1, `${e.j + 1}`);
      for (const text of [name, sci(e.backprop, 4), sci(e.numeric, 4),
                          sci(e.relative_difference, 1)]) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.appendChild(td);
      }
      return tr;
    }));
  };
}
