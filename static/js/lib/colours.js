/**
 * The page's colours for canvas drawing, read from the CSS variables in style.css (the one
 * place they are defined), once each: reading styles on every frame would cost layout.
 */
const cache = new Map();

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
