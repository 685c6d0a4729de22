/**
 * Predict, then reveal: before a phase's numbers appear, one question drawn from them (so it
 * differs for every network and step), and, once answered, the truth beside the guess and
 * what explains the gap: the factor missed (f′, the ½, a term of the sum, the bias) or the
 * sign. Pure: questions and verdicts are data, from the trace the server answered.
 */
import { optimizerOf } from "./optimizer.js";
import { fmt, subscript } from "../lib/format.js";
import { layerWords, symbolText, weightIndex } from "./notation.js";

/**
 * @typedef {{kind:"value", prompt:string, truth:number, tolerance:string,
 *            about:{type:"node", l:number, j:number, what:"x"|"y"|"dE_dy"|"dE_dx"|"E"}}
 *   | {kind:"sign", prompt:string, truth:"+"|"−"|"0",
 *      about:{type:"link", k:number, i:number, j:number}}
 *   | {kind:"choice", prompt:string, options:{value:string, label:string}[], truth:string,
 *      about:{type:"update"}|{type:"link", k:number, i:number, j:number}}} Question
 *   `about`: what the question is on, selected once it is answered
 * @typedef {{right:boolean, truth:string, guess:string, why:string}} Verdict
 */

/** How near the truth a number guessed must be: a value (x, y, E) within 0.01 or 2% of it,
 * a derivative (mostly small) within 0.0005 or 5% of it, whichever is more. */
const TOLERANCES = {
  value: { abs: 0.01, rel: 0.02, words: "within 0.01, or 2% of the value if that is more" },
  derivative: { abs: 0.0005, rel: 0.05,
                words: "within 0.0005, or 5% of the value if that is more" },
};
const toleranceOf = (what) => TOLERANCES[what === "dE_dy" || what === "dE_dx" ? "derivative" : "value"];

/** Within this of the truth, a number guessed for `what` counts as right.
 * @param {number} truth @param {string} [what] */
export const within = (truth, what = "x") => {
  const t = toleranceOf(what);
  return Math.max(t.abs, t.rel * Math.abs(truth));
};

/** A deterministic choice among `n` from the step and phase: another question each time. */
const pick = (seed, n) => ((seed * 2654435761) >>> 0) % n;

const nodeName = (l, j, L) => `node ${j + 1} of ${layerWords(l, L)}`;
const SYMBOL = { x: "x", y: "y", dE_dy: "∂E/∂y", dE_dx: "∂E/∂x" };

/**
 * The question to ask before `phase` of `record` is shown, or null (the input phase: its
 * numbers are the sample's).
 * @param {{trace: import("../server/api.js").Trace, settings: {loss:string}}} record
 * @param {import("../state/stepper.js").Phase} phase
 * @returns {Question|null}
 */
export function questionFor(record, phase) {
  const trace = record.trace;
  const L = trace.nodes.length;
  const seed = trace.step * 31 + (phase.layer ?? 7) * 7 + phase.kind.length;
  if (phase.kind === "forward") {
    const l = phase.layer;
    const j = pick(seed, trace.nodes[l].length);
    const what = pick(seed >> 3, 2) ? "y" : "x";
    return value(trace, { type: "node", l, j, what },
                 `What is ${SYMBOL[what]} of ${nodeName(l, j, L)}?`);
  }
  if (phase.kind === "error") {
    return /** @type {Question} */ ({
      kind: "value", prompt: "What is the error E of this pass?", truth: trace.error,
      tolerance: toleranceOf("E").words, about: { type: "node", l: L - 1, j: 0, what: "E" } });
  }
  if (phase.kind === "backward") {
    const l = phase.layer;
    const j = pick(seed, trace.nodes[l].length);
    if (pick(seed >> 2, 3) === 0) {  // the sign of a weight's gradient into this layer
      const i = pick(seed >> 5, trace.nodes[l - 1].length);
      const g = trace.weights[l - 1][i][j].dE_dw ?? 0;
      return { kind: "sign", truth: g > 0 ? "+" : g < 0 ? "−" : "0",
               prompt: `Is ∂E/∂w of ${symbolText("w", l, weightIndex(i, j))} positive or ` +
                       "negative?",
               about: { type: "link", k: l - 1, i, j } };
    }
    const what = pick(seed >> 4, 2) ? "dE_dx" : "dE_dy";
    return value(trace, { type: "node", l, j, what },
                 `What is ${SYMBOL[what]} of ${nodeName(l, j, L)}?`);
  }
  if (phase.kind === "update") {
    // With Adam every weight moves about α: "which moves most" would be a tie on screen
    const adam = optimizerOf(trace).name === "adam";
    if ((adam || pick(seed, 2) === 0) && trace.error_after !== null) {
      return { kind: "choice", about: { type: "update" },
               prompt: "After this update, E on the same sample will be…",
               options: [{ value: "down-lot", label: "lower, by 10% of E or more" },
                         { value: "down-little", label: "lower, by less than 10% of E" },
                         { value: "up", label: "higher (or the same)" }],
               truth: updateOutcome(trace.error, trace.error_after) };
    }
    const moves = trace.weights.flatMap((m, k) => m.flatMap((r, i) => r.map((w, j) => ({
      k, i, j, move: Math.abs(w.w - (w.w_before ?? w.w)) }))));
    const biggest = moves.reduce((a, b) => (b.move > a.move ? b : a));
    // The 12 that move most, in the drawing's order: the answer is among close rivals, never
    // given away by its place (the digits have 2,368 weights; most of a pixel's never move).
    const rivals = moves.map((m, n) => ({ ...m, n })).sort((a, b) => b.move - a.move || a.n - b.n)
      .slice(0, 12).sort((a, b) => a.n - b.n);
    const options = rivals.map(({ k, i, j }) => ({
      value: `${k}-${i}-${j}`, label: symbolText("w", k + 1, weightIndex(i, j)) }));
    return { kind: "choice", prompt: "Which weight will this update change most?", options,
             truth: `${biggest.k}-${biggest.i}-${biggest.j}`,
             about: { type: "link", k: biggest.k, i: biggest.i, j: biggest.j } };
  }
  return null;
}

/**
 * A number as a learner types it ("−0.42", "0,42", " 3e-2 "), or null when it is none: such
 * an answer is not graded (the field says to type a number). @param {string} text
 */
export function readNumber(text) {
  const t = String(text).replace(/−/g, "-").replace(",", ".").trim();
  const v = t === "" ? NaN : Number(t);
  return Number.isFinite(v) ? v : null;
}

/** @param {number} before @param {number} after */
export function updateOutcome(before, after) {
  if (!(after < before)) return "up";
  return before - after >= 0.1 * before ? "down-lot" : "down-little";
}

/** @returns {Question} */
function value(trace, about, prompt) {
  const n = trace.nodes[about.l][about.j];
  return /** @type {Question} */ ({ kind: "value", prompt, truth: n[about.what],
                                    tolerance: toleranceOf(about.what).words, about });
}

/**
 * The verdict on `answer` (the text typed, or the option chosen): right or not, and why the
 * truth is what it is, naming the factor a wrong guess most likely missed.
 * @param {Question} q @param {string} answer
 * @param {{trace: import("../server/api.js").Trace, settings: {activation:string,
 *          output_activation:string, loss:string}}} record
 * @returns {Verdict}
 */
export function grade(q, answer, record) {
  if (q.kind === "sign") {
    const guess = answer === "+" || answer === "−" ? answer : answer.trim() === "-" ? "−" : answer.trim();
    return { right: guess === q.truth, truth: q.truth, guess, why: signWhy(q, record.trace) };
  }
  if (q.kind === "choice") {
    const label = (v) => q.options.find((o) => o.value === v)?.label ?? v;
    return { right: answer === q.truth, truth: label(q.truth), guess: label(answer),
             why: choiceWhy(q, answer, record.trace) };
  }
  const guess = readNumber(answer);
  if (guess === null) {
    return { right: false, truth: fmt(q.truth), guess: String(answer), why: "That is not a number." };
  }
  const right = Math.abs(guess - q.truth) <= within(q.truth, q.about.what);
  return { right, truth: fmt(q.truth), guess: fmt(guess),
           why: right ? valueWhy(q, record, null) : valueWhy(q, record, guess) };
}

/** Whether a guess `a` is what `b` would have given (the derivatives' tolerance: the
 * quantities compared for a slip are small). */
const near = (a, b) => Math.abs(a - b) <= within(b, "dE_dx");

/** A number as a factor or a term after "+": in parentheses when negative. @param {number} v */
const factor = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));

/** Why the value is what it is; for a wrong `guess`, what it looks like it missed. */
function valueWhy(q, record, guess) {
  const { trace, settings } = record;
  const L = trace.nodes.length;
  const { l, j, what } = /** @type {{l:number, j:number, what:string}} */ (q.about);
  const n = trace.nodes[l]?.[j];
  const slip = [];
  if (what === "E") {
    const outs = trace.nodes[L - 1];
    const half = outs.reduce((s, o, k) => s + (o.y - trace.target[k]) ** 2, 0);
    if (guess !== null && settings.loss === "squared" && near(guess, half) && !near(half, 0)) {
      slip.push("You left out the ½: E = ½·Σ(y − t)², and the ½ is there so that ∂E/∂y = y − t.");
    } else if (guess !== null && settings.loss === "squared" && near(guess, Math.sqrt(half))) {
      slip.push("That is |y − t|: E squares it, and halves the square.");
    }
    if (settings.loss === "categorical_cross_entropy") {
      // E = −Σₖ tₖ ln yₖ: with a one-hot target, −ln of the true class's y
      const k = trace.target.indexOf(Math.max(...trace.target));
      const oneHot = trace.target.every((t, m) => t === (m === k ? 1 : 0));
      return [...slip, `E = −Σₖ tₖ·ln yₖ = ${oneHot
        ? `−ln y${subscript(String(k + 1))} (the target's class, node ${k + 1}: every other t is 0) ` +
          `= −ln ${fmt(outs[k].y)}`
        : trace.target.map((t, m) => `${fmt(t)}·ln ${fmt(outs[m].y)}`).join(" + ").replace(/^/, "−(") + ")"}` +
        ` = ${fmt(trace.error)}.`].join(" ");
    }
    return [...slip, settings.loss === "cross_entropy"
      ? `E = −[t·ln y + (1 − t)·ln(1 − y)] = ${fmt(trace.error)}, with y = ${fmt(outs[0].y)} ` +
        `and t = ${fmt(trace.target[0])}.`
      : `E = ½·(y − t)² = ½·(${fmt(outs[0].y)} − ${factor(trace.target[0])})² = ${fmt(trace.error)}` +
        (outs.length > 1 ? ", summed over the output nodes." : ".")].join(" ");
  }
  const inputs = trace.nodes[l - 1];
  const weightsIn = inputs?.map((_, i) => trace.weights[l - 1][i][j].w_before ?? trace.weights[l - 1][i][j].w);
  const bias = n.b_before ?? n.b;
  if (what === "x") {
    const sum = inputs.reduce((s, p, i) => s + p.y * weightsIn[i], 0);
    if (guess !== null && near(guess, sum) && !near(sum, n.x)) {
      slip.push(`You left out the bias: ${fmt(sum)} is Σ w·y alone; x adds b = ${fmt(bias)}.`);
    } else if (guess !== null && near(guess, n.y) && !near(n.y, n.x)) {
      slip.push("That is y = f(x): x is the sum before the activation.");
    }
    return [...slip, `x = Σ w·y + b = ${inputs.map((p, i) => `${factor(weightsIn[i])}·${factor(p.y)}`)
      .join(" + ")} + ${factor(bias)} = ${fmt(n.x)}.`].join(" ");
  }
  const f = l === L - 1 ? settings.output_activation : settings.activation;
  if (what === "y" && f === "softmax") {
    const layer = trace.nodes[l];
    return `Softmax: y = eˣ / Σ eˣ over the layer = e^${factor(n.x)} / (` +
      `${layer.map((m) => `e^${factor(m.x)}`).join(" + ")}) = ${fmt(n.y)}: each y depends on ` +
      "every x of the layer.";
  }
  if (what === "y") {
    if (guess !== null && near(guess, n.x) && !near(n.x, n.y)) {
      slip.push(`That is x: y = f(x) applies the ${f.replace("_", " ")} to it.`);
    }
    return [...slip, `y = ${f.replace("_", " ")}(x) = ${f.replace("_", " ")}(${fmt(n.x)}) = ` +
      `${fmt(n.y)}.`].join(" ");
  }
  if (what === "dE_dx" && f === "softmax" && l === L - 1) {
    return `Softmax couples the outputs, so ∂E/∂x = Σₘ ∂E/∂yₘ·yₘ·(δₘⱼ − y), which comes to ` +
      `y − t = ${fmt(n.y)} − ${factor(trace.target[j])} = ${fmt(n.dE_dx)}.`;
  }
  const slope = n.dE_dy === 0 ? null : n.dE_dx / n.dE_dy;  // f′(x), as the trace has it
  if (what === "dE_dx") {
    if (guess !== null && near(guess, n.dE_dy) && !near(n.dE_dy, n.dE_dx)) {
      slip.push(`You left out the factor f′(x) = ${slope === null ? "–" : fmt(slope)}: ` +
                "∂E/∂x = ∂E/∂y·∂y/∂x, and y = f(x).");
    } else if (guess !== null && near(-guess, n.dE_dx) && !near(n.dE_dx, 0)) {
      slip.push("The sign is the other way: f′(x) is never negative for these activations, " +
                "so ∂E/∂x has the sign of ∂E/∂y.");
    }
    const ce = l === L - 1 && settings.loss === "cross_entropy";
    return [...slip, ce
      ? `With a sigmoid output and cross entropy, ∂E/∂x = y − t = ${fmt(n.y)} − ` +
        `${factor(trace.target[j])} = ${fmt(n.dE_dx)}.`
      : `∂E/∂x = ∂E/∂y·f′(x) = ${factor(n.dE_dy)}·${slope === null ? "–" : factor(slope)} = ` +
        `${fmt(n.dE_dx)}.`].join(" ");
  }
  // ∂E/∂y
  if (l === L - 1) {
    if (guess !== null && near(-guess, n.dE_dy) && !near(n.dE_dy, 0)) {
      slip.push("The sign is the other way: ∂E/∂y = y − t is positive when the output is above " +
                "its target (E grows with y).");
    }
    return [...slip, settings.loss === "categorical_cross_entropy"
      ? `∂E/∂y = −t/y = −${factor(trace.target[j])}/${factor(n.y)} = ${fmt(n.dE_dy)}.`
      : settings.loss === "cross_entropy"
      ? `∂E/∂y = (y − t)/(y·(1 − y)) = ${fmt(n.dE_dy)}.`
      : `∂E/∂y = y − t = ${fmt(n.y)} − ${factor(trace.target[j])} = ${fmt(n.dE_dy)}.`].join(" ");
  }
  const above = trace.nodes[l + 1];
  const terms = above.map((a, k) => a.dE_dx * (trace.weights[l][j][k].w_before ?? trace.weights[l][j][k].w));
  const one = guess === null ? -1 : terms.findIndex((t) => near(guess, t) && !near(t, n.dE_dy));
  if (one >= 0) {
    slip.push(`That is the path through node ${one + 1} of ${layerWords(l + 1, L)} alone: y ` +
              `reaches E through all ${above.length} nodes it feeds, and the chain rule adds ` +
              "their terms.");
  }
  return [...slip, `∂E/∂y = Σ w·∂E/∂x over the layer above = ${terms.map(factor).join(" + ")} ` +
    `= ${fmt(n.dE_dy)}.`].join(" ");
}

function signWhy(q, trace) {
  const { k, i, j } = /** @type {{k:number, i:number, j:number}} */ (q.about);
  const y = trace.nodes[k][i].y;
  const dx = trace.nodes[k + 1][j].dE_dx;
  const sign = (v) => (v > 0 ? "positive" : v < 0 ? "negative" : "0");
  return `∂E/∂w = y·∂E/∂x: the y that flowed along this weight is ${fmt(y)} (${sign(y)}) and ` +
    `∂E/∂x of the node it feeds is ${fmt(dx)} (${sign(dx)}), so their product is ` +
    `${fmt(y * dx)}: ${sign(y * dx)}. A positive ∂E/∂w means E grows with w, so the update ` +
    "will lower w.";
}

function choiceWhy(q, answer, trace) {
  if (q.about.type === "update") {
    const change = (trace.error_after ?? trace.error) - trace.error;
    const percent = (100 * change) / trace.error;
    // near the 10% between the two "lower" answers, enough digits to see which side
    const digits = Math.abs(Math.abs(percent) - 10) < 1 ? 2 : 1;
    const side = change >= 0 ? "higher" : -percent >= 10 ? "lower by 10% of E or more"
      : "lower by less than 10% of E";
    return `E went from ${fmt(trace.error)} to ${fmt(trace.error_after)} (${fmt(change)}, ` +
      `${fmt(percent, digits)}%: ${side}). Each weight stepped against its gradient, so ` +
      "for a small enough learning rate E falls; with a large one the step overshoots the " +
      "valley and E can rise.";
  }
  const { k, i, j } = /** @type {{k:number, i:number, j:number}} */ (q.about);
  const w = trace.weights[k][i][j];
  const name = symbolText("w", k + 1, weightIndex(i, j));
  const moved = `${name} moved from ${fmt(w.w_before)} to ${fmt(w.w)}, with ∂E/∂w = ${fmt(w.dE_dw)}.`;
  const optimizer = optimizerOf(trace).name;
  if (optimizer === "momentum") {
    return "With momentum each weight moves by α·|v|, its velocity v ← β·v + g: the past " +
      "steps count too, so the weight whose gradients kept one sign moves most, not always " +
      `the one with the largest ∂E/∂w now. ${moved} Its velocity is ${fmt(w.state?.v)}.`;
  }
  if (optimizer === "adam") {
    return "With Adam each weight moves by α·|m̂|/(√ŝ + ε), about α for every weight whatever " +
      "the size of its gradient: the one that moves most is the one whose gradients agreed " +
      `most in sign, not the one with the largest ∂E/∂w. ${moved}`;
  }
  if ((trace.l1 ?? 0) > 0) {
    return "Each weight moves by α·|∂E/∂w + λ₂·w + λ₁·sign(w)|: the gradient and the pulls " +
      `toward 0 together decide. ${moved}`;
  }
  return `Each weight moves by α·|∂E/∂w${(trace.l2 ?? 0) > 0 ? " + λ·w" : ""}|, the same α for ` +
    `all: the weight with the largest gradient moves most. ${moved}` +
    (answer === q.truth ? "" : " Compare the ∂E/∂w of the weights in the backward pass.");
}
