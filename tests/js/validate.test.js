import assert from "node:assert/strict";
import { test } from "node:test";

import {
  checkDatasetSpec, checkLearningRate, checkLossAndOutput, checkPoint, checkSample, parseLayers,
  plainWords, sentence,
} from "../../static/js/actions/validate.js";
import { options } from "./helpers.js";

const { limits } = options;

test("parseLayers_reads_dashes_commas_and_spaces", () => {
  assert.deepEqual(parseLayers("2-4, 4 1", limits), { ok: true, value: [2, 4, 4, 1] });
});

test("parseLayers_refuses_in_plain_words", () => {
  const narrow = { ...limits, max_inputs: 8, max_hidden: 8 };
  assert.equal(parseLayers("1-9-1", narrow).message,
               "Hidden layer 1 can have at most 8 nodes; 1-9-1 gives it 9.");
  // the digits: an input layer of 64 pixels, hidden layers of up to 32, 10 classes
  const wide = { ...limits, max_inputs: 64, max_hidden: 32 };
  assert.deepEqual(parseLayers("64-32-16-10", wide).value, [64, 32, 16, 10]);
  assert.equal(parseLayers("65-32-10", wide).message,
               "The input layer can have at most 64 nodes; 65-32-10 gives it 65.");
  assert.equal(parseLayers("64-32-33-10", wide).message,
               "Hidden layer 2 can have at most 32 nodes; 64-32-33-10 gives it 33.");
  assert.equal(parseLayers("64-32-11", wide).message,
               "The output layer can have at most 10 nodes (one per class); 64-32-11 gives it 11.");
  assert.deepEqual(parseLayers("2-8-10", limits).value, [2, 8, 10]);  // ten classes
  assert.equal(parseLayers("2-8-11", limits).ok, false);
  assert.equal(parseLayers("9-2", narrow).ok, false);
  assert.match(parseLayers("1", limits).message, /2 to 8 layers/);
  assert.match(parseLayers("1-0-1", limits).message, /at least 1 node/);
  assert.match(parseLayers("a-b", limits).message, /whole numbers/);
  assert.match(parseLayers("1-2.5-1", limits).message, /whole numbers/);
});

test("checkLearningRate_refuses_zero_negative_and_too_large", () => {
  for (const v of [0, -1, 1000, NaN]) assert.equal(checkLearningRate(v, limits).ok, false);
  assert.equal(checkLearningRate(10, limits).ok, true);
});

test("checkSample_needs_numbers_in_range_and_probabilities_for_cross_entropy", () => {
  assert.equal(checkSample({ input: [NaN], target: [0] }, limits, "squared").ok, false);
  assert.equal(checkSample({ input: [2e6], target: [0] }, limits, "squared").ok, false);
  assert.equal(checkSample({ input: [0.5], target: [1.5] }, limits, "squared").ok, true);
  assert.match(checkSample({ input: [0.5], target: [1.5] }, limits, "cross_entropy").message,
               /between 0 and 1/);
});

test("checkDatasetSpec_turns_minus_zero_noise_into_zero", () => {
  const spec = { name: "sine", size: 10, noise: -0, seed: 0, test_fraction: 0 };
  assert.ok(Object.is(checkDatasetSpec(spec, limits).value.noise, 0));
  assert.equal(checkDatasetSpec({ ...spec, size: 0 }, limits).ok, false);
  // the learner's own points (no built-in name): nothing to draw, said in words
  assert.match(checkDatasetSpec({ ...spec, name: "" }, limits).message, /your own points/);
  assert.equal(checkDatasetSpec({ ...spec, noise: 2 }, limits).ok, false);
});

test("plainWords_rephrases_the_servers_limits", () => {
  assert.equal(plainWords("layers[1]: Input should be less than or equal to 8"),
               "a layer can have at most 8 nodes");
});

test("fmt_writes_powers_of_ten_out_and_parseShown_reads_them_back", async () => {
  const { fmt, parseShown, sci } = await import("../../static/js/lib/format.js");
  assert.equal(fmt(-0.00000492), "−4.92×10⁻⁶");
  assert.equal(fmt(1234567), "1.23×10⁶");
  assert.equal(fmt(-0.5), "−0.5000");
  assert.equal(sci(0.001234, 3), "1.234×10⁻³");
  for (const v of [-4.92e-6, 1.23e6, -0.5, 0.1234]) {
    assert.ok(Math.abs(parseShown(fmt(v)) - v) <= Math.abs(v) * 1e-9, fmt(v));
  }
});

test("a loss that cannot follow the output activation is said in plain words", () => {
  const said = plainWords("output_activation: the cross_entropy loss needs a sigmoid output "
                          + "activation, not linear");
  assert.match(said, /^Cross entropy reads the output as a probability/);
  assert.match(said, /not linear/);
  assert.match(said, /or keep the squared loss\.$/);
});

test("plain_words_for_a_sample_that_is_not_numbers_or_empty_and_a_sentence_always", () => {
  assert.equal(plainWords("input[0]: Input should be a valid number, unable to parse string as a number"),
               "The input's value 1 must be a number.");
  assert.equal(plainWords("target: List should have at least 1 item after validation, not 0"),
               "The target is empty: give it one number per output node.");
  assert.equal(sentence(plainWords("the update would overflow")), "The update would overflow");
});

test("checkLossAndOutput_needs_a_sigmoid_output_for_cross_entropy", () => {
  const network = { loss: "squared", output_activation: "tanh" };
  const losses = options.losses;  // which output each loss needs: the server's word
  assert.match(checkLossAndOutput({ loss: "cross_entropy" }, network, losses).message,
               /Cross entropy reads the output as a probability.*not tanh/);
  assert.ok(checkLossAndOutput({ loss: "cross_entropy", output_activation: "sigmoid" }, network, losses).ok);
  assert.match(checkLossAndOutput({ output_activation: "relu" },
                                  { loss: "cross_entropy", output_activation: "sigmoid" }, losses).message,
               /not relu/);
  assert.ok(checkLossAndOutput({ learning_rate: 0.1 }, network, losses).ok);
  // a loss the server says needs another output is refused the same way
  assert.match(checkLossAndOutput({ loss: "other" }, network,
                                  [{ name: "other", requires_output_activation: "softmax" }]).message,
               /needs a softmax output, not tanh/);
});

test("checkPoint_names_the_typed_point_and_the_network_it_does_not_fit", () => {
  const limits = options.limits;
  assert.equal(checkPoint({ input: [0.1, 0.2], target: [1] }, [1, 2, 1], limits, "squared").message,
               "The point has 2 inputs, but the network has 1 input node: type one number as " +
               "the point's input.");
  assert.match(checkPoint({ input: [0.1], target: [1] }, [2, 3, 1], limits, "squared").message,
               /^The point has 1 input, but the network has 2 input nodes: type 2 numbers separated by commas/);
  assert.match(checkPoint({ input: [0.1], target: [1] }, [1, 3, 2], limits, "squared").message,
               /has 1 target, but the network has 2 output nodes/);
  assert.match(checkPoint({ input: [NaN], target: [1] }, [1, 1], limits, "squared").message,
               /must be a number; the point was not added/);
  assert.match(checkPoint({ input: [0.5], target: [2] }, [1, 1], limits, "cross_entropy").message,
               /between 0 and 1/);
  assert.ok(checkPoint({ input: [0.5, -0.5], target: [1] }, [2, 4, 1], limits, "cross_entropy").ok);
});

test("checkLesson_refuses_what_the_server_would_in_plain_words", async () => {
  const { checkLesson, plainWords } = await import("../../static/js/actions/validate.js");
  const limits = { max_lesson_title: 120, max_lesson_text: 4000, max_lesson_steps: 12,
                   max_lesson_step: 300 };
  const form = (f) => ({ title: "Chain rule", text: "", steps: [], ...f });
  assert.equal(checkLesson(form({}), limits).ok, true);
  assert.match(checkLesson(form({ title: "  " }), limits).message, /title/);
  assert.match(checkLesson(form({ title: "t".repeat(121) }), limits).message, /at most 120 characters; it has 121/);
  assert.match(checkLesson(form({ text: "t".repeat(4001) }), limits).message, /text can have at most 4000/);
  assert.match(checkLesson(form({ steps: Array(13).fill("a") }), limits).message, /at most 12 steps .* has 13/);
  assert.match(checkLesson(form({ steps: ["a", "b".repeat(301)] }), limits).message, /Step 2 has 301 characters/);
  assert.equal(plainWords("steps: List should have at most 12 items after validation, not 13"),
               "steps can have at most 12 (not 13)");
  assert.equal(plainWords("title: String should have at most 120 characters; steps[0]: String " +
                          "should have at most 300 characters"),
               "title can have at most 120 characters; step 1 can have at most 300 characters");
});

test("parseShown_reads_a_decimal_comma_and_gives_NaN_for_nothing", async () => {
  const { parseShown } = await import("../../static/js/lib/format.js");
  assert.equal(parseShown("0,5"), 0.5);
  assert.equal(parseShown("−1,5"), -1.5);
  assert.equal(parseShown(" 3 "), 3);
  assert.ok(Number.isNaN(parseShown("")));
  assert.ok(Number.isNaN(parseShown("abc")));
  assert.ok(Number.isNaN(parseShown("1,000.5")));  // a thousands comma: not guessed
  assert.ok(Number.isNaN(parseShown("1,2,3")));
});

test("validate_cross_entropy_with_a_target_outside_0_1_is_refused_before_sending", () => {
  const network = { loss: "squared", output_activation: "sigmoid" };
  const refused = checkLossAndOutput({ loss: "cross_entropy" }, network, options.losses,
                                     [["the sample", 0.2], ["point 3", 5]]);
  assert.equal(refused.ok, false);
  assert.match(refused.message, /between 0 and 1: point 3 has 5, so the loss stays squared/);
  assert.equal(checkLossAndOutput({ loss: "cross_entropy" }, network, options.losses,
                                  [["point 0", 1], ["point 1", 0]]).ok, true);
  // another change (the learning rate) is not held up by the data's targets
  assert.equal(checkLossAndOutput({ learning_rate: 0.1 }, { ...network, loss: "cross_entropy" },
                                  options.losses, [["point 0", 5]]).ok, true);
});
