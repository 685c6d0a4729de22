import assert from "node:assert/strict";
import { test } from "node:test";

import { initNote, layerSpread } from "../../static/js/explain/initialization.js";
import { options } from "./helpers.js";

const choices = options.initializations;

test("init_note_gives_each_layers_fan_in_fan_out_and_bound", () => {
  const note = initNote("glorot_uniform", [1, 2, 2, 1], choices);
  assert.match(note[0], /^Glorot \(Xavier\) uniform: w ~ U\(−r, r\), r = √\(6 \/ \(n_in \+ n_out\)\)/);
  assert.equal(note[1], "w⁽1⁾: n_in = 1, n_out = 2, r = √(6 / (1 + 2)) = 1.4142; " +
    "w⁽2⁾: n_in = 2, n_out = 2, r = √(6 / (2 + 2)) = 1.2247; " +
    "w⁽3⁾: n_in = 2, n_out = 1, r = √(6 / (2 + 1)) = 1.4142.");
  assert.equal(layerSpread("he_normal", 8, 3), "σ = √(2 / 8) = 0.5000");
  assert.match(initNote("he_normal", [2, 8, 1], choices)[1], /^w⁽1⁾: n_in = 2, n_out = 8, σ = √\(2 \/ 2\) = 1\.0000;/);
});

test("init_note_says_why_zeros_never_break_the_symmetry", () => {
  const zeros = initNote("zeros", [2, 4, 4, 1], choices);
  assert.match(zeros[0], /^Zeros/);
  assert.ok(zeros.some((l) => /same ∂E\/∂x/.test(l) && /stay equal forever/.test(l)));
  // no hidden layer of two nodes or more: nothing to stay equal
  assert.ok(!initNote("zeros", [2, 1, 1], choices).some((l) => /stay equal/.test(l)));
  assert.ok(!initNote("glorot_uniform", [2, 4, 1], choices).some((l) => /stay equal/.test(l)));
  assert.deepEqual(initNote("nonsense", [1, 1], choices), []);
  assert.ok(initNote("small_uniform", [1, 4, 4, 4, 1], choices).some((l) => /vanish/.test(l)));
});
