/**
 * An element's client size, kept up to date by a ResizeObserver, so that a drawing can read
 * it at any time without forcing a layout (reading clientWidth after changing the page makes
 * the browser lay it out at once, in the middle of a frame).
 */

/**
 * @param {Element} element
 * @param {(size: {width:number, height:number}) => void} [onChange] called once the
 *   observer reports a size other than the one last read (draw again with it)
 * @returns {{readonly width:number, readonly height:number}}
 */
export function watchSize(element, onChange = () => {}) {
  /** @type {{width:number, height:number}|null} */
  let size = null;
  const read = () => ({ width: element.clientWidth, height: element.clientHeight });
  new ResizeObserver(() => {
    const next = read();  // laid out already: the observer runs after layout
    const changed = !size || next.width !== size.width || next.height !== size.height;
    size = next;
    if (changed) onChange(next);
  }).observe(element);
  return {
    // Before the observer's first report (a drawing made at once), read once.
    get width() { return (size ??= read()).width; },
    get height() { return (size ??= read()).height; },
  };
}
