/**
 * The HTTP API client (shared/API.md). It never touches the DOM; failures are ApiError with
 * the server's plain-words `detail`.
 */

/**
 * @typedef {{x:number, y:number, b:number|null, dE_dy:number|null, dE_dx:number|null,
 *            dE_db:number|null, b_before:number|null}} TraceNode
 * @typedef {{w:number, dE_dw:number|null, w_before:number|null}} TraceWeight
 * @typedef {{id:string, step:number, phase:"forward"|"backward"|"update",
 *            learning_rate:number, input:number[], target:number[], error:number,
 *            error_after:number|null, nodes:TraceNode[][], weights:TraceWeight[][][]}} Trace
 * @typedef {{id:string, layers:number[], activation:string, output_activation:string,
 *            loss:string, learning_rate:number, seed:number, step:number,
 *            phase:string|null, weights:number[][][], biases:number[][],
 *            trace:Trace|null}} NetworkState
 * @typedef {{input:number[], target:number[]}} Point
 * @typedef {{name:string|null, size:number, noise:number, seed:number,
 *            test_fraction:number, train:Point[], test:Point[]}} Dataset
 * @typedef {{layer:number, node:number, inputs:number, domain:number[], resolution:number,
 *            values:number[]|number[][]}} FunctionOut
 * @typedef {{id:string, step:number, samples_trained:number, epoch:number,
 *            history:{step:number, loss:number}[], train_loss:number, test_loss:number|null,
 *            seconds:number,
 *            weights:number[][][], biases:number[][], function:FunctionOut|null}} TrainOut
 */

export class ApiError extends Error {
  /** @param {number} status @param {string} detail */
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function call(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, `the server cannot be reached (${e.message})`);
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({ detail: response.statusText }));
  if (!response.ok) throw new ApiError(response.status, data.detail || response.statusText);
  return data;
}

/** @param {string} id */
const net = (id) => `/api/networks/${encodeURIComponent(id)}`;

export const api = {
  /** @returns {Promise<NetworkState>} */
  create: (settings = {}) => call("POST", "/api/networks", settings),
  /** @returns {Promise<NetworkState>} */
  get: (id) => call("GET", net(id)),
  /** @returns {Promise<NetworkState>} */
  configure: (id, changes) => call("PATCH", net(id), changes),
  /** @returns {Promise<Trace>} */
  forward: (id, sample) => call("POST", `${net(id)}/forward`, sample),
  /** @returns {Promise<Trace>} */
  backward: (id) => call("POST", `${net(id)}/backward`),
  /** @returns {Promise<Trace>} */
  update: (id) => call("POST", `${net(id)}/update`),
  /** @returns {Promise<NetworkState>} */
  reset: (id) => call("POST", `${net(id)}/reset`),
  /** @returns {Promise<NetworkState>} the weight from node i of layer k to node j of k+1 */
  setWeight: (id, k, i, j, value) => call("PUT", `${net(id)}/weights/${k}/${i}/${j}`, { value }),
  /** @returns {Promise<NetworkState>} the bias of node j of layer k+1 */
  setBias: (id, k, j, value) => call("PUT", `${net(id)}/biases/${k}/${j}`, { value }),
  /** @returns {Promise<object>} every dE/dw and dE/db beside its finite difference */
  gradcheck: (id) => call("GET", `${net(id)}/gradcheck`),
  /** @returns {Promise<Dataset|null>} */
  dataset: (id) => call("GET", `${net(id)}/dataset`),
  /** @returns {Promise<Dataset>} spec: {name, size, noise, seed, test_fraction} or {points} */
  setDataset: (id, spec) => call("PUT", `${net(id)}/dataset`, spec),
  /** @returns {Promise<Dataset>} part: "train" or "test" */
  addPoint: (id, part, point) => call("POST", `${net(id)}/dataset/${part}`, point),
  /** @returns {Promise<Dataset>} */
  removePoint: (id, part, index) => call("DELETE", `${net(id)}/dataset/${part}/${index}`),
  /** @returns {Promise<TrainOut>} */
  train: (id, request) => call("POST", `${net(id)}/train`, request),
  /** @returns {Promise<FunctionOut>} */
  func: (id, { resolution, layer, node }) =>
    call("GET", `${net(id)}/function?resolution=${resolution}&layer=${layer}&node=${node}`),
  options: () => call("GET", "/api/options"),
};
