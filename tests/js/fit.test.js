import assert from "node:assert/strict";
import { test } from "node:test";

import { confusionTable, fitLine } from "../../static/js/explain/training-notes.js";
import { initialState, reduce } from "../../static/js/state/store.js";

// The fit (E and accuracy over the data) is the server's (GET /fit, and every training
// answer): the page had computed it again from the weights, and for cross entropy it clipped
// y where the server computes from x, so the two could disagree.

const fit = { step: 3, train_loss: 0.1234567, test_loss: 0.2, train_accuracy: 0.875,
              test_accuracy: 0.5 };

test("fit_line_says_the_servers_numbers", () => {
  assert.equal(fitLine(fit),
               "Training loss 0.1235 · test loss 0.2000 · accuracy 87.5% (training), 50% (test)");
  assert.equal(fitLine({ ...fit, test_loss: null, test_accuracy: null }),
               "Training loss 0.1235 · accuracy 87.5% (training)");
  // targets not all 0 or 1: no accuracy
  assert.equal(fitLine({ ...fit, train_accuracy: null, test_accuracy: null }),
               "Training loss 0.1235 · test loss 0.2000 · no accuracy: the targets are not all " +
               "0 or 1");
  assert.equal(fitLine(null), "");
  assert.equal(fitLine({ ...fit, train_loss: null }), "");  // no training points
});

test("fit_comes_from_the_server_and_goes_with_its_data", () => {
  let s = initialState();
  assert.equal(s.fit, null);
  s = reduce(s, "fit", fit);
  assert.deepEqual(s.fit, fit);
  // a training answer carries its own fit
  const network = { id: "n", layers: [1, 2, 1], step: 9, weights: [], biases: [] };
  s = { ...s, network: /** @type {any} */ (network), samplesTrained: 0 };
  s = reduce(s, "trained", { network: { step: 9, weights: [], biases: [] }, training: {
    samples_trained: 10, epoch: 1, history: [], train_loss: 0.5, test_loss: null,
    train_accuracy: 0.25, test_accuracy: null, seconds: 0 } });
  assert.deepEqual(s.fit, { step: 9, train_loss: 0.5, test_loss: null, train_accuracy: 0.25,
                            test_accuracy: null, train_confusion: null, test_confusion: null });
  // other points: the old fit says nothing of them
  const points = (t) => ({ name: null, size: 1, noise: 0, seed: 0, test_fraction: 0,
                           train: [{ input: [t], target: [0] }], test: [] });
  s = reduce(s, "dataset", points(0.1));
  s = reduce(s, "fit", fit);
  assert.deepEqual(reduce(s, "dataset", points(0.1)).fit, fit);  // the same points: kept
  assert.equal(reduce(s, "dataset", points(0.2)).fit, null);
});

test("fit_of_classes_says_the_accuracy_is_the_argmax_and_tabulates_the_confusion", () => {
  const confusion = [[30, 2, 0], [1, 25, 6], [0, 0, 36]];
  assert.equal(fitLine({ ...fit, train_confusion: confusion }),
               "Training loss 0.1235 · test loss 0.2000 · accuracy 87.5% (training), 50% (test): " +
               "the share of points whose largest output is their class");
  const table = confusionTable(confusion);
  assert.deepEqual(table?.rows.map((r) => [r.right, r.total]), [[30, 32], [25, 32], [36, 36]]);
  assert.equal(table?.note, "91 of 100 training points classified right (the diagonal); the " +
               "most common mistake: 6 of class 2 taken for class 3.");
  assert.equal(confusionTable([[4, 0], [0, 5]])?.note,
               "All 9 training points classified right: everything is on the diagonal.");
  assert.equal(confusionTable(null), null);
  assert.match(confusionTable([[3, 1], [0, 2]], "test")?.note ?? "",
               /^5 of 6 test points classified right/);
  // a training answer carries its confusion into the fit
  let s = initialState();
  s = { ...s, network: /** @type {any} */ ({ id: "n", layers: [2, 3, 3], step: 1, weights: [],
                                            biases: [] }), samplesTrained: 0 };
  s = reduce(s, "trained", { network: { step: 1, weights: [], biases: [] }, training: {
    samples_trained: 10, epoch: 1, history: [], train_loss: 0.5, test_loss: null,
    train_accuracy: 0.91, test_accuracy: null, seconds: 0, train_confusion: confusion } });
  assert.deepEqual(s.fit?.train_confusion, confusion);
});
