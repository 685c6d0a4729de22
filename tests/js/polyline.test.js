import assert from "node:assert/strict";
import { test } from "node:test";

import { simplify } from "../../static/js/lib/polyline.js";

/** Distance from (px, py) to the segment a–b. */
function toSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = dx || dy ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy))) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

test("simplify_keeps_the_ends_and_drops_points_on_a_straight_line", () => {
  assert.deepEqual(simplify([], [], 0.1), []);
  assert.deepEqual(simplify([3], [4], 0.1), [0]);
  assert.deepEqual(simplify([0, 1, 2, 3, 4], [0, 1, 2, 3, 4], 0.1), [0, 4]);
  assert.deepEqual(simplify([0, 1, 2, 3, 4], [0, 0, 5, 0, 0], 0.1), [0, 1, 2, 3, 4]);  // a peak
  assert.deepEqual(simplify([0, 0, 0], [0, 0, 0], 0.1), [0, 2]);  // no length at all
});

test("simplify_moves_no_dropped_point_farther_than_the_tolerance", () => {
  let s = 11;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const xs = Array.from({ length: 1500 }, (_, i) => 44 + (i / 1499) * 800);
  const ys = xs.map((x, i) => 100 - 80 * Math.exp(-i / 200) + rand() * 0.3 + (i % 300 === 0 ? 40 : 0));
  const kept = simplify(xs, ys, 0.1);
  assert.ok(kept.length < xs.length && kept[0] === 0 && kept[kept.length - 1] === xs.length - 1);
  for (let n = 1; n < kept.length; n++) {
    const [a, b] = [kept[n - 1], kept[n]];
    assert.ok(a < b);
    for (let i = a + 1; i < b; i++) {
      assert.ok(toSegment(xs[i], ys[i], xs[a], ys[a], xs[b], ys[b]) <= 0.1 + 1e-12, `point ${i}`);
    }
  }
});
