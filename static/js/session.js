/**
 * The page's copy of its network: settings, initial and current weights, step and dataset,
 * enough to re-create the network when the server has forgotten it (a restart, an eviction)
 * and carry on, losing nothing.
 */
import { api, ApiError } from "./api.js";

/**
 * @param {(network: import("./api.js").NetworkState) => Promise<void>} onRecovered called
 *   after a re-creation, to replay what the server lost beyond weights and data
 */
export function createSession(onRecovered) {
  /** @type {import("./api.js").NetworkState} */
  let network = null;
  let initial = null;
  /** @type {import("./api.js").Dataset|null} */
  let dataset = null;
  let recovering = null;

  /** A new network on the server; `state` may carry weights to start from or resume. */
  async function create(state) {
    network = await api.create(state);
    initial = { weights: state.weights ?? network.weights, biases: state.biases ?? network.biases };
    dataset = null;
    return network;
  }

  /** The full description of the network as it stands, to re-create or share it. */
  function describe() {
    return {
      layers: network.layers, activation: network.activation,
      output_activation: network.output_activation, loss: network.loss,
      learning_rate: network.learning_rate, seed: network.seed,
      weights: initial.weights, biases: initial.biases,
      current_weights: network.weights, current_biases: network.biases, step: network.step,
    };
  }

  /** How to ask the server for this dataset again. */
  function datasetSpec() {
    if (!dataset) return null;
    if (dataset.name) {
      const { name, size, noise, seed, test_fraction } = dataset;
      return { name, size, noise, seed, test_fraction };
    }
    const points = [...dataset.train, ...dataset.test];
    return points.length ? { points, test_fraction: dataset.test.length / points.length } : null;
  }

  async function recreate() {
    const fresh = await api.create(describe());
    network = { ...fresh };
    const spec = datasetSpec();
    if (spec) dataset = await api.setDataset(fresh.id, spec);
    await onRecovered(network);
  }

  /**
   * Calls fn(id); if the server no longer knows the network, re-creates it and calls again.
   * @template T @param {(id: string) => Promise<T>} fn @returns {Promise<T>}
   */
  async function call(fn) {
    const used = network.id;
    try {
      return await fn(used);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
      // Calls in flight together all fail; the network is re-created once.
      if (network.id === used) {
        recovering ??= recreate().finally(() => { recovering = null; });
        await recovering;
      }
      return fn(network.id);
    }
  }

  return {
    get network() { return network; },
    get dataset() { return dataset; },
    create, describe, datasetSpec, call,
    /** @param {import("./api.js").NetworkState} state */
    setState(state) { network = state; },
    /** Weights and step after an update trace. @param {import("./api.js").Trace} trace */
    absorbTrace(trace) {
      if (trace.phase !== "update") return;
      network = {
        ...network, step: trace.step,
        weights: trace.weights.map((m) => m.map((r) => r.map((w) => w.w))),
        biases: trace.nodes.slice(1).map((layer) => layer.map((n) => n.b)),
      };
    },
    /** @param {import("./api.js").TrainOut} out */
    absorbTraining(out) {
      network = { ...network, step: out.step, weights: out.weights, biases: out.biases };
    },
    /** @param {import("./api.js").Dataset|null} data */
    setDataset(data) { dataset = data; },
  };
}
