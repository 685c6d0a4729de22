/**
 * The backward pass as the chain rule makes it: each derivative the product of local
 * derivatives, each factor with its value; and the update, with E before and after it.
 * Pure: MathML trees and sentences, no DOM.
 */
import { derivativeSteps, lossDerivative } from "./formulas.js";
import { fmt } from "../lib/format.js";
import {
  equation, frac, int, mi, mn, mo, mtext, paren, product, relation, row, sub, sum, sup,
} from "./mathml.js";
import { d, dE, layerWords, nodeSym, symbol, weightSym, weightSymTo } from "./notation.js";
import { mp, needsRule } from "./optimizer.js";

/**
 * ∂E/∂y, ∂E/∂x and ∂E/∂b of node (l, j), with the sentence that says why.
 * @returns {{formulas: import("./mathml.js").MathNode[], note: string}}
 */
export function backwardNode(trace, settings, l, j, weightsOf) {
  const L = trace.nodes.length;
  const node = trace.nodes[l][j];
  const output = l === L - 1;
  const activation = output ? settings.output_activation : settings.activation;
  if (output && activation === "softmax") return softmaxBackward(trace, settings, l, j);
  const [X, Y, B] = [nodeSym("x", l, j), nodeSym("y", l, j), nodeSym("b", l, j)];
  const formulas = [];
  let note;
  if (output) {
    formulas.push(lossDerivative(settings.loss, l, j, node.y, trace.target[j], node.dE_dy));
    note = "E depends on this output y directly, so ∂E/∂y is the loss's own derivative. ";
  } else {
    const above = trace.nodes[l + 1];
    const XJ = symbol("x", l + 1, "j");
    const sigma = (...f) => row(sub(mo("Σ"), mi("j")), product(...f));
    formulas.push(equation(dE(Y), sigma(dE(XJ), d(XJ, Y)),
      sigma(dE(XJ), weightSymTo(l, j, "j")),
      sum(above.map((a, k) => product(mn(a.dE_dx, true), mn(weightsOf(l, j, k), true)))),
      mn(node.dE_dy)));
    note = `This y reaches E only through the x of each node j of ${layerWords(l + 1, L)} ` +
      `(j = 1 … ${above.length}), and ∂x_j/∂y = w, the weight between them. This is the ` +
      "chain rule for a function of several variables: E depends on y through every x_j at " +
      "once, so a small change of y changes E along each path, and the effects add up. Each " +
      "∂E/∂x_j is already known from the phase before. ";
  }
  const f = derivativeSteps(activation, node.x, node.y);
  formulas.push(f.piecewise
    ? equation(d(Y, X), row(sup(mi("f"), mo("′")), paren(mi("x"))), f.symbolic)
    : equation(d(Y, X), row(sup(mi("f"), mo("′")), paren(mi("x"))), f.symbolic, f.numeric,
               mn(f.value)));
  const ce = output && settings.loss === "cross_entropy" && activation === "sigmoid";
  formulas.push(ce
    ? equation(dE(X), product(dE(Y), d(Y, X)),
        product(frac(row(mi("y"), mo("−"), mi("t")), product(mi("y"), paren(int(1), mo("−"), mi("y")))),
                product(mi("y"), paren(int(1), mo("−"), mi("y")))),
        row(mi("y"), mo("−"), mi("t")), row(mn(node.y), mo("−"), mn(trace.target[j], true)),
        mn(node.dE_dx))
    : equation(dE(X), product(dE(Y), d(Y, X)), product(mn(node.dE_dy, true), mn(f.value, true)),
               mn(node.dE_dx)));
  formulas.push(equation(dE(B), product(dE(X), d(X, B)), product(dE(X), int(1)), mn(node.dE_db)));
  note += "y = f(x), so the chain rule multiplies by the slope ∂y/∂x = f′(x); and x = Σ w·y + b, " +
    "so ∂x/∂b = 1.";
  if (ce) {
    note += " With a sigmoid output and cross entropy the factor y(1 − y) cancels: ∂E/∂x is " +
      "just y − t, the error itself, however flat the sigmoid is.";
  }
  if (f.words) note += ` ${f.words}`;
  return { formulas, note };
}

/**
 * Column j of softmax's Jacobian: ∂yₖ/∂xⱼ = yₖ·(δₖⱼ − yⱼ) for every output k.
 * @param {{y:number}[]} layer @param {number} j
 * @returns {{k:number, delta:number, value:number}[]}
 */
export function softmaxJacobian(layer, j) {
  return layer.map((m, k) => {
    const delta = k === j ? 1 : 0;
    return { k, delta, value: m.y * (delta - layer[j].y) };
  });
}

/**
 * ∂E/∂y, ∂E/∂x and ∂E/∂b of output node j of a softmax layer: softmax couples the outputs
 * (each yₘ depends on every xⱼ), so ∂E/∂xⱼ sums over every output m, through the Jacobian
 * ∂yₘ/∂xⱼ = yₘ·(δₘⱼ − yⱼ), written out for each m with the numbers; it comes to yⱼ − tⱼ.
 * @returns {{formulas: import("./mathml.js").MathNode[], note: string}}
 */
function softmaxBackward(trace, settings, l, j) {
  const layer = trace.nodes[l];
  const node = layer[j];
  const [X, Y, B] = [nodeSym("x", l, j), nodeSym("y", l, j), nodeSym("b", l, j)];
  const Ym = (k) => nodeSym("y", l, k);
  const formulas = [lossDerivative(settings.loss, l, j, node.y, trace.target[j], node.dE_dy)];
  const jacobian = softmaxJacobian(layer, j);
  for (const { k, delta, value } of jacobian) {
    formulas.push(equation(d(Ym(k), X),
      product(Ym(k), paren(int(delta), mo("−"), Y)),
      product(mn(layer[k].y), paren(int(delta), mo("−"), mn(layer[j].y))), mn(value)));
  }
  const M = symbol("y", l, "m");
  formulas.push(equation(dE(X), row(sub(mo("Σ"), mi("m")), product(dE(M), d(M, X))),
    sum(jacobian.map(({ k, value }) => product(mn(layer[k].dE_dy, true), mn(value, true)))),
    row(mn(node.y), mo("−"), mn(trace.target[j], true)), mn(node.dE_dx)));
  formulas.push(equation(dE(B), product(dE(X), d(X, B)), product(dE(X), int(1)), mn(node.dE_db)));
  const note = "Softmax couples the outputs: every y of this layer depends on this x (they " +
    "share the sum Σ eˣ below the fraction), so a change of x reaches E along every output, " +
    "and the chain rule adds the paths up: ∂E/∂x = Σₘ ∂E/∂yₘ·∂yₘ/∂x. The Jacobian of " +
    "softmax is ∂yₘ/∂xⱼ = yₘ·(δₘⱼ − yⱼ), with δₘⱼ = 1 for m = j and 0 otherwise: x raises its " +
    "own y and lowers every other (the y's always add up to 1). With ∂E/∂yₘ = −tₘ/yₘ the yₘ " +
    "cancel: Σₘ −tₘ·(δₘⱼ − yⱼ) = −tⱼ + yⱼ·Σₘ tₘ = yⱼ − tⱼ, because the targets add up to 1. " +
    "So ∂E/∂x is the output minus its target, however the exponentials saturate; and x = " +
    "Σ w·y + b, so ∂x/∂b = 1.";
  return { formulas, note };
}

/** ∂E/∂w of the weight from node i of layer k to node j of layer k+1. */
export function backwardWeight(trace, k, i, j) {
  const [W, X] = [weightSym(k, i, j), nodeSym("x", k + 1, j)];
  const source = trace.nodes[k][i];
  const target = trace.nodes[k + 1][j];
  return {
    formulas: [equation(dE(W), product(dE(X), d(X, W)), product(dE(X), nodeSym("y", k, i)),
                        product(mn(target.dE_dx, true), mn(source.y, true)),
                        mn(trace.weights[k][i][j].dE_dw))],
    note: "w reaches E only through the x it feeds, x = … + w·y + …, so ∂x/∂w = y, the " +
      "value that flowed along this link in the forward pass: a weight learns in proportion " +
      "to how much signal it carried and how much its target's x matters to E.",
  };
}


/**
 * p ← p − α·∂E/∂p for a bias or, with an L2 rate λ > 0, w ← w − α·(∂E/∂w + λ·w) for a
 * weight (the pull toward 0 that keeps weights small): then first the step's direction,
 * ∂E/∂w + λ·w, worked out on lines of its own, and the update with it (on one line, with
 * both written out, it ran past a phone's panel).
 * @returns {import("./mathml.js").MathNode[]}
 */
export function updateLine(symbolNode, before, lr, grad, after, l2 = 0) {
  if (l2 > 0) {
    const direction = grad + l2 * before;
    return [
      // (its left side in plain w: the heading names the weight, and the line must fit)
      equation(row(dE(mi("w")), mo("+"), mi("λ"), mo("·"), mi("w")),
               row(mn(grad), mo("+"), product(mn(l2), mn(before, true))),
               row(mn(grad), ...signed(l2 * before)), mn(direction)),
      relation(symbolNode, "←",
               row(symbolNode, mo("−"), mi("α"), mo("·"),
                   paren(dE(symbolNode), mo("+"), mi("λ"), mo("·"), symbolNode)),
               row(mn(before), mo("−"), product(mn(lr), mn(direction, true))), mn(after)),
    ];
  }
  return [relation(symbolNode, "←", row(symbolNode, mo("−"), mi("α"), mo("·"), dE(symbolNode)),
                   row(mn(before), mo("−"), product(mn(lr), mn(grad, true))), mn(after))];
}

/** Every ∂E/∂w and ∂E/∂b of a trace. @param {import("../server/api.js").Trace} trace */
export function gradients(trace) {
  return [...trace.weights.flat(2).map((w) => w.dE_dw ?? 0),
          ...trace.nodes.slice(1).flat().map((n) => n.dE_db ?? 0)];
}

/**
 * E before and after the update on the same sample, the change, and the change the
 * gradient predicts to first order: ΔE ≈ −α·Σ(∂E/∂p)² over every weight and bias p.
 * @param {import("../server/api.js").Trace} trace an update trace
 */
export function errorChange(trace) {
  if (needsRule(trace)) return errorChangeByMoves(trace);
  const squares = gradients(trace).reduce((s, g) => s + g * g, 0);
  // With L2 each weight moves by −α·(g + λ·w), so E changes by about −α·Σ g·(g + λ·w).
  const l2 = trace.l2 ?? 0;
  const decay = l2 * trace.weights.flat(2).reduce((s, w) => s + (w.dE_dw ?? 0) * (w.w_before ?? w.w), 0);
  const predicted = -trace.learning_rate * (squares + decay);
  const { change, formula } = measuredChange(trace);
  const prediction = l2 > 0
    ? relation(row(mi("Δ"), mi("E")), "≈",
      row(mo("−"), mi("α"), mo("·"), mo("Σ"), dE(mi("p")), mo("·"), paren(dE(mi("p")), mo("+"),
          mi("λ"), mo("·"), mi("p"))),
      row(mo("−"), product(mn(trace.learning_rate), paren(mn(squares), ...signed(decay)))),
      mn(predicted))
    : relation(row(mi("Δ"), mi("E")), "≈",
      row(mo("−"), mi("α"), mo("·"), mo("Σ"), sup(paren(dE(mi("p"))), int(2))),
      row(mo("−"), product(mn(trace.learning_rate), mn(squares))), mn(predicted));
  const ratio = predicted === 0 ? 1 : change / predicted;
  const share = `${Math.round(100 * ratio)}%`;
  const verdict = predicted === 0 && change === 0
    ? "Nothing moved: every gradient is 0 (a relu with x ≤ 0 passes no gradient back, so " +
      "nothing before it learns), and E stayed where it was."
    : predicted === 0
      ? "Every ∂E/∂p was 0, so the prediction is no change; E changed only by rounding."
    : change > 0
    ? "E rose: the step overshot the valley. The prediction holds only for small steps; lower α."
    : ratio >= 0.8 && ratio <= 1.25
      ? `E fell by about what the gradient predicted (${share} of it): the step was small ` +
        "enough for the straight-line view of E to hold."
      : `E fell by ${share} of what the first-order prediction says: α is large enough for ` +
        "the curvature of E to matter (the straight-line view holds only for small steps).";
  return { formulas: [formula, prediction], change, predicted,
           note: `E on the same ${trace.samples?.length > 1 ? "mini-batch" : "sample"}: ` +
                 `${fmt(trace.error)} before the update, ${fmt(trace.error_after)} after ` +
                 "(p in the prediction runs over every weight and bias). The prediction is " +
                 "the straight-line view of E: ΔE ≈ Σ ∂E/∂p · Δp, and each step was " +
                 `Δp = −α·∂E/∂p${l2 > 0 ? " (plus the L2 pull −α·λ·p on weights)" : ""}. ` + verdict };
}

const msubText = (base, words) => sub(mi(base), mtext(words));

/** ΔE = E_after − E_before on the update's sample, and its formula with the numbers.
 * @param {import("../server/api.js").Trace} trace an update trace */
function measuredChange(trace) {
  const change = (trace.error_after ?? trace.error) - trace.error;
  return { change, formula: equation(row(mi("Δ"), mi("E")),
    row(msubText("E", "after"), mo("−"), msubText("E", "before")),
    row(mn(trace.error_after), mo("−"), mn(trace.error)), mn(change)) };
}

/** "+ v", or "− |v|" for a negative v: a term added to what comes before it.
 * @param {number} v */
const signed = (v) => (v < 0 ? [mo("−"), mn(-v)] : [mo("+"), mn(v)]);

/**
 * errorChange for an update that is not plain descent (momentum, Adam, or L1): the
 * first-order prediction from the moves themselves, ΔE ≈ Σ ∂E/∂p·Δp with Δp = p_after −
 * p_before over every weight and bias.
 * @param {import("../server/api.js").Trace} trace an update trace
 */
const UPHILL = {
  momentum: "Momentum's velocity keeps part of the earlier steps, which were taken for other " +
    "samples (or batches): it can carry a weight on past where this sample's E is lowest.",
  adam: "Adam's m keeps part of the earlier gradients, of other samples (or batches), and " +
    "every parameter steps about α, however small its gradient: with a large α the steps " +
    "overshoot. Adam is usually run with α of 0.001 to 0.01.",
  sgd: "L1 pulls every weight toward 0 by the same amount, whatever E says.",
};

function errorChangeByMoves(trace) {
  const moves = [...trace.weights.flat(2).map((w) => [w.dE_dw ?? 0, w.w - (w.w_before ?? w.w)]),
                 ...trace.nodes.slice(1).flat().map((n) => [n.dE_db ?? 0,
                                                            (n.b ?? 0) - (n.b_before ?? n.b ?? 0)])];
  const predicted = moves.reduce((s, [g, dp]) => s + g * dp, 0);
  const { change, formula } = measuredChange(trace);
  // every term written out where there are few enough to read (the default network's 13)
  const written = moves.length <= 13
    ? [sum(moves.map(([g, dp]) => product(mp(g, true), mp(dp, true))))] : [];
  const prediction = relation(row(mi("Δ"), mi("E")), "≈",
    row(mo("Σ"), dE(mi("p")), mo("·"), mi("Δ"), mi("p")), ...written, mn(predicted));
  const ratio = predicted === 0 ? 1 : change / predicted;
  const share = `${Math.round(100 * ratio)}%`;
  const verdict = predicted === 0
    ? "The moves and the gradients gave no first-order change."
    : change > 0 && predicted < 0
      ? "E rose: the step overshot. The prediction holds only for small steps."
      : change > 0
        ? "E rose, as the prediction said it would: this step did not go downhill on this " +
          `sample. ${UPHILL[trace.optimizer?.name ?? "sgd"]}`
        : ratio >= 0.8 && ratio <= 1.25
          ? `E fell by about what the moves predict (${share} of it).`
          : `E fell by ${share} of what the first-order prediction says: the steps are ` +
            "large enough for the curvature of E to matter.";
  return { formulas: [formula, prediction], change, predicted,
           note: `E on the same ${trace.samples?.length > 1 ? "mini-batch" : "sample"}: ` +
                 `${fmt(trace.error)} before the update, ${fmt(trace.error_after)} after. ` +
                 "The prediction is the straight-line view of E: each parameter p moved by Δp " +
                 "(its value after minus before, as the rule in effect moved it), and E " +
                 `changes by about ∂E/∂p·Δp for each. ${verdict}` };
}
