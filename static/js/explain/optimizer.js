/**
 * The update of one weight or bias by the optimizer in effect (gradient descent, momentum or
 * Adam) with L2 and L1, written out with its numbers: the regularized gradient g, the state
 * the optimizer keeps for that parameter (v, or m and s) before and after, and the new value.
 * Pure: MathML trees and sentences, no DOM.
 */
import { fmt, sci } from "../lib/format.js";
import {
  equation, frac, int, m, mi, mn, mo, paren, product, relation, row, sub, sup,
} from "./mathml.js";
import { dE } from "./notation.js";

/**
 * @typedef {{name:"sgd"|"momentum"|"adam", momentum:number, beta1:number, beta2:number,
 *            epsilon:number}} Optimizer
 * @typedef {{v?:number, m?:number, s?:number}} Slots
 * @typedef {{learning_rate:number, l2?:number, l1?:number, optimizer?:Optimizer,
 *            t?:number|null}} Rule
 * @typedef {{before:number, grad:number, after:number, weight:boolean,
 *            state_before?:Slots|null, state?:Slots|null}} Moved
 */

/**
 * A number of the optimizer's state with at least 3 significant digits: Adam's s and ŝ are
 * often below 0.01, where 4 decimals leave one or two digits, too few to work the step out
 * from (a learner's recomputation from "0.0019" missed by 0.007). @param {number} v
 */
export const precise = (v) => (v !== 0 && Math.abs(v) < 0.01 ? sci(v, 3) : fmt(v));
/** A MathML number written by `precise`. @param {number} v @param {boolean} [wrapNegative] */
export const mp = (v, wrapNegative = false) => {
  const n = m("mn", precise(v));
  return wrapNegative && v < 0 ? paren(n) : n;
};

/** √(…) @param {import("./mathml.js").MathNode} c */
const msqrt = (c) => m("msqrt", c);

const SGD = /** @type {Optimizer} */ ({ name: "sgd", momentum: 0.9, beta1: 0.9, beta2: 0.999,
                                         epsilon: 1e-8 });

/** The optimizer of a trace or network (plain descent for one of before the optimizers).
 * @param {Rule} rule @returns {Optimizer} */
export const optimizerOf = (rule) => rule.optimizer ?? SGD;

/** True when the update is not plain w ← w − α·(∂E/∂w + λ·w): another optimizer, or L1.
 * @param {Rule} rule */
export const needsRule = (rule) => optimizerOf(rule).name !== "sgd" || (rule.l1 ?? 0) > 0;

/** sign(w) as the server takes it: −1, 0 or 1 (0 at w = 0). @param {number} w */
const sign = (w) => (w > 0 ? 1 : w < 0 ? -1 : 0);

/** "+ v", or "− |v|" for a negative v. @param {number} v */
const signed = (v) => (v < 0 ? [mo("−"), mp(-v)] : [mo("+"), mp(v)]);

/**
 * g, the regularized gradient the optimizer steps with: ∂E/∂w + λ₂·w + λ₁·sign(w) for a
 * weight, ∂E/∂b for a bias.
 * @param {Rule} rule @param {Moved} p
 */
export function regularized(rule, p) {
  const l2 = p.weight ? rule.l2 ?? 0 : 0;
  const l1 = p.weight ? rule.l1 ?? 0 : 0;
  return p.grad + l2 * p.before + l1 * sign(p.before);
}

/**
 * The formulas of one parameter's update, with its numbers, and a note on why.
 * @param {import("./mathml.js").MathNode} symbolNode the parameter's symbol
 * @param {Moved} p @param {Rule} rule
 * @returns {{formulas: import("./mathml.js").MathNode[], note: string}}
 */
export function ruleLines(symbolNode, p, rule) {
  const opt = optimizerOf(rule);
  const l2 = p.weight ? rule.l2 ?? 0 : 0;
  const l1 = p.weight ? rule.l1 ?? 0 : 0;
  const g = regularized(rule, p);
  const w = p.weight ? mi("w") : mi("b");
  const formulas = [];
  const notes = [];
  if (l2 > 0 || l1 > 0) {
    const symbolic = [dE(w)];
    const numbers = [mp(p.grad)];
    if (l2 > 0) {
      symbolic.push(mo("+"), sub(mi("λ"), int(2)), mo("·"), w);
      numbers.push(mo("+"), product(mn(l2), mn(p.before, true)));
    }
    if (l1 > 0) {
      symbolic.push(mo("+"), sub(mi("λ"), int(1)), mo("·"), mi("sign"), paren(w));
      numbers.push(mo("+"), product(mn(l1), mn(sign(p.before), true)));
    }
    formulas.push(equation(mi("g"), row(...symbolic), row(...numbers), mp(g)));
    if (l1 > 0) {
      notes.push(p.before === 0
        ? "L1 adds λ₁·sign(w), and sign(0) = 0: a weight that is exactly 0 gets no L1 pull, so " +
          "it stays at 0 unless ∂E/∂w moves it."
        : `L1 adds λ₁·sign(w) = ${fmt(l1 * sign(p.before))}: a pull toward 0 of the same size ` +
          "whatever the weight's size (L2's λ₂·w shrinks as w does), which drives small weights " +
          "to 0 and keeps them near it: when a step carries w across 0, sign(w) flips and the " +
          "next step pulls it back. So a weight that E does not need zig-zags around 0, " +
          "within about a step's size; this plain step never lands it exactly on 0.");
    }
    if (l2 > 0) notes.push("L2 adds λ₂·w: a pull toward 0 in proportion to the weight.");
  } else {
    formulas.push(equation(mi("g"), dE(w), mp(g)));
    if (!p.weight && ((rule.l2 ?? 0) > 0 || (rule.l1 ?? 0) > 0)) {
      notes.push("A bias has no L2 or L1 pull: g is its ∂E/∂b.");
    }
  }
  const alpha = rule.learning_rate;
  if (opt.name === "momentum") {
    const vOld = p.state_before?.v ?? 0;
    const v = p.state?.v ?? opt.momentum * vOld + g;
    formulas.push(
      relation(mi("v"), "←", row(mi("β"), mo("·"), mi("v"), mo("+"), mi("g")),
               row(product(mn(opt.momentum), mp(vOld, true)), ...signed(g)), mp(v)),
      relation(symbolNode, "←", row(symbolNode, mo("−"), mi("α"), mo("·"), mi("v")),
               row(mn(p.before), mo("−"), product(mn(alpha), mp(v, true))), mn(p.after)));
    notes.push(`v is this ${p.weight ? "weight" : "bias"}'s velocity: its past g's, each ` +
      `older one shrunk by β = ${fmt(opt.momentum)}, plus this one (v starts at 0). Where g ` +
      `keeps its sign the steps grow, up to 1/(1 − β) = ${Number((1 / (1 - opt.momentum)).toPrecision(4))} ` +
      "times α·g; where it " +
      "flips they cancel, which damps zig-zags across a narrow valley.");
  } else if (opt.name === "adam") {
    const t = rule.t ?? 1;
    const { beta1: b1, beta2: b2, epsilon: eps } = opt;
    const mOld = p.state_before?.m ?? 0;
    const sOld = p.state_before?.s ?? 0;
    const m = p.state?.m ?? b1 * mOld + (1 - b1) * g;
    const s = p.state?.s ?? b2 * sOld + (1 - b2) * g * g;
    const c1 = 1 - b1 ** t;
    const c2 = 1 - b2 ** t;
    const mHat = m / c1;
    const sHat = s / c2;
    const b = (n) => sub(mi("β"), int(n));
    const oneMinus = (n) => paren(int(1), mo("−"), b(n));
    const hat = (/** @type {string} */ letter) => mi(`${letter}\u0302`);  // m̂, ŝ
    formulas.push(
      relation(mi("m"), "←", row(b(1), mo("·"), mi("m"), mo("+"), oneMinus(1), mo("·"), mi("g")),
               row(product(mn(b1), mp(mOld, true)), mo("+"), product(mn(1 - b1), mp(g, true))),
               mp(m)),
      relation(mi("s"), "←", row(b(2), mo("·"), mi("s"), mo("+"), oneMinus(2), mo("·"),
                                 sup(mi("g"), int(2))),
               row(product(mn(b2), mp(sOld, true)), mo("+"),
                   product(mn(1 - b2), sup(g < 0 || precise(g).includes("×") ? paren(mp(g)) : mp(g),
                                           int(2)))), mp(s)),
      equation(hat("m"), frac(mi("m"), row(int(1), mo("−"), sup(b(1), mi("t")))),
               frac(mp(m), row(int(1), mo("−"), sup(mn(b1), int(t)))), mp(mHat)),
      equation(hat("s"), frac(mi("s"), row(int(1), mo("−"), sup(b(2), mi("t")))),
               frac(mp(s), row(int(1), mo("−"), sup(mn(b2), int(t)))), mp(sHat)),
      relation(symbolNode, "←",
               row(symbolNode, mo("−"), mi("α"), mo("·"),
                   frac(hat("m"), row(msqrt(hat("s")), mo("+"), mi("ε")))),
               row(mn(p.before), mo("−"), mn(alpha), mo("·"),
                   frac(mp(mHat), row(msqrt(mp(sHat)), mo("+"), mn(eps)))), mn(p.after)));
    notes.push(`Adam keeps, for each weight and bias, m: a running mean of its g (the ` +
      "direction), and s: of g² (the size), each an exponentially weighted mean (the latest g " +
      `weighs 1 − β, the one before (1 − β)·β, and so on). This is its update number t = ${t}. ` +
      "Both start at 0, so they are divided by 1 − βᵗ to undo that start (at t = 1, m̂ = g " +
      "and ŝ = g² exactly). Then m̂/√ŝ is about ±1 whatever the scale of g: every parameter " +
      "steps about α, a tiny gradient as far as a large one. That helps where gradients " +
      "differ a lot in size between layers (a deep sigmoid network's first layers), and it " +
      "is why Adam wants a small α (0.001 to 0.01). ε only guards against dividing by 0.");
  } else {
    formulas.push(relation(symbolNode, "←", row(symbolNode, mo("−"), mi("α"), mo("·"), mi("g")),
                           row(mn(p.before), mo("−"), product(mn(alpha), mp(g, true))),
                           mn(p.after)));
    notes.push("The parameter steps against g, α times as far.");
  }
  return { formulas, note: notes.join(" ") };
}

/** The rule in words, for the update phase's narration. @param {Rule} rule */
export function ruleWords(rule) {
  const opt = optimizerOf(rule);
  const reg = [(rule.l2 ?? 0) > 0 ? `λ₂·w (L2, λ₂ = ${fmt(rule.l2 ?? 0)})` : "",
               (rule.l1 ?? 0) > 0 ? `λ₁·sign(w) (L1, λ₁ = ${fmt(rule.l1 ?? 0)})` : ""]
    .filter(Boolean);
  const g = `g = ∂E/∂p${reg.length ? ` (plus, for a weight, ${reg.join(" and ")})` : ""}`;
  if (opt.name === "momentum") {
    return `Every weight and bias p has its gradient ${g}; momentum adds it to p's ` +
      `velocity, v ← β·v + g with β = ${fmt(opt.momentum)}, and steps p ← p − α·v.`;
  }
  if (opt.name === "adam") {
    return `Every weight and bias p has its gradient ${g}; Adam updates p's running means ` +
      `m (of g) and s (of g²), corrects them for their zero start, and steps ` +
      `p ← p − α·m̂/(√ŝ + ε): about α for every parameter, this being update t = ${rule.t ?? 1}.`;
  }
  return `Every weight and bias p steps against its gradient ${g}: p ← p − α·g.`;
}

/** What the update will do, said in the backward phase (the optimizer's state is the
 * network's, shown in the update). @param {Rule} rule @param {number} w @param {number} grad */
export function rulePreview(rule, w, grad) {
  const opt = optimizerOf(rule);
  const g = regularized(rule, { before: w, grad, after: w, weight: true });
  const gText = `g = ${fmt(g)}`;
  if (opt.name === "momentum") {
    return `The update will take ${gText} into this weight's velocity, v ← ${fmt(opt.momentum)}·v + g, ` +
      "and step w ← w − α·v.";
  }
  if (opt.name === "adam") {
    return `The update will take ${gText} into this weight's running means m and s, and step ` +
      "w ← w − α·m̂/(√ŝ + ε).";
  }
  return `The update will give w ← w − α·g = ${fmt(w)} − ${fmt(rule.learning_rate)}·` +
    `${g < 0 ? `(${fmt(g)})` : fmt(g)}, with ${gText}.`;
}
