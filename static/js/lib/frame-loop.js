/**
 * The page's one render loop: at most one render per display frame, from the store's state.
 *
 * Each frame runs, in order: the frame tasks (an animation's clock, Play's next frame: they
 * may change the state), then the render if anything changed the state since the last one,
 * then the after-render hooks (Play acknowledges what was drawn). A change of state asks for
 * a frame; nothing else draws. Reduced motion (the system's setting) makes animations jump to
 * their end. Touches no document: `schedule` is requestAnimationFrame where there is one.
 */

/** @typedef {(now: number) => boolean} FrameTask  true: run again next frame */

/** Runs `f` as a background task where the browser has them (after the frame is painted),
 * else as a timer. @param {() => void} f */
function backgroundTask(f) {
  const scheduler = /** @type {any} */ (globalThis).scheduler;
  if (scheduler?.postTask) scheduler.postTask(f, { priority: "background" });
  else setTimeout(f, 0);
}

/**
 * @param {{schedule?: (f: (now: number) => void) => unknown, reducedMotion?: () => boolean,
 *          now?: () => number, later?: (f: () => void) => void}} [env] the browser's
 *   requestAnimationFrame, its prefers-reduced-motion, its clock, and how to run work after
 *   the frame is painted (tests pass their own)
 */
export function createFrameLoop(env = {}) {
  const schedule = env.schedule ?? ((f) => requestAnimationFrame(f));
  const reducedMotion = env.reducedMotion ?? (() => false);
  const clock = env.now ?? (() => performance.now());
  const later = env.later ?? backgroundTask;
  /** @type {Set<FrameTask>} */
  const tasks = new Set();
  /** @type {((renderedAt: number) => void)[]} */
  const afterRender = [];
  /** @type {(() => void)|null} */
  let render = null;
  let requested = false;
  let dirty = false;
  let frames = 0;  // frames that rendered (for tests and the benchmark)
  let lastRenderMs = 0;

  function frame(/** @type {number} */ now) {
    requested = false;
    for (const task of [...tasks]) if (!task(now)) tasks.delete(task);
    if (dirty && render) {
      dirty = false;
      const started = clock();
      render();
      lastRenderMs = clock() - started;
      frames += 1;
      for (const hook of afterRender) hook(now);
    }
    if (tasks.size || dirty) request();
  }

  function request() {
    if (requested) return;
    requested = true;
    schedule(frame);
  }

  return {
    /** The state changed: render at the next frame. */
    invalidate() {
      dirty = true;
      request();
    },
    /** @param {() => void} f what renders every view from the state */
    onRender(f) {
      render = f;
      request();
    },
    /** @param {(renderedAt: number) => void} hook runs after each render */
    afterRender(hook) {
      afterRender.push(hook);
    },
    /** Runs `task` at the start of every frame, before the render, while it returns true.
     * @param {FrameTask} task */
    everyFrame(task) {
      tasks.add(task);
      request();
    },
    /**
     * Calls onT(t) at the start of each frame, t eased from 0 to 1 over `ms`, so that what it
     * changes is rendered in that same frame; resolves after the frame that rendered t = 1.
     * With reduced motion or ms ≤ 0, onT(1) at once. `stop()` true jumps to the end.
     * @param {number} ms @param {(t: number) => void} onT @param {() => boolean} [stop]
     * @returns {Promise<void>}
     */
    animate(ms, onT, stop = () => false) {
      if (reducedMotion() || ms <= 0) {
        onT(1);
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        let start = -1;
        tasks.add((now) => {
          if (start < 0) start = now;
          const raw = stop() ? 1 : Math.min(1, (now - start) / ms);
          onT(raw < 0.5 ? 2 * raw * raw : 1 - (-2 * raw + 2) ** 2 / 2);
          if (raw < 1) return true;
          afterRender.push(function done() {
            afterRender.splice(afterRender.indexOf(done), 1);
            resolve();
          });
          dirty = true;  // the end is rendered even if onT(1) changed nothing
          return false;
        });
        request();
      });
    },
    /** Resolves once the next frame has rendered and been painted: work that can wait
     * (the plot, the pictures) goes after what a key press must show, and after the
     * browser's other tasks. @returns {Promise<void>} */
    afterNextPaint() {
      return new Promise((resolve) => {
        afterRender.push(function done() {
          afterRender.splice(afterRender.indexOf(done), 1);
          later(resolve);
        });
        dirty = true;
        request();
      });
    },
    get frames() { return frames; },
    /** How long the last render took (ms). */
    get lastRenderMs() { return lastRenderMs; },
  };
}
