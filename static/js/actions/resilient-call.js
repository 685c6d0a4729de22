/**
 * Calls on the page's network that survive the server forgetting it (a restart, an
 * eviction): the store holds enough (settings, initial and current weights, step, samples
 * trained, dataset, the pending pass) to re-create the network as it was and carry on,
 * losing nothing.
 */
import { api, ApiError } from "../server/api.js";
import { datasetSpec, describe } from "../state/link.js";
import { livePass } from "../state/store.js";

/** @typedef {ReturnType<typeof import("../state/store.js").createStore>} Store */
/** @typedef {<T>(fn: (id: string) => Promise<T>) => Promise<T>} Call */

/** @param {Store} store @returns {Call} */
export function createCall(store) {
  /** @type {Promise<void>|null} */
  let recovering = null;

  /** Replays the pending pass on the re-created network `id`, so that Next can go on. */
  async function replayPass(id) {
    const pass = livePass(store.state);
    if (!pass) return;
    await api.forward(id, pass.samples ? { samples: pass.samples.map(({ input, target }) =>
      ({ input, target })) } : { input: pass.input, target: pass.target });
    if (pass.phase === "backward") await api.backward(id);
  }

  async function recreate() {
    const s = store.state;
    const update = await api.create({ ...describe(s), samples_trained: s.samplesTrained });
    const spec = datasetSpec(s);
    const dataset = spec ? await api.setDataset(update.network.id, spec) : null;
    await replayPass(update.network.id);
    store.apply("recovered", update);
    if (dataset) store.apply("dataset", dataset);
  }

  /**
   * Calls fn(id); if the server no longer knows the network, re-creates it and calls again.
   * @template T @param {(id: string) => Promise<T>} fn @returns {Promise<T>}
   */
  return async function call(fn) {
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
  };
}
