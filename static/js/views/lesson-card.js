/**
 * A lesson on the page: its title, text and steps above the network, the parts of the page it
 * hides (for focus: one button shows everything), and the editor that makes a lesson of the
 * page as it is (its link and delete token shown once made). mount → render(state).
 */
import { byId as $ } from "../lib/dom.js";
import { changeCheck } from "../lib/memo.js";
import { setText } from "../lib/svg.js";

/** The parts a lesson may hide: each a card of the page, by its class. */
const PARTS = ["graph", "gradients", "landscape", "training", "compare", "gradcheck", "share",
               "settings", "keys"];

/** @param {(intent: import("../actions/controller.js").Intent) => void} dispatch */
export function mountLessonCard(dispatch) {
  const editor = /** @type {HTMLDialogElement} */ ($("lesson-editor"));
  $("btn-lesson-editor").addEventListener("click", () => {
    /** @type {HTMLDetailsElement} */ (document.querySelector(".lessons-menu")).open = false;
    editor.showModal();
    $("lesson-title-input").focus();
  });
  $("btn-show-all").addEventListener("click", () => dispatch({ type: "show-all" }));
  $("btn-lesson-copy").addEventListener("click", () => dispatch({ type: "copy-text",
                                                                  text: $("lesson-link").value }));
  // Close is not a submit button: it closes the dialog even with the title still empty
  $("btn-lesson-close").addEventListener("click", () => editor.close());
  $("btn-lesson-delete").addEventListener("click", () => dispatch({ type: "delete-lesson" }));
  $("lesson-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const hide = [...document.querySelectorAll("#lesson-form input[name=hide]:checked")]
      .map((c) => /** @type {HTMLInputElement} */ (c).value);
    const steps = $("lesson-steps-input").value.split("\n").map((l) => l.trim()).filter(Boolean);
    dispatch({ type: "make-lesson", lesson: {
      title: $("lesson-title-input").value.trim(), text: $("lesson-text-input").value,
      steps, hide, predict: $("lesson-predict").checked } });
  });
  const changed = changeCheck();

  /** @param {import("../state/store.js").State} s */
  return function render(s) {
    if (!changed({ lesson: s.lesson, made: s.lessonMade, on: s.predict.on })) return;
    const l = s.lesson;
    $("lesson").hidden = !l;
    const hidden = l && !l.showAll ? l.hide : [];
    for (const part of PARTS) {
      const card = /** @type {HTMLElement|null} */ (document.querySelector(`.card.${part}`));
      if (card && card.hidden !== hidden.includes(part)) card.hidden = hidden.includes(part);
    }
    $("btn-show-all").hidden = hidden.length === 0;
    if (l) {
      setText($("lesson-title"), l.title);
      setText($("lesson-text"), l.text);
      $("lesson-steps").replaceChildren(...l.steps.map((step) => Object.assign(
        document.createElement("li"), { textContent: step })));
    }
    if (!editor.open) $("lesson-predict").checked = s.predict.on;
    const made = s.lessonMade;
    setText($("lesson-error"), made?.error ?? "");
    setText($("lesson-deleted"), made?.deleted
      ? `Deleted: ${made.deleted} now says that its author deleted the lesson.` : "");
    $("lesson-made").hidden = !made?.url;
    setText($("btn-lesson-delete"), made?.confirming
      ? "Delete it for good: its link stops working for everyone" : "Delete this lesson");
    if (made?.url) {
      $("lesson-link").value = made.url;
      setText($("lesson-token"), `Its delete token (shown only now): ${made.token}. With it ` +
        "you can delete the lesson here, or later with an HTTP DELETE of " +
        `/api/lessons/${made.id} carrying the header X-Delete-Token. The link opens the page ` +
        "exactly as it is now.");
    }
  };
}
