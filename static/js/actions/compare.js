/**
 * Two settings side by side: a second network that starts from the first's weights, bit for
 * bit, on the same data and the same order of samples (the same seed and samples trained),
 * and differs in one setting (the learning rate, the activation, the batch size or λ). Play
 * trains both in lockstep: each round, the same number of updates on each.
 */
import { PLOT } from "../lib/config.js";
import { api } from "../server/api.js";
import { datasetSpec, describe } from "../state/link.js";
import { rawInputs } from "../explain/features.js";

/** The settings a comparison may change, with how the page names them. */
export const SETTINGS = {
  learning_rate: "learning rate", activation: "activation", batch_size: "batch size",
  l2: "L2 rate λ", l1: "L1 rate λ₁", optimizer: "optimizer",
};
const OPTIMIZERS = { sgd: "gradient descent", momentum: "momentum", adam: "Adam" };

/** @param {string} setting @param {any} value */
export const describeValue = (setting, value) => (setting === "batch_size"
  ? (value === null ? "the full batch" : `batches of ${value}`)
  : setting === "activation" ? String(value).replace("_", " ")
  : setting === "optimizer" ? OPTIMIZERS[value] ?? String(value)
  : `${SETTINGS[setting]} ${value}`);

/**
 * @param {{store: import("./resilient-call.js").Store,
 *          training: ReturnType<typeof import("./training.js").createTraining>}} ctx
 */
export function createCompare({ store, training }) {
  /** The second network, from the first as it stands, `setting` set to `value`.
   * @param {string} setting @param {any} value */
  async function start(setting, value) {
    await training.pauseSaying("Play paused: the comparison starts both networks from the " +
                               "same weights. Press Play to train both.");
    await stop();
    const s = store.state;
    const { optimizer_state: state, ...first } = describe(s);
    const spec = {
      // the same optimizer goes on from the first's state; another starts afresh
      ...(setting === "optimizer" || !state ? {} : { optimizer_state: state }),
      ...first, weights: first.current_weights, biases: first.current_biases,
      samples_trained: s.samplesTrained,
      ...(setting === "batch_size" ? {} : { [setting]: value }),
    };
    const created = await api.create(spec);
    const data = datasetSpec(s);
    if (data) await api.setDataset(created.network.id, data);
    // its output drawn from the start (the same as the first's until they train)
    const inputs = rawInputs(created.network);
    const func = inputs > 2 ? null : await api.func(created.network.id, {
      resolution: inputs === 1 ? PLOT.resolution1d : PLOT.resolution2d,
      layer: created.network.layers.length - 1, node: 0 });
    const own = (v) => describeValue(setting, v);
    store.apply("compare-started", {
      network: created.network, setting, value,
      startSteps: [s.network.step, created.network.step], func,
      batch_size: setting === "batch_size" ? value : s.training.batch_size,
      label: own(value),
      mainLabel: own(setting === "batch_size" ? s.training.batch_size : s.network[setting]),
    });
  }

  async function stop() {
    const c = store.state.compare;
    if (!c) return;
    await training.pause();
    store.apply("compare-stopped");
    await api.remove(c.network.id).catch(() => {});  // gone already: nothing to free
  }

  return { start, stop };
}
