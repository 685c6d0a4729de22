/** The training and test loss over steps, on a canvas. */
import { colour } from "../lib/colours.js";
import { changeCheck } from "../lib/memo.js";
import { simplify } from "../lib/polyline.js";

/** @param {HTMLCanvasElement} canvas */
export function createLossChart(canvas) {
  const view = canvas.getContext("2d");
  // Drawn on a canvas of its own, then copied: text drawn on a canvas of the page makes the
  // browser compute the page's style at once, mid-frame; on an OffscreenCanvas it does not.
  /** @type {OffscreenCanvasRenderingContext2D|null} */
  let ctx = null;

  const changed = changeCheck();
  // The font is parsed when set: set once per context.
  let fontSet = false;

  /** @param {import("../state/store.js").LossPoint[]} points from the store (a new array when they
   * change: drawn again only then, or at a new size)
   * @param {{width:number, height:number}|undefined} box the canvas's CSS size */
  function draw(points, box) {
    const ratio = window.devicePixelRatio || 1;
    const w = box?.width || 320;
    const h = box?.height || 160;
    if (!changed({ points, w, h, ratio })) return;
    if (canvas.width !== Math.round(w * ratio) || !ctx) {
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
      ctx = new OffscreenCanvas(canvas.width, canvas.height).getContext("2d");
      fontSet = false;
    }
    paint(ctx, points, w, h, ratio);
    view.clearRect(0, 0, canvas.width, canvas.height);
    view.drawImage(ctx.canvas, 0, 0);
  }

  /** @param {OffscreenCanvasRenderingContext2D} ctx
   * @param {import("../state/store.js").LossPoint[]} points @param {number} w @param {number} h
   * @param {number} ratio */
  function paint(ctx, points, w, h, ratio) {
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (!fontSet) {
      ctx.font = "11px system-ui, sans-serif";
      fontSet = true;
    }
    ctx.fillStyle = colour("--muted");
    if (points.length < 2) {
      ctx.fillText("The loss appears here as the network trains.", 8, h / 2);
      return;
    }
    const first = points[0].step;
    const last = points[points.length - 1].step;
    const top = Math.max(...points.map((p) => Math.max(p.train, p.test ?? 0))) * 1.05 || 1;
    const pad = { l: 44, r: 8, t: 8, b: 18 };
    const x = (s) => pad.l + ((s - first) / Math.max(1, last - first)) * (w - pad.l - pad.r);
    const y = (v) => pad.t + (1 - v / top) * (h - pad.t - pad.b);
    ctx.strokeStyle = colour("--line");
    ctx.beginPath();
    ctx.moveTo(pad.l, pad.t);
    ctx.lineTo(pad.l, h - pad.b);
    ctx.lineTo(w - pad.r, h - pad.b);
    ctx.stroke();
    ctx.fillText(top.toPrecision(2), 2, pad.t + 8);
    ctx.fillText("0", 30, h - pad.b);
    ctx.fillText(`step ${last}`, w - pad.r - 70, h - 4);
    const line = (key, colour, dash) => {
      ctx.strokeStyle = colour;
      ctx.setLineDash(dash);
      ctx.lineWidth = 2;
      ctx.beginPath();
      const shown = points.filter((p) => p[key] !== null);
      const xs = shown.map((p) => x(p.step));
      const ys = shown.map((p) => y(p[key]));
      // a tenth of a device pixel off the exact line at most: nothing visible changes
      simplify(xs, ys, 0.1 / ratio).forEach((i, n) => {
        if (n) ctx.lineTo(xs[i], ys[i]);
        else ctx.moveTo(xs[i], ys[i]);
      });
      ctx.stroke();
      ctx.setLineDash([]);
    };
    line("train", colour("--ink"), []);
    if (points.some((p) => p.test !== null)) line("test", colour("--negative"), [5, 4]);
  }

  return { draw };
}
