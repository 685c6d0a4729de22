/**
 * The HTTP API client (docs/api.md). It never touches the DOM; failures are ApiError with
 * the server's plain-words `detail`.
 */

/**
 * @typedef {{v?:number, m?:number, s?:number}} Slots a parameter's optimizer state
 * @typedef {{x:number, y:number, b:number|null, dE_dy:number|null, dE_dx:number|null,
 *            dE_db:number|null, b_before:number|null, state_before?:Slots,
 *            state?:Slots}} TraceNode
 * @typedef {{w:number, dE_dw:number|null, w_before:number|null, state_before?:Slots,
 *            state?:Slots}} TraceWeight
 * @typedef {{name:"sgd"|"momentum"|"adam", momentum:number, beta1:number, beta2:number,
 *            epsilon:number}} Optimizer
 * @typedef {{weights:number[][][], biases:number[][]}} StateSlot
 * @typedef {{t:number, v?:StateSlot|null, m?:StateSlot|null, s?:StateSlot|null}} OptimizerState
 * @typedef {{input:number[], target:number[], error:number, error_after:number|null,
 *            nodes:{x:number, y:number, dE_dy:number|null, dE_dx:number|null,
 *                   dE_db:number|null}[][], dE_dw:number[][][]|null}} SampleTrace
 * @typedef {{id:string, step:number, phase:"forward"|"backward"|"update",
 *            learning_rate:number, l2:number, l1?:number, optimizer?:Optimizer,
 *            t?:number|null, input:number[], target:number[], error:number,
 *            error_after:number|null, nodes:TraceNode[][], weights:TraceWeight[][][],
 *            samples?:SampleTrace[]|null, gradient_sizes?:number[]|null}} Trace
 * @typedef {{id:string, layers:number[], features?:string[], activation:string,
 *            output_activation:string,
 *            loss:string, learning_rate:number, l2:number, seed:number, step:number,
 *            l1?:number, optimizer?:"sgd"|"momentum"|"adam", momentum?:number,
 *            beta1?:number, beta2?:number, epsilon?:number,
 *            optimizer_state?:OptimizerState|null,
 *            phase:string|null, weights:number[][][], biases:number[][],
 *            trace:Trace|null}} NetworkState
 * @typedef {{input:number[], target:number[]}} Point
 * @typedef {{name:string|null, size:number, noise:number, seed:number,
 *            test_fraction:number, train:Point[], test:Point[]}} Dataset
 * @typedef {{layer:number, node:number, inputs:number, domain:number[], resolution:number,
 *            values:number[]|number[][], classes?:number[][]|null,
 *            confidence?:number[][]|null}} FunctionOut
 *   classes, confidence: with a softmax output on 2 inputs, each grid point's winning class
 *   and its probability
 * @typedef {{step:number, train_loss:number|null, test_loss:number|null,
 *            train_accuracy:number|null, test_accuracy:number|null,
 *            train_confusion?:number[][]|null, test_confusion?:number[][]|null}} Fit
 *   how well the network fits its data, as the server computes it (null: no such points; an
 *   accuracy is null unless every target is 0 or 1)
 * @typedef {{id:string, step:number, samples_trained:number, epoch:number,
 *            history:{step:number, loss:number}[], train_loss:number, test_loss:number|null,
 *            train_accuracy:number|null, test_accuracy:number|null, seconds:number,
 *            train_confusion?:number[][]|null, test_confusion?:number[][]|null,
 *            weights:number[][][], biases:number[][], function:FunctionOut|null,
 *            optimizer_state?:OptimizerState|null}} TrainOut
 */

export class ApiError extends Error {
  /**
   * @param {number} status @param {string} detail
   * @param {{field:string, message:string}[]} [errors] each refused field, in plain words
   */
  constructor(status, detail, errors = []) {
    super(detail);
    this.status = status;
    this.errors = errors;
  }
}

/** GET `path` as text (a file to download); an error is JSON, as every other answer's. */
async function text(path) {
  let response;
  try {
    response = await fetch(path);
  } catch (e) {
    throw new ApiError(0, `the server cannot be reached (${e.message})`);
  }
  if (!response.ok) {
    const data = await response.json().catch(() => ({ detail: response.statusText }));
    throw new ApiError(response.status, data.detail || response.statusText, data.errors ?? []);
  }
  return response.text();
}

async function call(method, path, body, headers = {}) {
  const init = { method, headers: { ...headers } };
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
  if (!response.ok) {
    throw new ApiError(response.status, data.detail || response.statusText, data.errors ?? []);
  }
  return data;
}

/**
 * Every answer that changes the network, in one shape: the network's fields it tells (some or
 * all), the current pass when it tells one (null: none), and what a training call adds.
 * @typedef {Partial<NetworkState> & {step:number, weights:number[][][],
 *            biases:number[][]}} NetworkPart
 * @typedef {{samples_trained:number, epoch:number, history:{step:number, loss:number}[],
 *            train_loss:number, test_loss:number|null, train_accuracy:number|null,
 *            test_accuracy:number|null, seconds:number, gradient_sizes?:number[],
 *            train_confusion?:number[][]|null, test_confusion?:number[][]|null}} TrainingPart
 * @typedef {{network: NetworkPart, trace?: Trace|null, training?: TrainingPart,
 *            func?: FunctionOut|null}} Update
 */

/** @param {NetworkState} out @returns {Update} */
export function fromNetwork(out) {
  const { trace, phase, ...network } = out;
  return { network, trace };
}

/** @param {Trace} trace @returns {Update} the weights in force, from the trace itself (and
 * after an update of momentum or Adam, the optimizer's state, from each parameter's) */
export function fromTrace(trace) {
  /** @type {NetworkPart & Record<string, any>} */
  const network = {
    step: trace.step, learning_rate: trace.learning_rate, l2: trace.l2,
    weights: trace.weights.map((m) => m.map((r) => r.map((w) => w.w))),
    biases: trace.nodes.slice(1).map((layer) => layer.map((n) => n.b ?? 0)),
  };
  if (trace.l1 !== undefined) network.l1 = trace.l1;
  if (trace.optimizer) {
    const { name, ...constants } = trace.optimizer;
    Object.assign(network, { optimizer: name, ...constants });
  }
  const state = stateOf(trace);
  if (state) network.optimizer_state = state;
  return { network, trace };
}

/**
 * The optimizer's state an update trace leaves (null for another trace, or plain descent).
 * @param {Trace} trace @returns {OptimizerState|null}
 */
export function stateOf(trace) {
  if (trace.phase !== "update" || trace.t == null) return null;
  const first = trace.weights[0]?.[0]?.[0]?.state;
  if (!first) return { t: trace.t, v: null, m: null, s: null };
  /** @param {"v"|"m"|"s"} name @returns {StateSlot} */
  const slot = (name) => ({
    weights: trace.weights.map((m) => m.map((r) => r.map((w) => w.state?.[name] ?? 0))),
    biases: trace.nodes.slice(1).map((layer) => layer.map((n) => n.state?.[name] ?? 0)),
  });
  return "v" in first ? { t: trace.t, v: slot("v"), m: null, s: null }
    : { t: trace.t, v: null, m: slot("m"), s: slot("s") };
}

/** @param {TrainOut} out @returns {Update} */
export function fromTraining(out) {
  const { step, weights, biases, function: func, id, optimizer_state, ...training } = out;
  return { network: { step, weights, biases, ...(optimizer_state ? { optimizer_state } : {}) },
           trace: null, training, func };
}

/** @param {string} id */
const net = (id) => `/api/networks/${encodeURIComponent(id)}`;

export const api = {
  /** @returns {Promise<Update>} */
  create: async (settings = {}) => fromNetwork(await call("POST", "/api/networks", settings)),
  /** @returns {Promise<Update>} */
  get: async (id) => fromNetwork(await call("GET", net(id))),
  /** @returns {Promise<Update>} */
  configure: async (id, changes) => fromNetwork(await call("PATCH", net(id), changes)),
  /** @returns {Promise<Update>} */
  forward: async (id, sample) => fromTrace(await call("POST", `${net(id)}/forward`, sample)),
  /** @returns {Promise<Update>} */
  backward: async (id) => fromTrace(await call("POST", `${net(id)}/backward`)),
  /** @returns {Promise<Update>} */
  update: async (id) => fromTrace(await call("POST", `${net(id)}/update`)),
  /** @returns {Promise<Update>} forward, backward and update in one call */
  step: async (id, sample) => fromTrace(await call("POST", `${net(id)}/step`, sample)),
  /** @returns {Promise<Update>} */
  reset: async (id) => fromNetwork(await call("POST", `${net(id)}/reset`)),
  /** @returns {Promise<Update>} the weight from node i of layer k to node j of k+1 */
  setWeight: async (id, k, i, j, value) =>
    fromNetwork(await call("PUT", `${net(id)}/weights/${k}/${i}/${j}`, { value })),
  /** @returns {Promise<Update>} the bias of node j of layer k+1 */
  setBias: async (id, k, j, value) =>
    fromNetwork(await call("PUT", `${net(id)}/biases/${k}/${j}`, { value })),
  /** @returns {Promise<Update>} */
  train: async (id, request) => fromTraining(await call("POST", `${net(id)}/train`, request)),
  /** @returns {Promise<object>} every dE/dw and dE/db beside its finite difference */
  gradcheck: (id) => call("GET", `${net(id)}/gradcheck`),
  /** @returns {Promise<object>} the same check on `sample`, changing nothing */
  gradcheckOn: (id, sample) => call("POST", `${net(id)}/gradcheck`, sample),
  /** @returns {Promise<Dataset|null>} */
  dataset: (id) => call("GET", `${net(id)}/dataset`),
  /** @returns {Promise<Dataset>} spec: {name, size, noise, seed, test_fraction} or {points} */
  setDataset: (id, spec) => call("PUT", `${net(id)}/dataset`, spec),
  /** @returns {Promise<import("../explain/own-data.js").CsvOut>} a CSV file read by the
   * server: its columns and first rows, and with the columns chosen, its points */
  readCsv: (body) => call("POST", "/api/datasets/csv", body),
  /** @returns {Promise<Dataset>} part: "train" or "test" */
  addPoint: (id, part, point) => call("POST", `${net(id)}/dataset/${part}`, point),
  /** @returns {Promise<Dataset>} */
  removePoint: (id, part, index) => call("DELETE", `${net(id)}/dataset/${part}/${index}`),
  /** @returns {Promise<FunctionOut>} */
  func: (id, { resolution, layer, node }) =>
    call("GET", `${net(id)}/function?resolution=${resolution}&layer=${layer}&node=${node}`),
  /** @returns {Promise<{inputs:number, domain:number[], resolution:number,
   *           values:any[][]}>} every hidden and output node's output over the plot domain */
  functions: (id, resolution) => call("GET", `${net(id)}/functions?resolution=${resolution}`),
  /** @returns {Promise<Fit>} E and accuracy over the training and the test points */
  fit: (id) => call("GET", `${net(id)}/fit`),
  /**
   * A runnable script of one step (NumPy or PyTorch): on `sample` with the current weights,
   * or on the current pass (sample null). @returns {Promise<string>}
   */
  python: (id, flavour, sample) => {
    const query = new URLSearchParams({ flavour });
    for (const v of sample?.input ?? []) query.append("input", String(v));
    for (const v of sample?.target ?? []) query.append("target", String(v));
    return text(`${net(id)}/export/python?${query}`);
  },
  /** @returns {Promise<any>} E over a grid of two parameters (POST .../landscape) */
  landscape: (id, request) => call("POST", `${net(id)}/landscape`, request),
  options: () => call("GET", "/api/options"),
  /** @returns {Promise<null>} */
  remove: (id) => call("DELETE", net(id)),
  /** @returns {Promise<{id:string, url:string, delete_token:string}>} keeps a lesson */
  createLesson: (lesson) => call("POST", "/api/lessons", lesson),
  /** @returns {Promise<Lesson>} a lesson by its id (or a built-in one by its name) */
  readLesson: (id) => call("GET", `/api/lessons/${encodeURIComponent(id)}`),
  /** Deletes the lesson `id` with the token its author was given. */
  deleteLesson: (id, token) => call("DELETE", `/api/lessons/${encodeURIComponent(id)}`,
                                    undefined, { "x-delete-token": token }),
};

/**
 * @typedef {{id:string, url:string, preset:boolean, title:string, text:string, state:object,
 *            hide:string[], predict:boolean, steps:string[]}} Lesson
 */
