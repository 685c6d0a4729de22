/** Shared fixtures of the page's unit tests: real traces answered by the API. */
import { readFileSync } from "node:fs";

/** traces[name] = {network, forward, backward, update} for "sigmoid", "linear", "cross_entropy" */
export const traces = JSON.parse(readFileSync(new URL("./fixtures/traces.json", import.meta.url),
                                              "utf8"));

/** The options of /api/options that the page's pure modules read. */
export const options = {
  activations: ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "linear"]
    .map((name) => ({ name })),
  losses: [{ name: "squared" }, { name: "cross_entropy" }],
  datasets: [{ name: "line", inputs: 1 }, { name: "sine", inputs: 1 },
             { name: "circle", inputs: 2 }, { name: "xor", inputs: 2 }],
  limits: { min_layers: 2, max_layers: 8, min_nodes: 1, max_nodes: 8, max_abs_value: 1e6,
            max_learning_rate: 10, max_seed: 2 ** 32 - 1, max_dataset_size: 10_000,
            max_noise: 1, max_test_fraction: 0.9, max_l2: 1, max_step: 1e12 },
};
