/**
 * What the loss curve says that a learner may not see: a curve that has flattened above 0
 * is a plateau or a local minimum, not the end of learning; and the server's fit in words.
 * Pure.
 */
import { fmt } from "../lib/format.js";

/** The fewest loss points before the curve is read at all. */
const LEAST_POINTS = 40;

/**
 * A sentence when the training loss has hardly moved over the last third of the curve while
 * still clearly above 0; "" otherwise.
 * @param {import("../state/store.js").LossPoint[]} losses
 */
export function lossTrend(losses) {
  if (losses.length < LEAST_POINTS) return "";
  const recent = losses.slice(Math.floor((losses.length * 2) / 3));
  const values = recent.map((p) => p.train);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const spread = Math.max(...values) - Math.min(...values);
  const steps = recent[recent.length - 1].step - recent[0].step;
  if (!(mean > 0.02) || spread > 0.02 * mean || steps < 1) return "";
  return `The training loss has hardly moved over the last ${steps} steps, at about ` +
    `${fmt(mean)}: a plateau, where the gradient is nearly 0 (saturated sigmoids, or a saddle ` +
    "between two ways to fit the data), or a local minimum, a low point that is not the " +
    "lowest. Gradient descent sees only the slope where it stands. A larger learning rate, " +
    "more hidden nodes, another activation, or new initial weights (Rebuild) may get it out.";
}

/** The server's fit, in words. @param {import("../server/api.js").Fit|null} f */
export function fitLine(f) {
  if (!f || f.train_loss === null) return "";
  const pct = (a) => `${Math.round(a * 1000) / 10}%`;
  return `Training loss ${fmt(f.train_loss)}` +
    (f.test_loss === null ? "" : ` · test loss ${fmt(f.test_loss)}`) +
    (f.train_accuracy === null ? " · no accuracy: the targets are not all 0 or 1"
      : ` · accuracy ${pct(f.train_accuracy)} (training)` +
      (f.test_accuracy === null ? "" : `, ${pct(f.test_accuracy)} (test)`) +
      (f.train_confusion ? ": the share of points whose largest output is their class" : ""));
}

/**
 * A softmax network's confusion table in words and numbers: per true class (row) the points
 * counted by predicted class (column), the diagonal the ones classified right, and what the
 * largest mistake is, each class by its name when it has one. Pure.
 * @param {number[][]|null|undefined} matrix @param {string} [which]
 * @param {string[]|null} [names] the classes' names (the digits' "0" … "9")
 * @returns {{rows:{counts:number[], right:number, total:number}[], note:string}|null}
 */
export function confusionTable(matrix, which = "training", names = null) {
  const name = (k) => (names?.length === matrix?.length ? `"${names[k]}"` : `${k + 1}`);
  if (!matrix?.length) return null;
  const rows = matrix.map((counts, k) => ({ counts, right: counts[k],
                                            total: counts.reduce((a, b) => a + b, 0) }));
  /** @type {{n:number, k:number, p:number}|null} */
  let worst = null;
  matrix.forEach((counts, k) => counts.forEach((n, p) => {
    if (p !== k && n > 0 && (!worst || n > worst.n)) worst = { n, k, p };
  }));
  const all = rows.reduce((a, r) => a + r.total, 0);
  const right = rows.reduce((a, r) => a + r.right, 0);
  const w = /** @type {{n:number, k:number, p:number}|null} */ (worst);
  const note = !all ? "" : w
    ? `${right} of ${all} ${which} points classified right (the diagonal); the most common ` +
      `mistake: ${w.n} of class ${name(w.k)} taken for class ${name(w.p)}.`
    : `All ${all} ${which} points classified right: everything is on the diagonal.`;
  return { rows, note };
}
