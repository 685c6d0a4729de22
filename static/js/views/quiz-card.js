/**
 * Predict, then see: the switch, and the card that asks the question before a phase's numbers
 * appear (explain/quiz.js), takes the answer by keyboard or click, then shows the truth
 * beside the guess and why; and the score of this visit. mount → render(state).
 */
import { byId as $ } from "../lib/dom.js";
import { changeCheck } from "../lib/memo.js";
import { setText } from "../lib/svg.js";

/** @param {(intent: import("../actions/controller.js").Intent) => void} dispatch */
export function mountQuizCard(dispatch) {
  $("predict").addEventListener("change", (e) => dispatch({ type: "predict", on: e.target.checked }));
  $("btn-quiz-skip").addEventListener("click", () => dispatch({ type: "quiz-skip" }));
  $("btn-score-reset").addEventListener("click", () => dispatch({ type: "score-reset" }));
  $("quiz-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const typed = /** @type {HTMLInputElement|null} */ ($("quiz-answers").querySelector("input[type=text]"));
    const chosen = /** @type {HTMLInputElement|null} */ (
      $("quiz-answers").querySelector("input[type=radio]:checked"));
    const answer = typed ? typed.value : chosen?.value ?? "";
    if (answer.trim() === "") return;  // nothing given yet: the form waits
    dispatch({ type: "quiz-answer", answer });
  });
  const changed = changeCheck();

  /** The answer's controls: a field for a number, or a choice. @param {any} q */
  function answers(q) {
    if (q.kind === "value") {
      const input = Object.assign(document.createElement("input"), {
        type: "text", id: "quiz-value", inputMode: "decimal", autocomplete: "off" });
      input.setAttribute("aria-labelledby", "quiz-prompt");
      input.setAttribute("aria-describedby", "quiz-tolerance");
      return [input];
    }
    const options = q.kind === "sign"
      ? [{ value: "+", label: "positive (+)" }, { value: "−", label: "negative (−)" },
         { value: "0", label: "0" }]
      : q.options;
    const group = document.createElement("div");
    group.setAttribute("role", "radiogroup");
    group.setAttribute("aria-labelledby", "quiz-prompt");
    group.append(...options.map((o, n) => {
      const label = document.createElement("label");
      label.className = "quiz-option";
      const radio = Object.assign(document.createElement("input"), {
        type: "radio", name: "quiz-choice", value: o.value, id: `quiz-choice-${n}` });
      label.append(radio, ` ${o.label}`);
      return label;
    }));
    return [group];
  }

  /** @param {import("../state/store.js").State} s */
  return function render(s) {
    const p = s.predict;
    if ($("predict").checked !== p.on) $("predict").checked = p.on;
    if (!changed({ quiz: p.quiz, score: p.score, on: p.on })) return;
    const refused = p.quiz && !p.quiz.verdict ? p.quiz.refused ?? "" : "";
    const card = $("quiz");
    card.hidden = !p.on;
    setText($("quiz-score"), p.score.asked
      ? `${p.score.right} of ${p.score.asked} right this visit.` : "No answers yet this visit.");
    const q = p.quiz;
    const asking = Boolean(q && !q.verdict);
    $("quiz-form").hidden = !asking;
    if (!q) {
      setText($("quiz-prompt"), "");
      $("quiz-verdict").replaceChildren();
      if (p.on) {
        $("quiz-verdict").append(Object.assign(document.createElement("p"), {
          className: "note",
          textContent: "Press Next: before each phase's numbers appear, a question on them." }));
      }
      return;
    }
    // what the question is about, as data (for the tests, which check the truth themselves)
    card.dataset.about = JSON.stringify({ kind: q.question.kind, ...q.question.about });
    if (asking && refused) {  // the same question, its field kept: only the words change
      setText($("quiz-tolerance"), refused);
      /** @type {HTMLElement|null} */ ($("quiz-answers").querySelector("input"))?.focus();
      return;
    }
    if (asking) {
      setText($("quiz-prompt"), q.question.prompt);
      setText($("quiz-tolerance"), q.question.kind === "value"
        ? `Type a number: right if ${q.question.tolerance}.` : "Choose one.");
      $("quiz-answers").replaceChildren(...answers(q.question));
      $("quiz-verdict").replaceChildren();
      const first = /** @type {HTMLElement|null} */ ($("quiz-answers").querySelector("input"));
      first?.focus();
      return;
    }
    const v = /** @type {import("../explain/quiz.js").Verdict} */ (q.verdict);
    const head = Object.assign(document.createElement("p"), {
      className: `quiz-result ${v.right ? "right" : "wrong"}`,
      textContent: `${v.right ? "Right" : "Not quite"}: you said ${v.guess}; it is ${v.truth}.` });
    const why = Object.assign(document.createElement("p"), { className: "note", textContent: v.why });
    const next = Object.assign(document.createElement("p"), {
      className: "note", textContent: "The panel below shows its formula with the numbers; Next goes on." });
    $("quiz-verdict").replaceChildren(Object.assign(document.createElement("p"), {
      className: "quiz-asked", textContent: q.question.prompt }), head, why, next);
  };
}
