/**
 * An element's laid-out size, reported into the store as an intent ({type: "resized", name,
 * width, height}) by a ResizeObserver, so that a view renders at the size it has from the
 * state alone, and never reads a size (which would make the browser lay the page out at
 * once, in the middle of a frame) while it renders.
 */

/**
 * @param {Element} element @param {string} name the size's name in state.sizes
 * @param {(intent: {type:"resized", name:string, width:number, height:number}) => void} dispatch
 */
export function reportSize(element, name, dispatch) {
  let last = "";
  const report = () => {
    const width = element.clientWidth;
    const height = element.clientHeight;
    if (`${width}x${height}` === last) return;
    last = `${width}x${height}`;
    dispatch({ type: "resized", name, width, height });
  };
  new ResizeObserver(report).observe(element);  // runs after layout: no layout forced
  report();
}
