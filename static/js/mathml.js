/** Tiny MathML builders; every text goes in through textContent. */
import { fmt } from "./format.js";

const MATHML = "http://www.w3.org/1998/Math/MathML";

/** @param {string} tag @param {...(Node|string)} children */
export function m(tag, ...children) {
  const e = document.createElementNS(MATHML, tag);
  for (const c of children) {
    if (typeof c === "string") e.appendChild(document.createTextNode(c));
    else e.appendChild(c);
  }
  return e;
}

export const mi = (t) => m("mi", t);
export const mo = (t) => m("mo", t);
export const mtext = (t) => m("mtext", t);
export const row = (...c) => m("mrow", ...c);
export const frac = (a, b) => m("mfrac", a, b);
export const sub = (base, s) => m("msub", typeof base === "string" ? mi(base) : base,
                                  typeof s === "string" ? m("mn", s) : s);
export const sup = (base, s) => m("msup", base, s);
/** An integer written as is (not through the page's number format). */
export const int = (n) => m("mn", String(n));
/** ( … ) */
export const paren = (...c) => row(mo("("), ...c, mo(")"));

/** A number as shown everywhere on the page; negatives in parentheses inside products. */
export function mn(v, wrapNegative = false) {
  const n = m("mn", fmt(v));
  return wrapNegative && v < 0 ? row(mo("("), n, mo(")")) : n;
}

/** ∂E/∂<name><subscript> */
export function partial(name, subscript) {
  const bottom = subscript ? row(mo("∂"), sub(name, subscript)) : row(mo("∂"), mi(name));
  return frac(row(mo("∂"), mi("E")), bottom);
}

/**
 * A block equation, its parts joined by "=", one part a line so that it fits a narrow panel:
 *   lhs = symbolic
 *       = numbers
 *       = result
 * @param {Node} lhs @param {...Node} parts
 */
export function equation(lhs, ...parts) {
  const table = m("mtable");
  parts.forEach((p, n) => {
    const eq = m("mtd", mo("="));
    eq.setAttribute("class", "eq");
    table.appendChild(m("mtr", n ? m("mtd") : m("mtd", lhs), eq, m("mtd", p)));
  });
  table.setAttribute("displaystyle", "true");
  const math = m("math", table);
  math.setAttribute("display", "block");
  return math;
}

/** a·b·c… with middle dots. @param {...Node} factors */
export function product(...factors) {
  const r = row();
  factors.forEach((f, n) => {
    if (n) r.appendChild(mo("·"));
    r.appendChild(f);
  });
  return r;
}

/** a + b + c… @param {Node[]} terms */
export function sum(terms) {
  const r = row();
  terms.forEach((t, n) => {
    if (n) r.appendChild(mo("+"));
    r.appendChild(t);
  });
  return r;
}
