/**
 * Fields the learner is typing in: a render leaves them as typed until the value is
 * committed (change) or left (blur), so that another action's answer landing meanwhile does
 * not overwrite it. This is the fields' own state (what is typed), not the page's.
 */

/** @returns {{typedInto: (field: HTMLInputElement) => void, editing: (field: Element) => boolean}} */
export function typingGuard() {
  const typing = new WeakSet();
  return {
    /** Watch a field; call it before the field's own change listener, so that a refusal
     * answered at once snaps the field back. */
    typedInto(field) {
      field.addEventListener("input", () => typing.add(field));
      field.addEventListener("change", () => typing.delete(field));
      field.addEventListener("blur", () => typing.delete(field));
    },
    editing: (field) => typing.has(field),
  };
}
