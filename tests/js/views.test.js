import assert from "node:assert/strict";
import { test } from "node:test";

import { fmt } from "../../static/js/lib/format.js";
import { describeSizes, gradientChart, LONGEST_CAPTIONS } from "../../static/js/views/gradient-chart.js";
import { pictureOf } from "../../static/js/views/node-picture.js";

const BOX = { x: -40, y: -30, w: 80, h: 60 };
const LOW = [232, 113, 10];
const HIGH = [8, 119, 189];

test("pictureOf_one_input_is_a_curve_across_the_box_on_the_0_1_scale_for_probabilities", () => {
  const { curve } = /** @type {any} */ (pictureOf([0, 0.5, 1], BOX, LOW, HIGH));
  assert.equal(curve, "M-40.0,30.0L0.0,0.0L40.0,-30.0");
  // a small range of probabilities stays on the 0 … 1 scale, not stretched to fill the box
  assert.equal(/** @type {any} */ (pictureOf([0.4, 0.6], BOX, LOW, HIGH)).curve,
               "M-40.0,6.0L40.0,-6.0");
  // outside 0 … 1, from its own lowest to its highest value
  assert.equal(/** @type {any} */ (pictureOf([-2, 2], BOX, LOW, HIGH)).curve,
               "M-40.0,30.0L40.0,-30.0");
});

test("pictureOf_two_inputs_is_a_pixel_per_value_low_orange_high_blue_middle_white", () => {
  const { size, pixels } = /** @type {any} */ (pictureOf([[0, 0.5], [1, 0.25]], BOX, LOW, HIGH));
  assert.equal(size, 2);
  const rgba = (row, col) => [...pixels.slice((row * 2 + col) * 4, (row * 2 + col) * 4 + 4)];
  // row 0 of the values (the lowest x2) is the bottom row of pixels, column 0 the left
  assert.deepEqual(rgba(1, 0), [232, 113, 10, 255]);  // 0: low
  assert.deepEqual(rgba(1, 1), [255, 255, 255, 255]);  // 0.5: white
  assert.deepEqual(rgba(0, 0), [8, 119, 189, 255]);  // 1: high
  assert.deepEqual(rgba(0, 1), [244, 184, 133, 255]);  // 0.25: half way to low
});

test("gradientChart_spanning_hundreds_of_powers_keeps_a_few_ticks_the_bars_on_the_lowest", () => {
  const chart = gradientChart([1e-300, 0, 0.5], 360, 130);  // a gradient of 0 is drawn at 1e-300
  assert.ok(chart.ticks.length <= 6 && chart.ticks.length >= 3, String(chart.ticks.length));
  assert.equal(chart.ticks.at(-1).text, "10⁰");
  for (const bar of chart.bars) {
    assert.ok(Math.abs(bar.y + bar.height - chart.ticks[0].y) < 1e-9 || bar.height === 1);
  }
});

test("gradientChart_has_a_tick_per_power_of_ten_and_a_bar_per_layer", () => {
  const sizes = [1e-4, 2e-3, 0.05];
  const chart = gradientChart(sizes, 360, 130);
  assert.deepEqual(chart.ticks.map((t) => t.text), ["10⁻⁴", "10⁻³", "10⁻²", "10⁻¹"]);
  assert.equal(chart.bars.length, 3);
  assert.deepEqual(chart.bars.map((b) => b.label), ["w⁽¹⁾", "w⁽²⁾", "w⁽³⁾"]);
  // a larger gradient, a taller bar, standing on the lowest grid line (at least 1 unit high)
  const [a, b, c] = chart.bars;
  assert.ok(a.height < b.height && b.height < c.height);
  assert.equal(a.height, 1);
  for (const bar of [b, c]) assert.ok(Math.abs(bar.y + bar.height - chart.ticks[0].y) < 1e-9);
  assert.equal(chart.label, `Mean |∂E/∂w| per layer: layer 1: ${fmt(1e-4)}, layer 2: ` +
                            `${fmt(2e-3)}, layer 3: ${fmt(0.05)}`);
  assert.equal(chart.caption, describeSizes(sizes));
});

test("the_caption_room_is_the_longest_caption_for_any_sizes", () => {
  const longest = Math.max(...LONGEST_CAPTIONS.map((c) => c.length));
  for (const first of [0, 1e-300, 1e-9, 3e-4, 0.02, 1, 7, 1e5, 1e12, 1e300]) {
    for (const last of [0, 1e-300, 1e-8, 0.004, 0.5, 1, 42, 1e7, 1e300]) {
      const ratio = first / last;
      if (first > 0 && last > 0 && !(Number.isFinite(ratio) && Number.isFinite(1 / ratio))) continue;  // beyond float64
      assert.ok(describeSizes([first, last]).length <= longest, `${first}, ${last}`);
    }
  }
});

test("thousands_writes_what_toLocaleString_en_writes_for_whole_numbers", async () => {
  const { thousands } = await import("../../static/js/lib/format.js");
  for (const n of [0, 7, 999, 1000, 1234567, 10_000_000, 987654321012]) {
    assert.equal(thousands(n), n.toLocaleString("en"));
  }
  assert.equal(thousands(-1234), "−1,234");
});

test("gradientChart_draws_no_bar_for_a_layer_the_backward_walk_has_not_reached", () => {
  const chart = gradientChart([null, 0.02, 0.3], 360, 130);
  assert.equal(chart.bars.length, 3);
  assert.equal(chart.bars[0].height, 0);
  assert.ok(chart.bars[1].height > 1 && chart.bars[2].height > chart.bars[1].height);
  assert.match(chart.label, /layer 1: not reached yet/);
  assert.match(chart.caption, /reached w⁽²⁾ to w⁽³⁾ so far/);
  const none = gradientChart([null, null], 360, 130);
  assert.ok(none.ticks.length >= 2 && none.bars.every((b) => b.height === 0));
});
