/**
 * The loss landscape's data: E over a grid of two parameters, asked for again when the
 * weights, the pass or the choice changed (at most every 300 ms during Play), and put into
 * the store with the path the updates took; or, when there is none, why.
 */
import { api, ApiError } from "../server/api.js";
import { plainWords } from "./validate.js";

/** The grid asked for: points per axis, and how far around the current values. */
const GRID = { resolution: 41, span: 2 };

/**
 * @param {{store: import("./resilient-call.js").Store, call: import("./resilient-call.js").Call}} ctx
 */
export function createLandscape({ store, call }) {
  let lastKey = "";
  let timer = 0;
  /** What was refused as too long to compute (the choice, the data's size, the shape): not
   * asked again, during Play several times a second, until one of them changes. */
  let tooLong = "";

  const none = (note) => store.apply("landscape-grid", { grid: null, note });

  /** The grid again, if the weights, the pass or the choice changed since the last one. */
  async function refresh() {
    const s = store.state;
    if (!s.network || !s.landscape) return;
    const key = JSON.stringify([s.landscape, s.network.weights, s.network.biases,
                                s.network.activation, s.network.output_activation, s.network.loss,
                                s.landscape.over === "sample" ? s.network.step : s.dataset?.size,
                                s.stepper.records.length]);
    if (key === lastKey) return;
    lastKey = key;
    const cost = JSON.stringify([s.landscape, s.dataset?.train.length, s.network.layers]);
    if (cost === tooLong) return;
    if (JSON.stringify(s.landscape.a) === JSON.stringify(s.landscape.b)) {
      none("a and b are the same parameter: choose two different ones (the surface is E " +
           "over a plane of two).");
      return;
    }
    if (s.landscape.over === "sample" && !s.stepper.records.length) {
      none("E on the current sample needs a pass: press Next (or Forward), or choose the " +
           "whole training set.");
      return;
    }
    if (s.landscape.over === "train" && !s.dataset?.train.length) {
      none("There is no training data: choose a dataset, or E on the current sample.");
      return;
    }
    const request = s.landscape;
    const pairKey = JSON.stringify([request.a, request.b, request.over]);
    try {
      const grid = await call((id) => api.landscape(id, { ...request, ...GRID }));
      store.apply("landscape-grid", { grid, pairKey });
    } catch (e) {
      if (e instanceof ApiError && e.errors?.some((x) => x.field === "resolution")) {
        tooLong = cost;
        none(`E over all ${s.dataset?.train.length} training points at every point of the ` +
             "grid would take longer than a call may: choose E on the current sample, or a " +
             "dataset of fewer points.");
        return;
      }
      none(s.landscape.over === "sample"
        ? "E on the current sample needs a sample: press Next (or Forward), or choose the " +
          "training set." : `The landscape cannot be drawn: ${plainWords(e.message).replace(/^\w+: /, "")}`);
    }
  }

  return {
    refresh,
    /** During Play: at most every 300 ms. */
    refreshSoon() {
      if (timer) return;
      timer = setTimeout(() => { timer = 0; refresh(); }, 300);
    },
  };
}
