import assert from "node:assert/strict";
import { test } from "node:test";

import { changeCheck, differs } from "../../static/js/lib/memo.js";

test("differs_compares_each_field_by_identity", () => {
  const values = [1, 2];
  assert.equal(differs(null, { a: 1 }), true);
  assert.equal(differs({ a: 1, v: values }, { a: 1, v: values }), false);
  assert.equal(differs({ a: 1, v: values }, { a: 1, v: [1, 2] }), true);  // a new array
  assert.equal(differs({ a: 1 }, { a: 2 }), true);
  assert.equal(differs({ a: 1 }, { a: 1, b: undefined }), true);  // another set of fields
  assert.equal(differs({ a: NaN }, { a: NaN }), false);
});

test("changeCheck_is_true_only_when_the_inputs_changed_since_the_last_drawing", () => {
  const changed = changeCheck();
  const points = [{ step: 1 }];
  assert.equal(changed({ points, w: 300 }), true);  // never drawn
  assert.equal(changed({ points, w: 300 }), false);
  assert.equal(changed({ points, w: 320 }), true);  // a new size
  assert.equal(changed({ points: [...points], w: 320 }), true);  // new points
  changed.forget();
  assert.equal(changed({ points, w: 320 }), true);
});
