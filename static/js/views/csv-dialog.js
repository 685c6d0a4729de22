/**
 * The dialog for the learner's own data as CSV: paste it or choose a file, read it (by the
 * server), see the first rows as the server read them, choose each column's role (input,
 * target, the train/test part, or not used), whether the target is numbers or classes, and
 * whether to standardize the inputs; then use these columns. A refusal shows here, in the
 * server's words, and changes nothing. mount → render(state); what the learner does goes to
 * `dispatch`. The roles chosen live in the dialog's own controls until they are used.
 */
import { byId as $ } from "../lib/dom.js";
import { changeCheck } from "../lib/memo.js";
import { setText } from "../lib/svg.js";
import { choiceOf, defaultTargetKind, suggestedRoles } from "../explain/own-data.js";

const ROLE_WORDS = { input: "input", target: "target", part: "part (train or test)",
                     none: "not used" };

/**
 * @param {(intent: import("../actions/controller.js").Intent) => void} dispatch
 */
export function mountCsvDialog(dispatch) {
  const dialog = /** @type {HTMLDialogElement} */ ($("csv-dialog"));
  const text = /** @type {HTMLTextAreaElement} */ ($("csv-text"));
  /** @type {import("../explain/own-data.js").CsvOut|null} the preview the controls are for */
  let shown = null;
  $("btn-own-data").addEventListener("click", () => {
    dialog.showModal();
    text.focus();
  });
  $("btn-csv-close").addEventListener("click", () => dialog.close());
  $("btn-csv-read").addEventListener("click", () => dispatch({ type: "csv-read", text: text.value,
                                                                header: null }));
  $("csv-file").addEventListener("change", (e) => {
    const input = /** @type {HTMLInputElement} */ (e.target);
    const file = input.files?.[0];
    if (file) dispatch({ type: "csv-read", file, header: null });  // read inside the action
    input.value = "";
  });
  $("csv-header").addEventListener("change", (e) => dispatch({
    type: "csv-read", text: text.value,
    header: /** @type {HTMLInputElement} */ (e.target).checked }));
  /** @returns {import("../explain/own-data.js").Role[]} */
  const roles = () => [...document.querySelectorAll("#csv-table select")].map(
    (s) => /** @type {any} */ (/** @type {HTMLSelectElement} */ (s).value));
  const kindBoxes = () => /** @type {HTMLInputElement[]} */ (
    [...document.querySelectorAll("input[name=csv-kind]")]);
  /** The target kind offered for the roles chosen, and the columns' colours. */
  const rolesChanged = () => {
    if (!shown) return;
    const chosen = roles();
    const kind = defaultTargetKind(shown, chosen);
    for (const box of kindBoxes()) box.checked = box.value === kind;
    $("csv-kind").toggleAttribute("disabled", chosen.filter((r) => r === "target").length !== 1);
    document.querySelectorAll("#csv-table [data-column]").forEach((cell) => {
      const r = chosen[Number(/** @type {HTMLElement} */ (cell).dataset.column)];
      cell.classList.toggle("role-input", r === "input");
      cell.classList.toggle("role-target", r === "target");
    });
  };
  $("csv-table").addEventListener("change", rolesChanged);
  $("csv-form").addEventListener("submit", (e) => {
    e.preventDefault();
    if (!shown) return;
    const kind = kindBoxes().find((b) => b.checked)?.value === "classes" ? "classes" : "numbers";
    dispatch({ type: "csv-import", text: text.value, header: shown.header,
               choice: { ...choiceOf(roles()), target_kind: kind },
               standardize: /** @type {HTMLInputElement} */ ($("csv-standardize")).checked });
  });

  /** The first rows as the server read them, each column's role chosen above it.
   * @param {import("../explain/own-data.js").CsvOut} p */
  function table(p) {
    const cell = (tag, content, column = -1) => {
      const c = document.createElement(tag);
      c.textContent = content;
      if (column >= 0) c.dataset.column = String(column);
      return c;
    };
    const names = document.createElement("tr");
    const line = cell("th", "line");
    line.className = "line";
    line.scope = "col";
    names.append(line, ...p.columns.map((c) => {
      const th = cell("th", c.name, c.index);
      th.scope = "col";
      return th;
    }));
    const choose = document.createElement("tr");
    const suggested = suggestedRoles(p);
    choose.append(cell("th", "role"), ...p.columns.map((c) => {
      const td = cell("td", "", c.index);
      const select = document.createElement("select");
      select.setAttribute("aria-label", `Column ${c.index + 1} (${c.name}) is`);
      for (const role of /** @type {const} */ (["input", "target", "part", "none"])) {
        if (role === "part" && c.kind !== "part") continue;
        select.append(Object.assign(document.createElement("option"),
                                    { value: role, textContent: ROLE_WORDS[role] }));
      }
      select.value = suggested[c.index];
      td.append(select);
      return td;
    }));
    const head = document.createElement("thead");
    head.append(names, choose);
    const body = document.createElement("tbody");
    body.append(...p.first_rows.map((row, r) => {
      const tr = document.createElement("tr");
      const th = cell("th", String(p.first_lines[r]));
      th.className = "line";
      tr.append(th, ...row.map((v, c) => cell("td", v, c)));
      return tr;
    }));
    $("csv-table").replaceChildren(head, body);
  }

  /** @param {import("../explain/own-data.js").CsvOut} p */
  function summary(p) {
    const kinds = p.columns.map((c) => (c.kind === "label"
      ? `${c.name}: ${c.distinct} label${c.distinct === 1 ? "" : "s"}` +
        (c.labels ? ` (${c.labels.slice(0, 8).join(", ")}${c.distinct > 8 ? ", …" : ""})` : "")
      : null)).filter(Boolean);
    return `The server read ${p.rows} row${p.rows === 1 ? "" : "s"} of ${p.columns.length} ` +
      `column${p.columns.length === 1 ? "" : "s"} (separated by ${p.separator}s` +
      `${p.header ? ", names from the first row" : ""}); the first ` +
      `${p.first_rows.length} are below.` + (kinds.length ? ` Words: ${kinds.join("; ")}.` : "") +
      " Choose what each column is.";
  }

  const changed = changeCheck();
  let imported = 0;

  /** @param {import("../state/store.js").State} s */
  return function render(s) {
    const c = s.csv;
    if (!changed({ csv: c })) return;
    if (c.text !== null && text.value !== c.text) text.value = c.text;
    setText($("csv-error"), c.error);
    const p = c.preview;
    $("csv-preview").hidden = !p;
    $("btn-csv-import").hidden = !p;
    if (p && p !== shown) {
      shown = p;
      table(p);
      /** @type {HTMLInputElement} */ ($("csv-header")).checked = p.header;
      setText($("csv-summary"), summary(p));
      rolesChanged();
    }
    if (!p) shown = null;
    // each import made closes the dialog (a refused one leaves it open, saying why)
    if (c.imported !== imported) {
      imported = c.imported;
      if (dialog.open) dialog.close();
    }
  };
}
