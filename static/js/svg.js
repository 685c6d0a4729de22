/** SVG elements made and relabelled: the two helpers every drawing uses. */
const SVG = "http://www.w3.org/2000/svg";

/**
 * @param {string} tag @param {Record<string, string|number>} [attrs]
 * @param {Element|null} [parent] @returns {SVGElement}
 */
export function el(tag, attrs = {}, parent = null) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

/** Sets a text only when it changed (no needless layout). @param {Node} node @param {string} text */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
