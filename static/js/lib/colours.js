/**
 * The page's colours for canvas drawing, read from the CSS variables in style.css (the one
 * place they are defined), once each: reading styles on every frame would cost layout.
 */
const cache = new Map();

/** The variables the drawings use. */
const NAMES = ["--backward", "--ink", "--line", "--muted", "--negative", "--positive", "--selected",
               ...Array.from({ length: 10 }, (_, k) => `--class-${k}`)];

/** The colour of class k of a softmax output (as a CSS variable's name). @param {number} k */
export const classColour = (k) => `--class-${k % 10}`;

/** Reads every colour at once, before the first render: read in the middle of one, the page's
 * style would be computed twice (once for the read, once for the frame). */
export function readColours() {
  const style = getComputedStyle(document.documentElement);
  for (const name of NAMES) cache.set(name, style.getPropertyValue(name).trim());
}

/** @param {string} name a CSS variable, e.g. "--positive" @returns {string} */
export function colour(name) {
  if (!cache.has(name)) {
    cache.set(name, getComputedStyle(document.documentElement).getPropertyValue(name).trim());
  }
  return cache.get(name);
}

/** A colour variable as [r, g, b] (0 … 255). @param {string} name @returns {number[]} */
export function rgbOf(name) {
  const n = parseInt(colour(name).replace("#", ""), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The colour of `v` on a diverging scale: `high` at +scale, white at 0, `low` at −scale
 * (clamped beyond), as [r, g, b]: weights and heat maps alike. Pure.
 * @param {number} v @param {number} scale @param {number[]} low @param {number[]} high */
export function diverging(v, scale, low, high) {
  const t = Math.max(-1, Math.min(1, scale > 0 ? v / scale : 0));
  const to = t < 0 ? low : high;
  const a = Math.abs(t);
  return to.map((ch) => Math.round(255 + (ch - 255) * a));
}
