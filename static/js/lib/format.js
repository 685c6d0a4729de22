/**
 * Numbers as the page shows them: fixed decimals and a true minus sign; tiny or huge ones as
 * a power of ten written out (4.92×10⁻⁶), never as computer e-notation.
 */
import { DECIMALS } from "./config.js";

const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶",
                      7: "⁷", 8: "⁸", 9: "⁹" };
const PLAIN = Object.fromEntries(Object.entries(SUPERSCRIPT).map(([k, v]) => [v, k]));
const SUBSCRIPT = "₀₁₂₃₄₅₆₇₈₉";

/** "−12" → "⁻¹²": digits and minus signs raised. @param {number|string} n */
export const superscript = (n) => String(n).replace(/[-0-9]/g, (c) => SUPERSCRIPT[c]);
/** "12" → "₁₂": digits lowered (other characters kept). @param {number|string} n */
export const subscript = (n) => String(n).replace(/[0-9]/g, (c) => SUBSCRIPT[Number(c)]);

/**
 * @param {number | null | undefined} v
 * @param {number} [decimals]
 * @returns {string}
 */
export function fmt(v, decimals = DECIMALS) {
  if (v === null || v === undefined) return "–";
  if (v === 0) return (0).toFixed(decimals);
  const a = Math.abs(v);
  return a < 10 ** -decimals || a >= 1e6 ? sci(v, 2) : v.toFixed(decimals).replace(/-/g, "−");
}

/**
 * Always a power of ten: sci(0.001234, 3) → "1.234×10⁻³"; 0 → "0".
 * @param {number} v @param {number} digits after the point
 */
export function sci(v, digits) {
  if (v === 0) return "0";
  const [mantissa, exponent] = v.toExponential(digits).split("e");
  const power = superscript(Number(exponent));
  return `${mantissa}×10${power}`.replace(/-/g, "−");
}

/**
 * Parses what fmt wrote, and what a learner types: "−0.1234" → -0.1234, "4.92×10⁻⁶" too; a
 * decimal comma ("0,5": one comma and no point) as a point (a number field had taken "0,5"
 * as 5); nothing typed, or not a number: NaN (never 0). @param {string} text
 */
export function parseShown(text) {
  let plain = String(text).replace(/−/g, "-").trim();
  if (plain === "") return NaN;
  if (/^[^,.]*,[^,.]*$/.test(plain)) plain = plain.replace(",", ".");
  plain = plain
    .replace(/×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/, (_, p) => `e${[...p].map((c) => PLAIN[c]).join("")}`);
  return Number(plain);
}

/** A whole number with a comma between thousands: 1234567 → "1,234,567" (as
 * toLocaleString("en") writes it, without the cost of loading the locale's data, 10 to 30 ms
 * on the page's first render). @param {number} n */
export function thousands(n) {
  const whole = String(Math.trunc(Math.abs(n)));
  return `${n < 0 ? "−" : ""}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`;
}
