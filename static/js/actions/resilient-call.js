/**
 * Calls on the page's network that survive the server forgetting it (a restart, an
 * eviction): the store holds enough (settings, initial and current weights, step, samples
 * trained, dataset) to re-create the network as it was and carry on, losing nothing.
 */
import { api, ApiError } from "../server/api.js";

/** @typedef {ReturnType<typeof import("../state/store.js").createStore>} Store */

/**
 * The full description of the network as it stands, to re-create or share it.
 * @param {import("../state/store.js").State} s
 */
export function describe(s) {
  const n = s.network;
  return {
    layers: n.layers, activation: n.activation, output_activation: n.output_activation,
    loss: n.loss, learning_rate: n.learning_rate, l2: n.l2 ?? 0, seed: n.seed,
    weights: s.initial.weights, biases: s.initial.biases,
    current_weights: n.weights, current_biases: n.biases, step: n.step,
  };
}

/**
 * How to ask the server for the dataset again: a built-in one by its spec, own points as
 * they are. @param {import("../state/store.js").State} s
 */
export function datasetSpec(s) {
  const data = s.dataset;
  if (!data) return null;
  if (data.name) return s.datasetSpec;
  const points = [...data.train, ...data.test];
  return points.length ? { points, test_fraction: data.test.length / points.length } : null;
}

/**
 * @param {Store} store
 * @param {(id: string) => Promise<void>} onRecovered replays, on the re-created network, what
 *   the server lost beyond weights and data (the pending pass)
 */
export function createSession(store, onRecovered) {
  let recovering = null;

  async function recreate() {
    const s = store.state;
    const update = await api.create({ ...describe(s), samples_trained: s.samplesTrained });
    store.apply("recovered", update);
    const spec = datasetSpec(s);
    if (spec) store.apply("dataset", await api.setDataset(update.network.id, spec));
    await onRecovered(update.network.id);
    document.body.dataset.networkId = update.network.id;
  }

  /**
   * Calls fn(id); if the server no longer knows the network, re-creates it and calls again.
   * @template T @param {(id: string) => Promise<T>} fn @returns {Promise<T>}
   */
  async function call(fn) {
    const used = store.state.network.id;
    try {
      return await fn(used);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
      // Calls in flight together all fail; the network is re-created once.
      if (store.state.network.id === used) {
        recovering ??= recreate().finally(() => { recovering = null; });
        await recovering;
        store.apply("note", "The server had forgotten this network; it was re-created as it was.");
      }
      return fn(store.state.network.id);
    }
  }

  return { call };
}
