/**
 * The loss landscape's card: the choice of the two parameters and of E (the sample or the
 * training set), the presets, and when to fetch the grid again.
 */
import { ApiError } from "../server/api.js";
import { byId } from "../lib/dom.js";
import { createLandscape, parameters } from "./landscape-view.js";
import { setText } from "../lib/svg.js";
import { plainWords } from "../actions/validate.js";

const $ = byId;

/**
 * @param {{store: import("../actions/resilient-call.js").Store,
 *          session: ReturnType<typeof import("../actions/resilient-call.js").createSession>,
 *          run: (action: () => Promise<void>|void) => Promise<void>,
 *          preset: (network: object, landscape: object) => Promise<void>}} ctx
 */
export function bindLandscape({ store, session, run, preset }) {
  const view = createLandscape({ canvas: $("landscape"), scale: $("landscape-scale"),
                                 caption: $("landscape-caption") });
  let optionsFor = "";
  let lastKey = "";
  let timer = 0;
  /** What was refused as too long to compute (the choice, the data's size, the shape): not
   * asked again, during Play several times a second, until one of them changes. */
  let tooLong = "";

  const refKey = (r) => JSON.stringify(r);
  function sync() {
    const s = store.state;
    if (!s.network || !s.landscape) return;
    const shape = s.network.layers.join("-");
    if (shape !== optionsFor) {
      optionsFor = shape;
      const all = parameters(s.network.layers);
      for (const id of ["landscape-a", "landscape-b"]) {
        $(id).replaceChildren(...all.map((p) => Object.assign(document.createElement("option"),
          { value: refKey(p.ref), textContent: p.label })));
      }
    }
    $("landscape-a").value = refKey(s.landscape.a);
    $("landscape-b").value = refKey(s.landscape.b);
    $("landscape-over").value = s.landscape.over;
  }

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
    if (s.landscape.over === "sample" && !s.stepper.records.length) {
      view.clear();
      setText($("landscape-caption"), "E on the current sample needs a pass: press Next " +
        "(or Forward), or choose the whole training set.");
      return;
    }
    if (s.landscape.over === "train" && !s.dataset?.train.length) {
      view.clear();
      setText($("landscape-caption"), "There is no training data: choose a dataset, or E " +
        "on the current sample.");
      return;
    }
    try {
      await view.load(session, s.landscape);
    } catch (e) {
      view.clear();
      if (e instanceof ApiError && e.errors?.some((x) => x.field === "resolution")) {
        tooLong = cost;
        setText($("landscape-caption"), `E over all ${s.dataset?.train.length} training points ` +
          "at every point of the grid would take longer than a call may: choose E on the " +
          "current sample, or a dataset of fewer points.");
        return;
      }
      setText($("landscape-caption"), s.landscape.over === "sample"
        ? "E on the current sample needs a sample: press Next (or Forward), or choose the " +
          "training set." : `The landscape cannot be drawn: ${plainWords(e.message).replace(/^\w+: /, "")}`);
    }
  }

  const choose = (change) => run(async () => {
    store.apply("landscape", change);
    await refresh();
  });
  $("landscape-a").addEventListener("change", () => choose({ a: JSON.parse($("landscape-a").value) }));
  $("landscape-b").addEventListener("change", () => choose({ b: JSON.parse($("landscape-b").value) }));
  $("landscape-over").addEventListener("change", () => choose({ over: $("landscape-over").value }));
  $("btn-landscape-selected").addEventListener("click", () => {
    const sel = store.state.selection;
    if (sel?.type === "link") choose({ a: { kind: "weight", k: sel.k, i: sel.i, j: sel.j } });
    else if (sel?.type === "node" && sel.l > 0) choose({ a: { kind: "bias", k: sel.l - 1, j: sel.j } });
    else store.apply("note", "Select a weight (or a node, for its bias) in the drawing first.");
  });
  const onePair = { a: { kind: "weight", k: 1, i: 0, j: 0 }, b: { kind: "bias", k: 1, j: 0 },
                    over: "train" };
  $("btn-preset-bowl").addEventListener("click", () => run(() => preset(
    { layers: [1, 1, 1], activation: "linear", output_activation: "linear", loss: "squared",
      learning_rate: 0.1, seed: 1 }, onePair)));
  $("btn-preset-sigmoid").addEventListener("click", () => run(() => preset(
    { layers: [1, 1, 1], activation: "sigmoid", output_activation: "sigmoid", loss: "squared",
      learning_rate: 2, seed: 1 }, { ...onePair, a: { kind: "weight", k: 0, i: 0, j: 0 },
      b: { kind: "weight", k: 1, i: 0, j: 0 } })));

  return {
    sync,
    refresh,
    /** During Play: at most every 300 ms. */
    refreshSoon() {
      if (timer) return;
      timer = window.setTimeout(() => { timer = 0; refresh(); }, 300);
    },
  };
}
