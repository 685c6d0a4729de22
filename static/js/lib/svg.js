/** SVG elements made, relabelled and made selectable: the helpers every drawing uses. */
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

/** Sets a text only when it changed (no needless layout), in its text node when it has
 * just one (cheaper to restyle and lay out than a new node). @param {Node} node
 * @param {string} text */
export function setText(node, text) {
  if (node.textContent === text) return;
  const only = node.firstChild;
  if (only && only === node.lastChild && only.nodeType === 3 /* a text node */ && text) {
    /** @type {Text} */ (only).data = text;
  } else {
    node.textContent = text;
  }
}

/** Sets an attribute only when it changed. @param {Element} node @param {string} name
 * @param {string} value */
export function setAttr(node, name, value) {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

/**
 * A button of the drawing (a node or a weight): reached by Tab, pressed by a click, Enter or
 * Space; named by its visible lines first (what a reader sees), then a title saying what it is.
 * @param {SVGElement} g @param {string} label @param {SVGElement[]} texts its visible lines
 * @param {() => void} onPress
 */
export function makeSelectable(g, label, texts, onPress) {
  g.setAttribute("tabindex", "0");
  g.setAttribute("role", "button");
  el("title", { id: `name-of-${g.id}` }, g).textContent = label;
  texts.forEach((t, n) => {
    t.setAttribute("id", `name-of-${g.id}-${n}`);
    t.after(" ");  // not drawn; it parts the lines' words in the element's text, as on screen
  });
  g.setAttribute("aria-labelledby", [...texts.map((t) => t.id), `name-of-${g.id}`].join(" "));
  g.addEventListener("click", onPress);
  g.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      onPress();
    }
  });
}
