import assert from "node:assert/strict";
import { test } from "node:test";

import { fromNetwork, fromTrace, fromTraining } from "../../static/js/server/api.js";
import { createStore, defaultSample, initialState, reduce } from "../../static/js/state/store.js";
import { traces } from "./helpers.js";

const { network, forward, backward, update } = traces.sigmoid;

function created() {
  const s0 = initialState({ batch_size: 32, l2: 0 });
  return reduce(s0, "created", { update: fromNetwork(network),
                                 initial: { weights: network.weights, biases: network.biases } });
}

test("api_turns_every_answer_into_one_shape", () => {
  for (const u of [fromNetwork(network), fromTrace(update)]) {
    assert.ok(Array.isArray(u.network.weights) && Array.isArray(u.network.biases));
    assert.equal(typeof u.network.step, "number");
  }
  const t = fromTrace(update);
  assert.equal(t.network.weights[0][0][0], update.weights[0][0][0].w);
  assert.equal(t.network.biases[0][0], update.nodes[1][0].b);
  const trained = fromTraining({ id: "x", step: 7, samples_trained: 70, epoch: 0.5, history: [],
                                 train_loss: 0.1, test_loss: null, seconds: 0.01,
                                 weights: network.weights, biases: network.biases, function: null });
  assert.equal(trained.network.step, 7);
  assert.equal(trained.training.samples_trained, 70);
  assert.equal(trained.trace, null);
});

test("store_created_starts_a_fresh_stepper_and_a_sample_that_fits", () => {
  const s = created();
  assert.deepEqual(s.sample, defaultSample(network.layers));
  assert.equal(s.stepper.phases.length, 2 * network.layers.length + 1);
  assert.equal(s.network.id, network.id);
});

test("store_fetched_merges_the_weights_and_records_the_pass", () => {
  let s = created();
  const plan = { type: "fetch", call: "forward", cursor: { record: 0, phase: 0 }, newRecord: true };
  s = reduce(s, "fetched", { plan, update: fromTrace(forward) });
  s = reduce(s, "fetched", { plan: { type: "fetch", call: "backward", cursor: { record: 0, phase: 5 },
                                     newRecord: false }, update: fromTrace(backward) });
  s = reduce(s, "fetched", { plan: { type: "fetch", call: "update", cursor: { record: 0, phase: 8 },
                                     newRecord: false }, update: fromTrace(update) });
  assert.equal(s.network.step, 1);
  assert.equal(s.network.weights[2][0][0], update.weights[2][0][0].w);
  assert.equal(s.network.activation, "sigmoid");  // fields a trace does not tell are kept
  assert.equal(s.stepper.records[0].trace.phase, "update");
});

test("store_recomputed_replaces_only_a_pass_of_the_same_phase", () => {
  let s = created();
  const plan = { type: "fetch", call: "forward", cursor: { record: 0, phase: 0 }, newRecord: true };
  s = reduce(s, "fetched", { plan, update: fromTrace(forward) });
  const again = reduce(s, "recomputed", fromTrace(backward));
  assert.equal(again.stepper.records[0].trace.phase, "forward");
  const same = reduce(s, "recomputed", fromTrace({ ...forward, error: 42 }));
  assert.equal(same.stepper.records[0].trace.error, 42);
});

test("store_trained_keeps_the_samples_count_and_ignores_an_overtaken_answer", () => {
  let s = created();
  const answer = (step, samples) => fromTraining({ id: "x", step, samples_trained: samples,
    epoch: samples / 100, history: [], train_loss: 0.2, test_loss: 0.3, seconds: 0.01,
    weights: network.weights, biases: network.biases, function: null });
  s = reduce(s, "trained", answer(20, 640));
  s = reduce(s, "trained", answer(10, 320));  // older, arrived late
  assert.equal(s.samplesTrained, 640);
  assert.equal(s.network.step, 20);
  assert.equal(s.losses.length, 1);
});

test("store_selecting_twice_clears_and_a_hidden_node_is_plotted", () => {
  let s = created();
  s = reduce(s, "selected", { type: "node", l: 1, j: 1 });
  assert.deepEqual(s.plotted, { layer: 1, node: 1 });
  s = reduce(s, "selected", { type: "node", l: 1, j: 1 });
  assert.equal(s.selection, null);
  assert.equal(s.plotted, null);
});

test("store_notifies_listeners_with_the_action", () => {
  const store = createStore(created());
  const seen = [];
  store.subscribe((state, action) => seen.push([action, state.status]));
  store.apply("status", "hello");
  assert.deepEqual(seen, [["status", "hello"]]);
  assert.throws(() => store.apply("no-such-action"), /unknown action/);
});

test("store_a_note_is_a_status_that_is_not_an_error_and_an_error_replaces_it", () => {
  const store = createStore(created());
  store.apply("note", "the network was rebuilt");
  assert.deepEqual([store.state.status, store.state.statusKind], ["the network was rebuilt", "note"]);
  store.apply("status", "the learning rate must be above 0");
  assert.deepEqual([store.state.status, store.state.statusKind],
                   ["the learning rate must be above 0", "error"]);
});

test("other data clears the loss curve; the same data again (a recovery) keeps it", () => {
  const data = (seed, n) => ({ name: "sine", size: n, noise: 0.1, seed, test_fraction: 0.2,
                               train: Array(n - n / 5).fill({ input: [0], target: [0] }),
                               test: Array(n / 5).fill({ input: [0], target: [0] }) });
  let s = reduce(initialState(), "dataset", data(0, 200));
  s = { ...s, losses: [{ step: 1, train: 0.1, test: 0.2 }] };
  assert.equal(reduce(s, "dataset", data(0, 200)).losses.length, 1);
  assert.deepEqual(reduce(s, "dataset", data(1, 200)).losses, []);
  assert.deepEqual(reduce(s, "dataset", data(0, 100)).losses, []);
  assert.deepEqual(reduce(s, "dataset", null).losses, []);
});

test("store_an_edit_after_an_update_shows_the_new_forward_pass", () => {
  let s = created();
  const plan = { type: "fetch", call: "update", cursor: { record: 0, phase: s.stepper.phases.length - 1 },
                 newRecord: true };
  s = reduce(s, "fetched", { plan, update: fromTrace(update) });
  // The server answers an edit after the update with a new forward pass on the same sample.
  const edited = reduce(s, "edited", fromTrace({ ...forward, step: update.step, error: 42 }));
  assert.equal(edited.stepper.records.length, 2);
  const live = edited.stepper.records[1].trace;
  assert.equal(live.phase, "forward");
  assert.equal(live.error, 42);
  assert.deepEqual(edited.stepper.cursor, { record: 1, phase: s.stepper.phases.findIndex((p) => p.kind === "error") });
  // Before the update, an edit recomputes the pending pass in place, as before.
  let t = created();
  t = reduce(t, "fetched", { plan: { type: "fetch", call: "forward", cursor: { record: 0, phase: 0 }, newRecord: true },
                             update: fromTrace(forward) });
  const again = reduce(t, "edited", fromTrace({ ...forward, error: 7 }));
  assert.equal(again.stepper.records.length, 1);
  assert.equal(again.stepper.records[0].trace.error, 7);
});

test("store_an_answered_question_selects_what_it_asked_about_and_the_update_clears_it", () => {
  let s = reduce(created(), "selected", { type: "node", l: 2, j: 1 });
  const asked = (about) => reduce(reduce(s, "quiz", { question: { kind: "value", about }, from: null }),
                                  "quiz-answered", { answer: "1", verdict: { right: true } });
  assert.deepEqual(asked({ type: "node", l: 1, j: 0, what: "x" }).selection, { type: "node", l: 1, j: 0 });
  assert.deepEqual(asked({ type: "link", k: 0, i: 0, j: 1 }).selection, { type: "link", k: 0, i: 0, j: 1 });
  // a question on the update: the panel shows E before and after (no selection)
  assert.equal(asked({ type: "update" }).selection, null);
  // a word for a number: said, neither graded nor counted
  s = reduce(reduce(s, "quiz", { question: { kind: "value", about: { type: "node", l: 1, j: 0 } }, from: null }),
             "quiz-refused", "not a number");
  assert.equal(s.predict.quiz.refused, "not a number");
  assert.equal(s.predict.score.asked, 0);
});
