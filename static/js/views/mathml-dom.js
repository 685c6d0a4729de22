/**
 * MathML trees (explain/mathml.js) into the page: built once, then changed in place.
 */
/** @typedef {import("../explain/mathml.js").MathNode} MathNode */
import { MATHML } from "../explain/mathml.js";

/**
 * @param {MathNode|string} node @param {Document} [doc] @returns {Node} MathML elements
 */
export function toDOM(node, doc = document) {
  if (typeof node === "string") return doc.createTextNode(node);
  const e = doc.createElementNS(MATHML, node.tag);
  for (const [k, v] of Object.entries(node.attrs)) e.setAttribute(k, v);
  for (const c of node.children) e.appendChild(toDOM(c, doc));
  return e;
}

/** @param {Element} e @param {Record<string,string>} attrs */
function sameAttrs(e, attrs) {
  const names = Object.keys(attrs);
  return e.attributes.length === names.length && names.every((k) => e.getAttribute(k) === attrs[k]);
}

/**
 * Makes the children of `parent` what toDOM would build for `nodes`, changing only what
 * differs: a text in place, an element built anew only where its tag or attributes differ.
 * A step changes the numbers, not the formulas' shape: the browser then restyles nothing and
 * lays out only the changed texts, where new elements would be styled and laid out afresh.
 * @param {Element} parent @param {(MathNode|string)[]} nodes @param {Document} [doc]
 */
export function showIn(parent, nodes, doc = document) {
  nodes.forEach((node, n) => {
    const shown = parent.childNodes[n];
    if (!shown) {
      parent.appendChild(toDOM(node, doc));
    } else if (typeof node === "string") {
      if (shown.nodeType !== Node.TEXT_NODE) shown.replaceWith(toDOM(node, doc));
      else if (shown.nodeValue !== node) shown.nodeValue = node;
    } else if (shown instanceof Element && shown.namespaceURI === MATHML
               && shown.localName === node.tag && sameAttrs(shown, node.attrs)) {
      showIn(shown, node.children, doc);
    } else {
      shown.replaceWith(toDOM(node, doc));
    }
  });
  while (parent.childNodes.length > nodes.length) parent.lastChild.remove();
}
