import assert from "node:assert/strict";
import { test } from "node:test";

import { hiddenUntilTheError, slopeStillToCome } from "../../static/js/views/landscape-card.js";
import { phasesFor } from "../../static/js/state/stepper.js";

/** A page's state stepping through a pass of a 1-2-2-1 network, at `phase`. */
function at(phase, landscape) {
  const phases = phasesFor(4);
  const index = phases.findIndex((p) => p.kind === phase.kind && p.layer === phase.layer);
  assert.ok(index >= 0);
  return { stepper: { phases, cursor: { phase: index, record: 0 }, records: [{}] },
           predict: { quiz: null }, landscape };
}

const PAIR = (k) => ({ a: { kind: "weight", k, i: 0, j: 0 }, b: { kind: "bias", k, j: 0 },
                       over: "train" });

test("landscape_slope_appears_when_the_backward_walk_reaches_the_pair", () => {
  for (const k of [0, 1, 2]) {
    // the weights and biases into layer k + 1 get their ∂ at backward, layer k + 1
    for (const phase of phasesFor(4)) {
      const still = slopeStillToCome(at(phase, PAIR(k)));
      const expected = ["input", "forward", "error"].includes(phase.kind) ||
        (phase.kind === "backward" && phase.layer > k + 1);
      assert.equal(still, expected, `k=${k} ${phase.kind} ${phase.layer}`);
    }
  }
  // a pair from two layers: the slope needs both, so the lower layer's
  const mixed = { ...PAIR(2), b: { kind: "bias", k: 0, j: 1 } };
  assert.equal(slopeStillToCome(at({ kind: "backward", layer: 2 }, mixed)), true);
  assert.equal(slopeStillToCome(at({ kind: "backward", layer: 1 }, mixed)), false);
  // not stepping through a pass: shown
  assert.equal(slopeStillToCome({ stepper: { phases: phasesFor(4), cursor: null, records: [] },
                                  predict: { quiz: null }, landscape: PAIR(0) }), false);
});

test("landscape_E_on_the_sample_waits_for_the_error_phase", () => {
  const sample = { ...PAIR(0), over: "sample" };
  assert.match(hiddenUntilTheError(at({ kind: "forward", layer: 2 }, sample)), /Error phase/);
  assert.equal(hiddenUntilTheError(at({ kind: "error", layer: 3 }, sample)), "");
  assert.equal(hiddenUntilTheError(at({ kind: "forward", layer: 2 }, PAIR(0))), "");
});
