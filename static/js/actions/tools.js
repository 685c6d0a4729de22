/**
 * The side tools: the gradient check, the next sample from the data, the link to copy, and
 * the network or the current trace as a file. What reaches the browser (a download, the
 * clipboard) goes through `effects`, given by the entry module.
 */
import { api } from "../server/api.js";
import { encodeHash, linkKeepsPoints, linkState } from "../state/link.js";
import { atLiveStep, currentRecord } from "../state/stepper.js";
import { datasetToCsv, traceToCsv } from "../lib/trace-csv.js";

/**
 * @typedef {{download: (name: string, text: string, type: string) => void,
 *            copyText: (text: string) => Promise<void>, pageUrl: () => string,
 *            pageOrigin: () => string}} Effects
 *   pageUrl: the page's address without its hash; pageOrigin: its scheme, host and port
 */

/**
 * @param {{store: import("./resilient-call.js").Store, call: import("./resilient-call.js").Call,
 *          stepping: ReturnType<typeof import("./stepping.js").createStepping>,
 *          table: import("../state/link.js").Prop[], effects: Effects}} ctx
 */
export function createTools({ store, call, stepping, table, effects }) {
  const shownTrace = () => currentRecord(store.state.stepper)?.trace ?? null;
  return {
    /** On the pass shown (its weights before an update), or at Ready on the sample in
     * effect with the current weights, starting no pass. */
    async gradcheck() {
      const trace = shownTrace();
      const sample = store.state.sample;
      const check = await call((id) => (trace ? api.gradcheck(id) : api.gradcheckOn(id, sample)));
      const batch = trace?.samples?.length ?? 1;
      store.apply("gradcheck", batch > 1 ? { ...check, batch } : check);
    },
    /** The next point of the dataset becomes the sample of the step-by-step mode. */
    async nextSample() {
      const points = store.state.dataset?.train ?? [];
      if (!points.length) throw new Error("The dataset has no points yet.");
      const index = (store.state.sampleIndex + 1) % points.length;
      await stepping.resample(points[index], index);
    },
    async copyLink() {
      await effects.copyText(effects.pageUrl() + encodeHash(table, linkState(store.state, true)))
        .catch(() => {});
      const fit = linkKeepsPoints(store.state);
      store.apply("note", "The link in the address bar now reproduces this network (its " +
                            "weights exactly), its settings, " +
                            (fit.keeps ? "its data" : `but not its ${fit.points} points (too ` +
                             "many for a link: share them with Data as CSV)") +
                            " and its sample; the phase " +
                            "you are at and the loss curve are not kept: it opens at Ready.");
    },
    exportNetwork() {
      effects.download("backprop-network.json", JSON.stringify(linkState(store.state), null, 1),
                       "application/json");
    },
    /**
     * The step the network is at, as a runnable script that prints its numbers: the pass
     * stepped through (after an update, the step just made), or at Ready the sample in
     * effect. @param {"numpy"|"pytorch"} flavour
     */
    async exportPython(flavour) {
      const s = store.state;
      if (!atLiveStep(s.stepper)) {
        throw new Error("You are looking back at an earlier step: the script writes out the " +
                        "step the network is at now. Go forward to it (Next) first.");
      }
      const onPass = s.stepper.records.length > 0;
      const text = await call((id) => api.python(id, flavour, onPass ? null : s.sample));
      effects.download(`backprop_step_${flavour}.py`, text, "text/x-python");
      store.apply("note", `The script rebuilds this network and prints the numbers of ` +
        `${onPass ? "the step shown" : "a step on the sample in effect"}: run it with ` +
        `python3 (it needs ${flavour === "numpy" ? "NumPy" : "PyTorch"}).`);
    },
    /** The points of the dataset, training and test, as CSV. */
    exportData() {
      const data = store.state.dataset;
      if (!data || data.train.length + data.test.length === 0) {
        throw new Error("There are no points to export: choose a dataset, or add points.");
      }
      effects.download(`backprop-data${data.name ? `-${data.name}` : ""}.csv`,
                       datasetToCsv(data), "text/csv");
    },
    /** @param {string} format "json" or "csv" */
    exportTrace(format) {
      const trace = shownTrace();
      if (!trace) throw new Error("There is no pass to export: a trace is of one pass stepped " +
                                  "through (Next or Forward); Play trains without keeping one.");
      if (format === "csv") effects.download("backprop-trace.csv", traceToCsv(trace), "text/csv");
      else effects.download("backprop-trace.json", JSON.stringify(trace, null, 1), "application/json");
    },
  };
}
