import assert from "node:assert/strict";
import { test } from "node:test";

import { SEEN_KEY, STOPS, stopLabel } from "../../static/js/views/tour.js";

test("tour_stops_are_three_to_six_each_with_a_target_a_title_and_one_to_three_sentences", () => {
  assert.ok(STOPS.length >= 3 && STOPS.length <= 6, `${STOPS.length} stops`);
  for (const stop of STOPS) {
    assert.deepEqual(Object.keys(stop).sort(), ["target", "text", "title"]);
    assert.match(stop.target, /^[#.][a-z][\w-]*$/, "a plain id or class selector");
    assert.ok(stop.title.trim().length > 0);
    const sentences = stop.text.split(/(?<=[.!?])\s+(?=[A-Z])/).filter(Boolean);
    assert.ok(sentences.length >= 1 && sentences.length <= 3, `${stop.title}: ${sentences.length}`);
    assert.match(stop.text, /[.!?)]$/, "ends as a sentence");
  }
  assert.equal(new Set(STOPS.map((s) => s.target)).size, STOPS.length, "targets differ");
});

test("tour_stops_cover_the_network_next_the_formula_the_update_and_training", () => {
  assert.deepEqual(STOPS.map((s) => s.target),
                   ["#network", "#btn-next", ".explain", "#btn-update", ".training"]);
});

test("tour_stopLabel_counts_from_one", () => {
  assert.equal(stopLabel(0, 5), "Stop 1 of 5");
  assert.equal(stopLabel(4, 5), "Stop 5 of 5");
  assert.equal(SEEN_KEY, "backprop-tour-seen");
});
