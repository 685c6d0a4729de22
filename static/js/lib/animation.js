/** Frame loops that honour prefers-reduced-motion and the speed chosen on the page. */

const reduced = window.matchMedia("(prefers-reduced-motion: reduce)");

/** @returns {boolean} true when the learner asked the system for less motion */
export function motionReduced() {
  return reduced.matches;
}

/**
 * Calls onFrame(t) with t from 0 to 1 over `ms` milliseconds (eased), then resolves.
 * With reduced motion or ms ≤ 0, calls onFrame(1) once; once `stop()` is true, it jumps to
 * the end at the next frame.
 * @param {number} ms @param {(t:number)=>void} onFrame @param {() => boolean} [stop]
 * @returns {Promise<void>}
 */
export function animate(ms, onFrame, stop = () => false) {
  if (motionReduced() || ms <= 0) {
    onFrame(1);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const start = performance.now();
    function frame(now) {
      const raw = stop() ? 1 : Math.min(1, (now - start) / ms);
      onFrame(raw < 0.5 ? 2 * raw * raw : 1 - (-2 * raw + 2) ** 2 / 2);
      if (raw < 1) requestAnimationFrame(frame);
      else resolve();
    }
    requestAnimationFrame(frame);
  });
}

/** Resolves once the next frame has been drawn: work that can wait (other calls, other
 * views) goes after what a key press must show, and after the browser's other tasks (a
 * background task where the browser has them). @returns {Promise<void>} */
export function afterNextPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => later(resolve)));
}

/** Runs `f` as a background task where the browser has them, else as a timer. */
const later = globalThis.scheduler?.postTask
  ? (/** @type {() => void} */ f) => globalThis.scheduler.postTask(f, { priority: "background" })
  : (/** @type {() => void} */ f) => setTimeout(f, 0);

/** Lays the page out now. Called once new numbers are in the page: the browser then lays
 * them out while it would otherwise wait for the display's next frame, and that frame only
 * paints them. */
export function layOutNow() {
  void document.documentElement.offsetHeight;
}
