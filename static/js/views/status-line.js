/**
 * The status line: what went wrong (drawn as an error) or what the page did on its own or
 * what to do next (a note, drawn plainly). mount → render(state).
 */
import { byId as $ } from "../lib/dom.js";

export function mountStatusLine() {
  const line = $("status");
  let shown = { status: "", kind: "" };
  /** @param {import("../state/store.js").State} s */
  return function render(s) {
    if (s.status === shown.status && s.statusKind === shown.kind) return;
    shown = { status: s.status, kind: s.statusKind };
    line.textContent = s.status;
    line.classList.toggle("shown", Boolean(s.status));
    line.classList.toggle("note", s.statusKind === "note");
  };
}
