/**
 * "Has this changed?": a drawing remembers what it was last drawn from and is drawn again
 * only when that changed (during Play, views are asked to draw on every frame). Pure.
 */

/**
 * Whether two records of what a drawing shows differ: any field not the same value (===,
 * so arrays and objects by identity: the store replaces what it changes).
 * @param {Record<string, unknown>|null} a @param {Record<string, unknown>} b
 */
export function differs(a, b) {
  if (!a) return true;
  const keys = Object.keys(b);
  return keys.length !== Object.keys(a).length || keys.some((k) => !Object.is(a[k], b[k]));
}

/**
 * @returns {((inputs: Record<string, unknown>) => boolean) & {forget: () => void}} true (and
 *   remembers `inputs`) when they differ from those of the last call that returned true;
 *   `forget()` makes the next call true
 */
export function changeCheck() {
  /** @type {Record<string, unknown>|null} */
  let last = null;
  /** @param {Record<string, unknown>} inputs */
  const check = (inputs) => {
    if (!differs(last, inputs)) return false;
    last = inputs;
    return true;
  };
  return Object.assign(check, { forget: () => { last = null; } });
}
