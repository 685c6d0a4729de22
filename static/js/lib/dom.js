/** The page's elements by id: one lookup that fails loudly when the markup lacks one. */

/** @param {string} id @returns {any} (inputs, selects and canvases alike) */
export function byId(id) {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e;
}

