/**
 * The sample as an image (a network whose inputs are pixels: the digits' 8 × 8), drawn on by
 * the learner: a stroke inks the pixels it crosses and half-inks their neighbours (as the
 * data's blurred strokes); a stroke that starts on ink erases. Lifting the pen sends the
 * drawing as the sample, with the class chosen as its target; the forward pass then runs on
 * it (controller: "draw"). The keyboard draws too: arrows move, Space inks or erases.
 */
import { inkOf } from "./grid-layout.js";

/** The pixels after a touch at (c, r) of a cols × rows image: ink 1 there and at least 3/8
 * at its four neighbours, or (erasing) 0 there. Pure. @param {number[]} pixels
 * @param {number} cols @param {number} rows @param {number} c @param {number} r
 * @param {boolean} erase @returns {number[]} */
export function touch(pixels, cols, rows, c, r, erase) {
  const out = pixels.slice();
  if (c < 0 || r < 0 || c >= cols || r >= rows) return out;
  out[r * cols + c] = erase ? 0 : 1;
  if (erase) return out;
  for (const [dc, dr] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
    const [x, y] = [c + dc, r + dr];
    if (x >= 0 && y >= 0 && x < cols && y < rows) out[y * cols + x] = Math.max(out[y * cols + x], 0.375);
  }
  return out;
}

/** The cells of a straight stroke from (c0, r0) to (c1, r1), both ends included: a fast
 * pen reports points a few cells apart, and the cells between are crossed too. Pure.
 * @param {number} c0 @param {number} r0 @param {number} c1 @param {number} r1
 * @returns {[number, number][]} */
export function cellsBetween(c0, r0, c1, r1) {
  const steps = Math.max(Math.abs(c1 - c0), Math.abs(r1 - r0));
  /** @type {[number, number][]} */
  const out = [];
  for (let n = 0; n <= steps; n++) {
    const t = steps ? n / steps : 0;
    out.push([Math.round(c0 + (c1 - c0) * t), Math.round(r0 + (r1 - r0) * t)]);
  }
  return out;
}

/** A one-hot target for class k of n. @param {number} k @param {number} n */
export const oneHot = (k, n) => Array.from({ length: n }, (_, j) => (j === k ? 1 : 0));

/**
 * @param {(intent: import("../actions/controller.js").Intent) => void} dispatch
 * @returns {(s: import("../state/store.js").State, image: {cols:number, rows:number}|null,
 *            classes: string[]|null) => void} shows the pad for an image sample, else hides it
 */
export function mountDigitPad(dispatch) {
  const $ = (id) => /** @type {any} */ (document.getElementById(id));
  const box = $("sample-pad");
  /** @type {HTMLCanvasElement} */
  const canvas = $("pad");
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  const select = $("pad-class");
  let image = { cols: 8, rows: 8 };
  /** @type {number[]} */
  let pixels = [];
  /** @type {number[]} the target the drawing goes with */
  let target = [];
  let erasing = false;
  let drawing = false;
  let last = { c: 0, r: 0 };
  let cursor = { c: 0, r: 0 };
  let keyboard = false;

  function paint() {
    if (canvas.width !== image.cols || canvas.height !== image.rows) {
      canvas.width = image.cols;
      canvas.height = image.rows;
    }
    pixels.forEach((v, i) => {
      ctx.fillStyle = inkOf(v);
      ctx.fillRect(i % image.cols, Math.floor(i / image.cols), 1, 1);
    });
    if (keyboard) {
      ctx.strokeStyle = "#6b4fd8";
      ctx.lineWidth = 0.12;
      ctx.strokeRect(cursor.c + 0.06, cursor.r + 0.06, 0.88, 0.88);
    }
  }

  const send = () => dispatch({ type: "draw", sample: { input: pixels.slice(), target: target.slice() } });

  /** @param {PointerEvent} ev */
  function at(ev) {
    const r = canvas.getBoundingClientRect();
    return { c: Math.floor(((ev.clientX - r.left) / r.width) * image.cols),
             r: Math.floor(((ev.clientY - r.top) / r.height) * image.rows) };
  }
  canvas.addEventListener("pointerdown", (ev) => {
    ev.preventDefault();
    canvas.setPointerCapture(ev.pointerId);
    const p = at(ev);
    erasing = (pixels[p.r * image.cols + p.c] ?? 0) >= 0.5;
    drawing = true;
    keyboard = false;
    pixels = touch(pixels, image.cols, image.rows, p.c, p.r, erasing);
    last = p;
    paint();
  });
  canvas.addEventListener("pointermove", (ev) => {
    if (!drawing) return;
    const p = at(ev);
    for (const [c, r] of cellsBetween(last.c, last.r, p.c, p.r)) {
      pixels = touch(pixels, image.cols, image.rows, c, r, erasing);
    }
    last = p;
    paint();
  });
  const lift = () => {
    if (!drawing) return;
    drawing = false;
    send();
  };
  canvas.addEventListener("pointerup", lift);
  canvas.addEventListener("pointercancel", lift);
  canvas.addEventListener("keydown", (ev) => {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (ev.key in moves) {
      ev.preventDefault();
      ev.stopPropagation();  // not the page's ← (Previous) and → (Next)
      const [dc, dr] = moves[ev.key];
      cursor = { c: Math.max(0, Math.min(image.cols - 1, cursor.c + dc)),
                 r: Math.max(0, Math.min(image.rows - 1, cursor.r + dr)) };
      keyboard = true;
      paint();
    } else if (ev.key === " " || ev.key === "Enter") {
      ev.preventDefault();
      ev.stopPropagation();
      keyboard = true;
      const on = (pixels[cursor.r * image.cols + cursor.c] ?? 0) >= 0.5;
      pixels = touch(pixels, image.cols, image.rows, cursor.c, cursor.r, on);
      paint();
      send();
    }
  });
  canvas.addEventListener("blur", () => {
    keyboard = false;
    paint();
  });
  $("btn-pad-clear").addEventListener("click", () => {
    pixels = pixels.map(() => 0);
    paint();
    send();
  });
  select.addEventListener("change", () => {
    target = oneHot(Number(select.value), target.length);
    send();
  });

  let shownKey = "";
  return function render(s, shape, classes) {
    box.hidden = !shape;
    if (!shape || drawing) return;
    image = shape;
    const key = JSON.stringify([s.sample, classes]);
    if (key === shownKey) return;
    shownKey = key;
    pixels = s.sample.input.slice();
    target = s.sample.target.slice();
    const names = classes ?? target.map((_, k) => `class ${k + 1}`);
    if (select.options.length !== names.length
        || [...select.options].some((o, k) => o.textContent !== names[k])) {
      select.replaceChildren(...names.map((name, k) => Object.assign(document.createElement("option"),
                                                                     { value: String(k), textContent: name })));
    }
    const k = target.indexOf(Math.max(...target));
    select.value = String(Math.max(0, k));
    paint();
  };
}
