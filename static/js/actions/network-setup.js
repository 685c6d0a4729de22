/**
 * Which network the page shows, and with what: starting from a link or afresh, rebuilding
 * in another shape (keeping the settings and the data), choosing a dataset, importing an
 * exported file. (The address bar is a view of the store: views/address-bar.js.)
 */
import { api, ApiError } from "../server/api.js";
import { datasetSpec, decodeHash, encodeHash, landscapeFits, ruleOf } from "../state/link.js";
import { importNote, networkFor, ownDataOf } from "../explain/own-data.js";
import { carry, describeChange, reshape } from "./reshape.js";
import { carryInputs, inputRows, keptFeatures, rawInputs } from "../explain/features.js";
import { parseLayers, plainWords } from "./validate.js";

/**
 * @param {{store: import("./resilient-call.js").Store,
 *          training: ReturnType<typeof import("./training.js").createTraining>,
 *          options: any, table: import("../state/link.js").Prop[],
 *          beforeNew?: () => Promise<void>}} ctx
 *   beforeNew: what must end before a new network replaces the first (a comparison)
 */
export function createSetup({ store, training, options, table, beforeNew = async () => {} }) {
  const inputsOf = (name) => options.datasets.find((d) => d.name === name)?.inputs;
  /** Targets per point: 1, or the classes of a dataset with one-hot targets. */
  const outputsOf = (name) => options.datasets.find((d) => d.name === name)?.outputs ?? 1;
  /** The first built-in dataset of this many inputs and outputs. */
  const datasetFor = (inputs, outputs) => options.datasets.find(
    (d) => d.inputs === inputs && (d.outputs ?? 1) === outputs);
  const catalogue = options.features ?? [];
  const formulaOf = (name) => catalogue.find((f) => f.name === name)?.formula ?? name;
  /** What a network is made with besides its shape and weights: its settings. */
  const settingsOf = (n) => ({ activation: n.activation, output_activation: n.output_activation,
                               loss: n.loss, learning_rate: n.learning_rate, l2: n.l2,
                               ...ruleOf(n), init: store.state.init,
                               ...(n.features?.length ? { features: n.features } : {}) });

  /**
   * The hidden layers a network keeps for data of `inputs` raw inputs: data wider than the
   * cards (the digits' 64 pixels) get the source article's one hidden layer of 32 (as
   * 64-32-10) when the network had only narrow ones; narrower data, hidden layers of at most
   * the cards' 8 nodes. @param {number[]} hidden @param {number} inputs
   */
  function hiddenFor(hidden, inputs) {
    const cards = options.limits.max_nodes;
    if (inputs > cards) {
      return hidden.some((n) => n > cards) ? hidden : [Math.min(32, options.limits.max_hidden ?? 32)];
    }
    return hidden.map((n) => Math.min(n, cards));
  }

  let pausedForNew = false;  // Play was paused for the network just restored: not said since
  /** `text`, and that Play was paused for the new network, if it was (a later message must
   * not hide it). @param {string} text */
  function withPause(text) {
    const said = pausedForNew ? `${text} Play paused: press Play to train the new network.` : text;
    pausedForNew = false;
    return said;
  }

  /**
   * A network (new or restored) drawn, with its dataset loaded. A network the server refuses
   * gives way to a fresh default one, and the status line says why.
   * @param {import("../state/link.js").LinkState} link @param {string[]} [notes]
   * @param {string} [source] what `link` came from, in the learner's words ("link", "file")
   */
  async function restore(link, notes = [], source = "link") {
    await beforeNew();
    pausedForNew = await training.pauseSaying("Play paused for the new network: press Play to " +
                                              "train it.");
    // λ was a training setting in older links; it is the network's own now.
    let wanted = { ...(link.training?.l2 !== undefined ? { l2: link.training.l2 } : {}),
                   ...(link.network ?? {}) };
    let update;
    try {
      update = await api.create(wanted);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status < 400 || e.status >= 500) throw e;
      // a file refused changes nothing: the network shown stays (a link opens a fresh one)
      if (source === "file") {
        throw new Error(`The file's network could not be used: ${plainWords(e.message)}; ` +
                        "the network shown was kept.");
      }
      notes.push(`its network could not be used (a new default one was made): ` +
                 plainWords(e.message));
      wanted = {};
      update = await api.create({});
    }
    const n = update.network;
    const fits = (p) => p?.input?.length === rawInputs(n)
      && p?.target?.length === n.layers[n.layers.length - 1];
    store.apply("created", {
      update, samplesTrained: wanted.samples_trained ?? 0, init: wanted.init,
      sample: fits(link.sample) ? link.sample : undefined,
      initial: { weights: wanted.weights ?? n.weights, biases: wanted.biases ?? n.biases },
    });
    // How the page was looked at: the landscape's parameters (if this network has them), the
    // step-through mode and the animation's speed.
    const view = link.view ?? {};
    if (view.step_on) store.apply("step-on", view.step_on);
    if (view.speed) store.apply("speed", view.speed);
    store.apply("plot-view", { showTest: view.show_test ?? true,
                               discretize: view.discretize ?? false });
    if (view.landscape && landscapeFits(view.landscape, n.layers)) {
      store.apply("landscape", view.landscape);
    }
    const trainingLink = link.training ?? options.training_defaults;
    store.apply("training", {
      batch_size: trainingLink.batch_size,
      steps_per_frame: trainingLink.steps_per_frame === undefined
        ? options.training_defaults.steps_per_frame : trainingLink.steps_per_frame });
    const spec = link.dataset === undefined
      ? defaultDataset(rawInputs(n), n.layers[n.layers.length - 1]) : link.dataset;
    if (spec?.left_out) {
      notes.push(`its ${spec.left_out} own points were too many for a link and were left ` +
                 "out: import them from their CSV file (Your own data)");
    }
    if (spec && (spec.points || spec.name)) {
      await training.loadDataset(spec).catch((e) => {
        notes.push(`its dataset could not be used: ${plainWords(e.message)}`);
        return training.refreshFunction();
      });
      // Own points: the dataset controls show what the link's page showed.
      if (spec.points && store.state.dataset && spec.noise !== undefined) {
        store.apply("dataset-spec", { name: options.dataset_defaults.name, size: spec.size,
                                      noise: spec.noise, seed: spec.seed,
                                      test_fraction: spec.test_fraction });
      }
    } else {
      await training.refreshFunction();
    }
    // An image has no made-up sample: without one that fits, the first training image is it.
    const first = store.state.dataset?.train?.[0];
    if (!fits(link.sample) && rawInputs(n) > options.limits.max_nodes && fits(first)) {
      store.apply("sample", { sample: first, index: 0 });
    }
    // what the page knows of own points imported from a file: their columns and classes
    store.apply("own-data", store.state.dataset && !store.state.dataset.name
      ? spec?.about ?? null : null);
    if (notes.length) {
      store.apply("status", `Something in the ${source} was wrong, so ${notes.length > 1
        ? "parts of it were" : "part of it was"} left out: ${notes.join("; ")}.`);
    }
  }

  /** The default dataset, or the first built-in one that fits `raw` inputs and `outputs`
   * (null if none). @param {number} raw @param {number} outputs */
  function defaultDataset(raw, outputs) {
    const d = options.dataset_defaults;
    if (inputsOf(d.name) === raw && outputsOf(d.name) === outputs) return d;
    const other = datasetFor(raw, outputs);
    return other ? { ...d, name: other.name } : null;
  }

  /** The dataset to keep for a network of `layers` with `raw` raw inputs, and what the
   * learner should be told. @param {number[]} layers @param {number} [raw] */
  function keptDataset(layers, raw = layers[0]) {
    const s = store.state;
    const data = s.dataset;
    const outputs = layers[layers.length - 1];
    if (!data) return { spec: null, note: "" };
    if (!data.name) {
      const spec = /** @type {{points: {input:number[], target:number[]}[]}} */ (datasetSpec(s));
      const fits = spec.points.every((p) => p.input.length === raw
                                            && p.target.length === outputs);
      return fits ? { spec, note: "" }
        : { spec: null, note: "Your own points do not fit the new shape, so there is no data now." };
    }
    if (inputsOf(data.name) === raw && outputsOf(data.name) === outputs) {
      return { spec: s.datasetSpec, note: "" };
    }
    const other = datasetFor(raw, outputs);
    if (other) {
      return { spec: { ...s.datasetSpec, name: other.name },
               note: `The ${data.name} dataset has ${inputsOf(data.name)} input(s), so ${other.name} ` +
                     `(${other.inputs} input(s)) replaced it.` };
    }
    return { spec: null, note: `No built-in dataset fits ${layers.join("-")} (they have 1 or 2 ` +
             "inputs and 1 output, or 2 inputs and 3 classes), so there is no data now: add " +
             "points in the form." };
  }

  /** A new network of another shape, keeping the settings, the training settings and data. */
  async function rebuild(text) {
    const parsed = parseLayers(text, options.limits);
    if (parsed.ok === false) throw new Error(parsed.message);
    const layers = parsed.value;
    const n = store.state.network;
    // The input layer counts the raw inputs, then the features: a typed input layer keeps
    // the raw inputs and as many of the features as it has room for (the first ones); one
    // smaller than the raw inputs has no features.
    const features = n.features ?? [];
    const before = rawInputs(n);
    const room = layers[0] - before;
    const kept = room > 0 ? features.slice(0, room) : [];
    const raw = layers[0] - kept.length;
    const { features: _, ...keep } = settingsOf(n);
    const { spec, note } = keptDataset(layers, raw);
    await restore({ network: { ...keep, ...(kept.length ? { features: kept } : {}), layers },
                    training: store.state.training, dataset: spec });
    const gone = features.slice(kept.length);
    const off = gone.length ? `${gone.map(formulaOf).join(", ")} ${gone.length === 1 ? "was"
      : "were"} switched off: the input layer's ${layers[0]} node${layers[0] === 1 ? "" : "s"} ` +
      `count${layers[0] === 1 ? "s" : ""} ${raw} raw input${raw === 1 ? "" : "s"}` +
      (kept.length ? ` and ${kept.map(formulaOf).join(", ")}` : "") + "." : "";
    const said = [off, note].filter(Boolean).join(" ");
    // what the status line said before (another shape's rebuild) must not stay up
    store.apply("note", withPause(said || `Rebuilt as ${layers.join("-")} with new weights; ` +
                                           "the settings and the data were kept."));
  }

  /**
   * The shape changed by a button: the weights and biases that still have a place keep their
   * values (the current ones), the new ones drawn as a fresh network of the new shape would
   * draw them (the same seed); the settings, the training settings and the data stay.
   * @param {import("./reshape.js").ShapeChange} change
   */
  async function reshapeBy(change) {
    const n = store.state.network;
    const done = reshape(n.layers, change, options.limits);
    if (done.ok === false) throw new Error(done.message);
    const { layers, from } = done.value;
    const keep = { ...settingsOf(n), seed: n.seed };
    // the fresh weights of the new shape, from a network made for them, then freed
    const fresh = (await api.create({ ...keep, layers })).network;
    await api.remove(fresh.id).catch(() => {});
    const merged = carry({ weights: n.weights, biases: n.biases }, fresh, from);
    await restore({ network: { ...keep, layers, weights: merged.weights, biases: merged.biases },
                    training: store.state.training, dataset: datasetSpec(store.state) });
    store.apply("note", withPause(`${describeChange(change, layers)} (drawn as a new network ` +
      `of seed ${n.seed} would draw them); ${merged.kept} weights and biases kept their ` +
      `values, ${merged.added} ${merged.added === 1 ? "is" : "are"} new. The network is ` +
      `${layers.join("-")} now, at step 0.`));
  }

  /**
   * New first weights drawn as `init` says, from the same seed, for the same shape; the
   * settings, the training settings and the data stay. @param {string} init
   */
  async function reinit(init) {
    const n = store.state.network;
    const title = options.initializations.find((i) => i.name === init)?.title ?? init;
    await restore({ network: { ...settingsOf(n), seed: n.seed, layers: n.layers, init },
                    training: store.state.training, dataset: datasetSpec(store.state) });
    store.apply("note", withPause(`New first weights, drawn ${init === "zeros" ? "as zeros"
      : `by ${title} from seed ${n.seed}`}; the network is at step 0, its settings and data kept.`));
  }

  /** A dataset from the controls; a dataset of two inputs needs a network of two, one of
   * three classes three outputs, with softmax and categorical cross entropy (and a dataset
   * of one target, back from classes, a sigmoid output with the squared loss). */
  async function chooseDataset(spec) {
    const wanted = inputsOf(spec.name);
    const outputs = outputsOf(spec.name);
    const layers = store.state.network.layers;
    const n = store.state.network;
    const softmax = n.output_activation === "softmax";
    const classes = outputs > 1;
    if (rawInputs(n) !== wanted || layers[layers.length - 1] !== outputs || softmax !== classes) {
      // the input features that can still be computed from the new data's inputs stay
      const { kept, dropped } = keptFeatures(catalogue, n.features ?? [], wanted);
      const shape = [wanted + kept.length, ...hiddenFor(layers.slice(1, -1), wanted), outputs];
      const output = classes ? { output_activation: "softmax", loss: "categorical_cross_entropy" }
        : softmax ? { output_activation: "sigmoid", loss: "squared" }
          : { output_activation: n.output_activation, loss: n.loss };
      const { features: _, ...keep } = settingsOf(n);
      await restore({ network: { ...keep, ...output, layers: shape,
                                 ...(kept.length ? { features: kept } : {}) },
                      training: store.state.training, dataset: spec });

      store.apply("note", withPause(`The ${spec.name} dataset has ${wanted} ` +
        `input${wanted === 1 ? "" : "s"}` + (classes ? ` and ${outputs} classes (one-hot ` +
        "targets)" : "") + `: the network was rebuilt as ${shape.join("-")}` +
        (output.output_activation !== n.output_activation
          ? `, with a ${output.output_activation} output and the ` +
            `${output.loss.replace(/_/g, " ")} loss` : "") + "." +
        (dropped.length ? ` ${dropped.map(formulaOf).join(", ")} need${dropped.length === 1
          ? "s" : ""} a second input, so ${dropped.length === 1 ? "it was" : "they were"} ` +
          "switched off." : "")));
      return;
    }
    await training.loadDataset(spec);
  }

  /**
   * The input features switched to `names`: the weights out of the raw inputs and of the
   * features kept keep their values, a new feature's are drawn as a fresh network of the new
   * shape would draw them (the same seed); the settings, the training settings and the data
   * stay. @param {string[]} names
   */
  async function setFeatures(names) {
    const n = store.state.network;
    const raw = rawInputs(n);
    const { kept: features, dropped } = keptFeatures(catalogue, names, raw);
    if (dropped.length) {
      throw new Error(`${dropped.map(formulaOf).join(", ")} need${dropped.length === 1 ? "s" : ""}` +
                      ` a second input, and the data have ${raw}.`);
    }
    const layers = [raw + features.length, ...n.layers.slice(1)];
    if (layers[0] > options.limits.max_nodes) {
      throw new Error(`A layer has at most ${options.limits.max_nodes} nodes: ${raw} raw ` +
                      `input${raw === 1 ? "" : "s"} and ${features.length} features are too many.`);
    }
    const { features: _, ...settings } = settingsOf(n);
    const keep = { ...settings, seed: n.seed, ...(features.length ? { features } : {}) };
    const fresh = (await api.create({ ...keep, layers })).network;
    await api.remove(fresh.id).catch(() => {});
    const merged = carryInputs({ weights: n.weights, biases: n.biases }, fresh,
                               inputRows(n, raw, features));
    const before = new Set(n.features ?? []);
    const on = features.filter((f) => !before.has(f));
    const off = [...before].filter((f) => !features.includes(f));
    await restore({ network: { ...keep, layers, weights: merged.weights, biases: merged.biases },
                  training: store.state.training, dataset: datasetSpec(store.state) });
    const what = [on.length ? `Added ${on.map(formulaOf).join(", ")} as input node` +
                    `${on.length === 1 ? "" : "s"}, computed from the raw inputs: the weights ` +
                    `out of ${on.length === 1 ? "it" : "them"} are new (drawn as a new network ` +
                    `of seed ${n.seed} would draw them)` : "",
                  off.length ? `Removed ${off.map(formulaOf).join(", ")}, with the weights ` +
                    `out of ${off.length === 1 ? "it" : "them"}` : ""].filter(Boolean);
    store.apply("note", withPause(`${what.join("; ")}. ${merged.kept} weights and biases ` +
      `kept their values, ${merged.added} ${merged.added === 1 ? "is" : "are"} new. The ` +
      `network is ${layers.join("-")} now ` +
      `(${raw} raw input${raw === 1 ? "" : "s"}${features.length ? ` and ${features.length} ` +
      `feature${features.length === 1 ? "" : "s"}` : ""}), at step 0.`));
  }

  /** The state of a link (or of an imported file), or a fresh start that says what was wrong.
   * @param {string} hash @param {string} [source] "link" or "file" */
  async function fromLink(hash, source = "link") {
    const { state, problems } = decodeHash(table, hash);
    await restore(state ?? {}, problems.slice(), source);
    // What a link does not keep, said when it matters: the curve of a network trained.
    if (!problems.length && state?.network?.samples_trained > 0 && !store.state.status) {
      store.apply("note", "The link restored this network as it was trained, its settings " +
        "and its data; the loss curve and the steps stepped through are not kept in a " +
        "link: the curve starts again from here.");
    }
  }

  /**
   * The learner's own data, read by the server from a CSV file: the network rebuilt when the
   * data need another shape or output (its hidden layers and settings kept), the points put
   * as its dataset, and the learner told what happened.
   * @param {import("../explain/own-data.js").CsvDataset} data
   */
  async function useOwnData(data) {
    const n = store.state.network;
    // the input features that can be computed from the file's inputs stay
    const { kept } = keptFeatures(catalogue, n.features ?? [], data.points[0].input.length);
    const plan = networkFor(data, n, kept);
    const spec = { points: data.points, test_fraction: data.test_fraction ?? 0,
                   about: ownDataOf(data) };
    if (plan.rebuild) {
      const { features: _, ...keep } = settingsOf(n);
      await restore({ network: { ...keep, output_activation: plan.output_activation,
                                 loss: plan.loss, layers: plan.layers,
                                 ...(kept.length ? { features: kept } : {}) },
                      training: store.state.training, dataset: spec });
    } else {
      await training.loadDataset(spec);
      store.apply("own-data", spec.about);
    }
    const d = store.state.dataset;
    if (!d || d.name) return;  // refused: restore said why
    store.apply("note", withPause(importNote(data, plan, n, { train: d.train.length,
                                                             test: d.test.length })));
  }

  return {
    restore, rebuild, reshapeBy, reinit, chooseDataset, fromLink, setFeatures, useOwnData,
    /** @param {string} text an exported network (JSON) */
    async importText(text) {
      let state;
      try {
        state = JSON.parse(text);
      } catch {
        throw new Error("The file is not an exported network (it is not JSON).");
      }
      if (!state || typeof state !== "object" || Array.isArray(state)
          || typeof state.network !== "object" || state.network === null) {
        throw new Error("The file is not an exported network (it has no \"network\" part); " +
                        "the network shown was kept.");
      }
      store.apply("status", "");
      await fromLink(encodeHash(table, state), "file");
      // Say what the file brought, and what it lacked (then made anew).
      const n = store.state.network;
      const data = store.state.dataset;
      const brought = `Imported a ${n.layers.join("-")} network ` +
        (Array.isArray(state.network.weights) ? "with the file's weights"
          : "with new weights (the file has none)") +
        (state.dataset === undefined ? `; the file has no data, so ${data ? "the usual " +
          "dataset for this shape was chosen" : "there is none"}` : "") + ".";
      const problems = store.state.statusKind === "error" ? store.state.status : "";  // what could not be used, if anything
      if (problems) store.apply("status", withPause(`${problems} ${brought}`));
      else store.apply("note", withPause(brought));
    },
  };
}
