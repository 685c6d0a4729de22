/**
 * The page's state on <body>, for the style sheet and for tests: the layout in one column,
 * the progress cursor, and data-ready, data-pending (actions queued or running), data-playing
 * (Play on, or its stream still ending), data-network-id and data-compare-id (the second
 * network of a comparison, or ""), and grid-network (a wide network, drawn as grids: the
 * legend of cards and links is hidden). mount → render(state). The
 * window's width goes into the store as it changes.
 */
import { oneColumn } from "./network-view.js";
import { isWide } from "./grid-layout.js";

/** @param {(intent: import("../actions/controller.js").Intent) => void} dispatch */
export function mountBodyFlags(dispatch) {
  const body = document.body;
  const report = () => dispatch({ type: "resized", name: "viewport", width: window.innerWidth,
                                  height: window.innerHeight });
  window.addEventListener("resize", report);
  report();
  /** @param {HTMLElement} e @param {string} key @param {string} value */
  const data = (e, key, value) => {
    if (e.dataset[key] !== value) e.dataset[key] = value;
  };
  /** @param {import("../state/store.js").State} s */
  return function render(s) {
    body.classList.toggle("one-column", oneColumn(s));
    body.classList.toggle("busy", s.busy);
    body.classList.toggle("grid-network", Boolean(s.network && isWide(s.network.layers)));
    data(body, "pending", String(s.pending));
    data(body, "playing", String(s.playing || s.transport !== null));
    if (s.network) data(body, "networkId", s.network.id);
    data(body, "compareId", s.compare?.network.id ?? "");
    if (s.ready) data(body, "ready", "true");
  };
}
