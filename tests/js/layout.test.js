import assert from "node:assert/strict";
import { test } from "node:test";

import {
  fitNetwork, labelSets, overlaps, placeLabels, SIZES,
} from "../../static/js/views/network-layout.js";

/** A small seeded generator, so that the shapes are the same every run. */
function* shapes(count) {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  yield [1, 2, 2, 1];
  yield [3, 3, 1];
  yield [2, 4, 4, 1];
  yield [8, 8, 8, 8];
  yield [8, 8, 8, 8, 8, 8, 8, 8];
  yield [1, 1];
  for (let n = 0; n < count; n++) {
    const L = 2 + Math.floor(next() * 7);
    yield Array.from({ length: L }, () => 1 + Math.floor(next() * 8));
  }
}

for (const width of [360, 1000, 1400, 1880]) {
  test(`layout_labels_never_overlap_a_node_or_each_other_at_${width}px`, () => {
    for (const layers of shapes(60)) {
      const lay = fitNetwork(layers, width);
      const nodes = layers.flatMap((n, l) => Array.from({ length: n }, (_, j) => lay.nodeBox(l, j)));
      for (let a = 0; a < nodes.length; a++) {
        for (let b = a + 1; b < nodes.length; b++) {
          assert.ok(!overlaps(nodes[a], nodes[b]), `nodes overlap in ${layers.join("-")}`);
        }
      }
      labelSets(lay, layers).forEach((set, s) => {
        const boxes = placeLabels(lay, layers, set);
        // Every label of an uncrowded pair of layers has a place; of a crowded pair's
        // selection, those that fit show.
        if (s === 0) assert.ok(boxes.every(Boolean), `a label has no place in ${layers.join("-")}`);
        const placed = boxes.filter(Boolean);
        placed.forEach((box, n) => {
          assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.w <= lay.width
                    && box.y + box.h <= lay.height, "a label leaves the drawing");
          assert.ok(!nodes.some((node) => overlaps(box, node)), `label on a node: ${layers.join("-")}`);
          for (const other of placed.slice(n + 1)) assert.ok(!overlaps(box, other));
        });
      });
    }
  });
}

test("layout_is_vertical_on_narrow_screens_and_fills_wide_ones", () => {
  const narrow = fitNetwork([1, 2, 2, 1], 360);
  assert.equal(narrow.vertical, true);
  assert.ok(narrow.width <= 360);  // the default network needs no sideways scrolling
  const wide = fitNetwork([1, 2, 2, 1], 1400);
  assert.equal(wide.vertical, false);
  assert.ok(wide.width >= 1400 * 0.95);  // it spreads over the space it has
});

test("layout_labels_sit_on_their_links", () => {
  const layers = [3, 3, 1];
  const lay = fitNetwork(layers, 1000);
  const set = labelSets(lay, layers)[0];
  placeLabels(lay, layers, set).forEach((box, n) => {
    const { k, i, j } = set[n];
    const [a, b] = [lay.pos(k, i), lay.pos(k + 1, j)];
    const [cx, cy] = [box.x + SIZES.labelW / 2, box.y + SIZES.labelH / 2];
    const cross = (b.x - a.x) * (cy - a.y) - (b.y - a.y) * (cx - a.x);
    assert.ok(Math.abs(cross) / Math.hypot(b.x - a.x, b.y - a.y) < 1e-9);
  });
});

test("layout_labels_are_plainly_their_own_links_no_other_link_crosses_them", async () => {
  // In 2-4-4-1 the first layer's labels stood in a column, other links through them, and a
  // learner could not tell which link each belonged to.
  const { crosses } = await import("../../static/js/views/network-layout.js");
  for (const width of [1000, 1400, 1880]) {
    for (const layers of [[1, 2, 2, 1], [2, 4, 4, 1], [2, 3, 1], [3, 3, 1], [2, 8, 1]]) {
      const lay = fitNetwork(layers, width);
      const links = layers.slice(0, -1).flatMap((n, k) => Array.from({ length: n }, (_, i) =>
        Array.from({ length: layers[k + 1] }, (_, j) => ({ k, i, j })))).flat();
      // the labels always shown (a crowded pair's, shown on demand, may have links through)
      const set = labelSets(lay, layers)[0];
      placeLabels(lay, layers, set).forEach((box, n) => {
        const own = set[n];
        const through = links.filter((l) => !(l.k === own.k && l.i === own.i && l.j === own.j)
          && crosses(lay.pos(l.k, l.i), lay.pos(l.k + 1, l.j), box));
        assert.deepEqual(through, [], `${layers.join("-")} at ${width}: w ${own.k}${own.i}${own.j}`);
      });
    }
  }
  // the check itself: a segment through a box, beside it, and ending before it
  const box = { x: 0, y: 0, w: 10, h: 10 };
  assert.equal(crosses({ x: -5, y: 5 }, { x: 15, y: 5 }, box), true);
  assert.equal(crosses({ x: -5, y: 20 }, { x: 15, y: 20 }, box), false);
  assert.equal(crosses({ x: -20, y: 5 }, { x: -1, y: 5 }, box), false);
});

test("layout_a_tablet_draws_top_to_bottom_what_left_to_right_would_shrink_below_readable", () => {
  // At 768 px the default 1-2-2-1 needed 1090 layout units left to right, drawn at 0.67 of
  // its size (numbers about 7 px) or scrolled sideways; top to bottom it fits.
  for (const width of [660, 726, 800]) {
    const lay = fitNetwork([1, 2, 2, 1], width, 0.8);
    assert.equal(lay.vertical, true, `at ${width}`);
    assert.ok(lay.width * 0.8 <= width, `at ${width}: ${lay.width}`);
  }
  // a network that fits left to right at a readable scale stays so, and so does a wide stage
  assert.equal(fitNetwork([2, 8, 1], 800, 0.8).vertical, false);
  assert.equal(fitNetwork([2, 4, 4, 1], 1000, 0.8).vertical, false);
  // the least scale is 0.8 unless said; with none, the old choice: left to right from 640 px
  assert.equal(fitNetwork([1, 2, 2, 1], 726).vertical, true);
  assert.equal(fitNetwork([1, 2, 2, 1], 726, 0).vertical, false);
});
