/**
 * The phase stepper: a pure state machine, with no timing, drawing or fetching in it.
 *
 * One training step is a sequence of phases: the input enters layer 0; forward into each
 * layer 1 … L−1; the error at the output; backward through layers L−1 … 1; the update.
 * The stepper keeps every step seen so far as a record holding the newest trace of that
 * step, so that Previous can walk back across step boundaries and Next forward again.
 */

/**
 * @typedef {{kind:"input"|"forward"|"error"|"backward"|"update", layer:number|null}} Phase
 * @typedef {{activation:string, output_activation:string, loss:string}} Settings
 * @typedef {{trace: import("../server/api.js").Trace, settings: Settings}} StepRecord
 * @typedef {{record:number, phase:number}} Cursor
 * @typedef {{phases: Phase[], records: StepRecord[], cursor: Cursor|null}} Stepper
 * @typedef {{type:"move", cursor:Cursor} |
 *           {type:"fetch", call:"forward"|"backward"|"update", cursor:Cursor,
 *            newRecord:boolean}} Plan
 */

/** @param {number} layerCount @returns {Phase[]} */
export function phasesFor(layerCount) {
  /** @type {Phase[]} */
  const phases = [{ kind: "input", layer: 0 }];
  for (let l = 1; l < layerCount; l++) phases.push({ kind: "forward", layer: l });
  phases.push({ kind: "error", layer: layerCount - 1 });
  for (let l = layerCount - 1; l >= 1; l--) phases.push({ kind: "backward", layer: l });
  phases.push({ kind: "update", layer: null });
  return phases;
}

const RANK = { forward: 0, backward: 1, update: 2 };

/** The trace phase the API must have reached to show `phase`. @param {Phase} phase */
export function neededCall(phase) {
  if (phase.kind === "backward") return "backward";
  if (phase.kind === "update") return "update";
  return "forward";
}

/** @param {number} layerCount @returns {Stepper} */
export function createStepper(layerCount) {
  return { phases: phasesFor(layerCount), records: [], cursor: null };
}

/** @param {Stepper} s @returns {Plan} */
export function planNext(s) {
  const live = s.records.length - 1;
  if (s.cursor === null) {
    if (s.records.length) return { type: "move", cursor: { record: 0, phase: 0 } };
    return { type: "fetch", call: "forward", cursor: { record: 0, phase: 0 }, newRecord: true };
  }
  const { record, phase } = s.cursor;
  if (phase + 1 < s.phases.length) {
    const cursor = { record, phase: phase + 1 };
    const call = neededCall(s.phases[phase + 1]);
    if (RANK[s.records[record].trace.phase] >= RANK[call]) return { type: "move", cursor };
    return { type: "fetch", call, cursor, newRecord: false };
  }
  if (record < live) return { type: "move", cursor: { record: record + 1, phase: 0 } };
  return { type: "fetch", call: "forward", cursor: { record: record + 1, phase: 0 },
           newRecord: true };
}

/** @param {Stepper} s @returns {Cursor|null} where Previous goes, or null at the start */
export function planPrevious(s) {
  if (s.cursor === null) return null;
  const { record, phase } = s.cursor;
  if (phase > 0) return { record, phase: phase - 1 };
  if (record > 0) return { record: record - 1, phase: s.phases.length - 1 };
  return null;
}

/** @param {Stepper} s @param {Cursor} cursor @returns {Stepper} */
export function moveTo(s, cursor) {
  return { ...s, cursor };
}

/**
 * The stepper after a fetch planned by planNext has answered with `trace`.
 * @param {Stepper} s @param {Plan} plan @param {import("../server/api.js").Trace} trace
 * @param {Settings} settings the settings the trace was computed with
 * @param {number} historyLimit @returns {Stepper}
 */
export function applyFetch(s, plan, trace, settings, historyLimit) {
  let records;
  let cursor = plan.cursor;
  if (plan.type === "fetch" && plan.newRecord) {
    records = [...s.records, { trace, settings }];
    if (records.length > historyLimit) {
      records = records.slice(records.length - historyLimit);
    }
    cursor = { record: records.length - 1, phase: cursor.phase };
  } else {
    records = s.records.slice();
    records[cursor.record] = { trace, settings };
  }
  return { ...s, records, cursor };
}

/**
 * The live step's trace replaced by a recomputed one (after a change of settings, sample or
 * weights), keeping the cursor where it is.
 * @param {Stepper} s @param {import("../server/api.js").Trace} trace @param {Settings} settings
 * @returns {Stepper}
 */
export function replaceLive(s, trace, settings) {
  if (!s.records.length) return s;
  const records = s.records.slice();
  records[records.length - 1] = { trace, settings };
  return { ...s, records };
}

/** @param {Stepper} s */
export function currentPhase(s) {
  return s.cursor === null ? null : s.phases[s.cursor.phase];
}

/** @param {Stepper} s @returns {StepRecord|null} */
export function currentRecord(s) {
  return s.cursor === null ? null : s.records[s.cursor.record];
}

/** @param {Stepper} s: true when the cursor shows the newest step (not history). */
export function atLiveStep(s) {
  return s.cursor === null || s.cursor.record === s.records.length - 1;
}

/**
 * What is visible at a phase: how far the forward pass has come, how far back the backward
 * pass has come, which weights are in force.
 * @param {import("../server/api.js").Trace} trace @param {Phase} phase @param {number} L
 */
export function visibility(trace, phase, L) {
  const kind = phase.kind;
  const forwardLayer = kind === "input" || kind === "forward" ? phase.layer : L - 1;
  const backwardLayer = kind === "backward" ? phase.layer : kind === "update" ? 1 : Infinity;
  // On an update trace, the phases before the update show the weights from before it.
  const useBefore = trace.phase === "update" && kind !== "update";
  return {
    forwardLayer,
    backwardLayer,
    errorShown: kind === "error" || kind === "backward" || kind === "update",
    useBefore,
    updating: kind === "update",
  };
}
