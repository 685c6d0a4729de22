/** The page's elements by id: one lookup that fails loudly when the markup lacks one. */

/** @param {string} id @returns {any} (inputs, selects and canvases alike) */
export function byId(id) {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e;
}

/**
 * The CSS size of `element` (its clientWidth and clientHeight), kept by a ResizeObserver, so
 * that a view drawn on every change of state never reads layout: a read after the page's
 * numbers changed would make the browser lay the page out there and then, and again for the
 * frame. `onResize` runs after the size changed (the frame's layout done).
 * @param {Element} element @param {() => void} onResize
 * @returns {{width: number, height: number}} read it, never write it
 */
export function observedSize(element, onResize) {
  const size = { width: element.clientWidth, height: element.clientHeight };
  new ResizeObserver(() => {
    const { clientWidth: width, clientHeight: height } = element;
    if (width === size.width && height === size.height) return;
    Object.assign(size, { width, height });
    onResize();
  }).observe(element);
  return size;
}
