/**
 * The keyboard's shortcuts: → or N next, ← or P previous, S step, F B U forward, backward,
 * update; Space plays or pauses. Not while typing in a field, nor for a key already handled
 * (Enter or Space on a node or weight).
 */
const KEYS = { ArrowRight: "next", n: "next", ArrowLeft: "previous", p: "previous",
               s: "step", f: "forward", b: "backward", u: "update" };

/** @param {(intent: import("../actions/controller.js").Intent) => void} dispatch */
export function mountKeyboard(dispatch) {
  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target instanceof HTMLElement && e.target.closest("input, select, textarea")) return;
    const name = KEYS[e.key.length === 1 ? e.key.toLowerCase() : e.key];
    if (name) {
      e.preventDefault();
      dispatch({ type: "step", name });
    } else if (e.key === " " && !(e.target instanceof HTMLButtonElement)) {
      e.preventDefault();
      dispatch({ type: "play" });
    }
  });
}
