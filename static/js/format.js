/** Numbers as the page shows them: fixed decimals, a true minus sign, scientific when tiny. */
import { DECIMALS } from "./config.js";

/**
 * @param {number | null | undefined} v
 * @param {number} [decimals]
 * @returns {string}
 */
export function fmt(v, decimals = DECIMALS) {
  if (v === null || v === undefined) return "–";
  if (v === 0) return (0).toFixed(decimals);
  const a = Math.abs(v);
  let s;
  if (a < 10 ** -decimals || a >= 1e6) {
    const [mantissa, exponent] = v.toExponential(2).split("e");
    s = `${mantissa}e${Number(exponent)}`;
  } else {
    s = v.toFixed(decimals);
  }
  return s.replace(/-/g, "−");
}

/** Parses what fmt wrote (for tests and typed fields): "−0.1234" → -0.1234. */
export function parseShown(text) {
  return Number(String(text).replace(/−/g, "-").trim());
}
