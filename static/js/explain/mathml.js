/**
 * Tiny MathML builders. They build plain data ({tag, attrs, children}), so that the
 * explanations are pure and testable without a browser; `textOf` turns a tree into plain
 * text, and views/mathml-dom.js into MathML elements.
 */
import { fmt } from "../lib/format.js";

export const MATHML = "http://www.w3.org/1998/Math/MathML";

/**
 * @typedef {{tag:string, attrs:Record<string,string>, children:(MathNode|string)[]}} MathNode
 */

/** @param {string} tag @param {...(MathNode|string)} children @returns {MathNode} */
export function m(tag, ...children) {
  return { tag, attrs: {}, children };
}

/** @param {MathNode} node @param {Record<string,string>} attrs @returns {MathNode} */
function withAttrs(node, attrs) {
  Object.assign(node.attrs, attrs);
  return node;
}

/** @param {string} t */
export const mi = (t) => m("mi", t);
/** @param {string} t */
export const mo = (t) => m("mo", t);
/** @param {string} t */
export const mtext = (t) => m("mtext", t);
/** @param {...MathNode} c */
export const row = (...c) => m("mrow", ...c);
/** @param {MathNode} a @param {MathNode} b */
export const frac = (a, b) => m("mfrac", a, b);
/** @param {MathNode|string} base @param {MathNode|string} s */
export const sub = (base, s) => m("msub", typeof base === "string" ? mi(base) : base,
                                  typeof s === "string" ? m("mn", s) : s);
/** @param {MathNode} base @param {MathNode} s */
export const sup = (base, s) => m("msup", base, s);
/** @param {MathNode} base @param {MathNode} s @param {MathNode} p */
export const subsup = (base, s, p) => m("msubsup", base, s, p);
/** An integer written as is (not through the page's number format). @param {number} n */
export const int = (n) => m("mn", String(n));
/** ( … ) @param {...MathNode} c */
export const paren = (...c) => row(mo("("), ...c, mo(")"));

/**
 * A number as shown everywhere on the page; negatives in parentheses inside products.
 * @param {number|null|undefined} v @param {boolean} [wrapNegative]
 */
export function mn(v, wrapNegative = false) {
  const n = m("mn", fmt(v));
  return wrapNegative && typeof v === "number" && v < 0 ? paren(n) : n;
}

/** ∂E/∂<name><subscript> @param {string} name @param {string} [subscript] */
export function partial(name, subscript) {
  const bottom = subscript ? row(mo("∂"), sub(name, subscript)) : row(mo("∂"), mi(name));
  return frac(row(mo("∂"), mi("E")), bottom);
}

/**
 * A block equation, its parts joined by "=", one part a line so that it fits a narrow panel:
 *   lhs = symbolic
 *       = numbers
 *       = result
 * @param {MathNode} lhs @param {...MathNode} parts @returns {MathNode}
 */
export function equation(lhs, ...parts) {
  return relation(lhs, "=", ...parts);
}

/**
 * As equation, with another relation (such as ≈) on its first line; "=" on the others.
 * @param {MathNode} lhs @param {string} rel @param {...MathNode} parts @returns {MathNode}
 */
export function relation(lhs, rel, ...parts) {
  const rows = parts.map((p, n) => m("mtr", n ? m("mtd") : m("mtd", lhs),
                                     withAttrs(m("mtd", mo(n ? "=" : rel)), { class: "eq" }),
                                     m("mtd", p)));
  const table = withAttrs(m("mtable", ...rows), { displaystyle: "true" });
  return withAttrs(m("math", table), { display: "block" });
}

/** a·b·c… with middle dots. @param {...MathNode} factors */
export function product(...factors) {
  return row(...factors.flatMap((f, n) => (n ? [mo("·"), f] : [f])));
}

/** The most characters of a sum on one line: a phone-wide panel holds about this many. */
const SUM_LINE = 28;

/** a + b + c…; a sum longer than a phone-wide line (even of two terms: two products of
 * negative numbers in parentheses) goes over as many lines as it needs, each further line
 * starting with its "+". @param {MathNode[]} terms */
export function sum(terms) {
  const joined = (part, first) => part.flatMap((t, n) => (n || !first ? [mo("+"), t] : [t]));
  const length = terms.reduce((n, t) => n + textOf(t).length + 1, 0);
  if (terms.length === 1 || length <= SUM_LINE) return row(...joined(terms, true));
  /** @type {MathNode[][]} */
  const lines = [[]];
  let used = 0;
  for (const t of terms) {
    const size = textOf(t).length + 1;
    if (lines[lines.length - 1].length && used + size > SUM_LINE) {
      lines.push([]);
      used = 0;
    }
    lines[lines.length - 1].push(t);
    used += size;
  }
  return m("mtable", ...lines.map((line, n) => m("mtr", m("mtd", row(...joined(line, n === 0))))));
}

/** @param {MathNode|string} node @returns {string} the text a reader sees, without spaces */
export function textOf(node) {
  if (typeof node === "string") return node;
  if (node.tag === "mtr") {
    return node.children.map(textOf).join("");
  }
  const inner = node.children.map(textOf);
  if (node.tag === "mfrac") return `(${inner[0]})/(${inner[1]})`;
  if (node.tag === "msup") return `${inner[0]}^${inner[1]}`;
  if (node.tag === "msub") return `${inner[0]}_${inner[1]}`;
  if (node.tag === "msubsup") return `${inner[0]}_${inner[1]}^${inner[2]}`;
  if (node.tag === "msqrt") return `√(${inner.join("")})`;
  return inner.join(node.tag === "mtable" ? " " : "");
}
