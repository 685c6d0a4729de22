/**
 * The side tools: the gradient check, the next sample from the data, copying the link, and
 * exporting the network or the current trace; and the keyboard shortcuts.
 */
import { api } from "../server/api.js";
import { download, traceToCsv } from "../lib/share.js";

/**
 * @param {{store: import("./resilient-call.js").Store,
 *          session: ReturnType<typeof import("./resilient-call.js").createSession>,
 *          stepping: ReturnType<typeof import("./stepping.js").createStepping>,
 *          setup: ReturnType<typeof import("./network-setup.js").createSetup>,
 *          showGradcheck: (check: object) => void}} ctx
 */
export function createTools({ store, session, stepping, setup, showGradcheck }) {
  return {
    /** On the pass shown (its weights before an update), or at Ready on the sample in
     * effect with the current weights, starting no pass. */
    async gradcheck() {
      const sample = store.state.sample;
      const check = await session.call((id) => (stepping.trace ? api.gradcheck(id)
        : api.gradcheckOn(id, sample)));
      const batch = stepping.trace?.samples?.length ?? 1;
      showGradcheck(batch > 1 ? { ...check, batch } : check);
    },
    /** The next point of the dataset becomes the sample of the step-by-step mode. */
    async nextSample() {
      const points = store.state.dataset?.train ?? [];
      if (!points.length) throw new Error("The dataset has no points yet.");
      const index = (store.state.sampleIndex + 1) % points.length;
      await stepping.resample(points[index], index);
    },
    async copyLink() {
      setup.saveHash();
      await navigator.clipboard?.writeText(location.href).catch(() => {});
      store.apply("note", "The link in the address bar now reproduces this network (its " +
                            "weights exactly), its settings, its data and its sample; the phase " +
                            "you are at is not kept: it opens at Ready.");
    },
    exportNetwork() {
      download("backprop-network.json", JSON.stringify(setup.linkState(), null, 1),
               "application/json");
    },
    /** @param {string} format "json" or "csv" */
    exportTrace(format) {
      const trace = stepping.trace;
      if (!trace) throw new Error("There is no pass to export: a trace is of one pass stepped " +
                                  "through (Next or Forward); Play trains without keeping one.");
      if (format === "csv") download("backprop-trace.csv", traceToCsv(trace), "text/csv");
      else download("backprop-trace.json", JSON.stringify(trace, null, 1), "application/json");
    },
  };
}

const KEYS = { ArrowRight: "next", n: "next", ArrowLeft: "previous", p: "previous",
               s: "step", f: "forward", b: "backward", u: "update" };

/**
 * @param {(name: string) => void} onStep @param {() => void} onPlay
 */
export function bindKeys(onStep, onPlay) {
  document.addEventListener("keydown", (e) => {
    // A key already handled (Enter or Space on a node or weight) is not a shortcut too.
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target instanceof HTMLElement && e.target.closest("input, select, textarea")) return;
    const name = KEYS[e.key.length === 1 ? e.key.toLowerCase() : e.key];
    if (name) {
      e.preventDefault();
      onStep(name);
    } else if (e.key === " " && !(e.target instanceof HTMLButtonElement)) {
      e.preventDefault();
      onPlay();
    }
  });
}
