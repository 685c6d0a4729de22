/**
 * The entry module: the store first, then the frame loop that renders it, the controller
 * (actions), and the views; nothing else. One way round: key or click → controller → action
 * → api → store → render, one render per display frame.
 */
import { createController } from "./actions/controller.js";
import { browserEffects } from "./lib/browser-effects.js";
import { createFrameLoop } from "./lib/frame-loop.js";
import { api } from "./server/api.js";
import { createStore, initialState } from "./state/store.js";
import { mountPage } from "./views/page.js";

/** /api/options, as the page embeds it (or, where it does not, as the API answers it). */
async function readOptions() {
  const embedded = document.getElementById("options")?.textContent;
  return embedded ? JSON.parse(embedded) : api.options();
}

async function main() {
  const options = await readOptions();
  const store = createStore(initialState({ batch_size: options.training_defaults.batch_size }));
  const motion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const frames = createFrameLoop({ reducedMotion: () => motion.matches });
  const control = createController({ store, options, frames, effects: browserEffects });
  store.subscribe(frames.invalidate);
  // The network is asked for first (its call leaves once the microtasks that lead to it
  // have run: hence the timer); the views are mounted while its answer travels.
  const started = control.start(location.hash, location.pathname);
  await new Promise((resolve) => setTimeout(resolve, 0));
  const page = mountPage(control.dispatch, options);
  frames.onRender(() => page.render(store.state));
  /** @type {any} */ (window).backpropPlayStats = control.playStats;
  await started;
  page.tour.autoShow();
}

main().catch((e) => {
  const status = document.getElementById("status");
  status.textContent = `The page could not start: ${e.message}`;
  status.classList.add("shown");
});
