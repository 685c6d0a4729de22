/**
 * Fewer points for a long polyline, drawn the same: the loss chart holds up to 1,500 points
 * across a few hundred pixels, and stroking every one of them on every frame costs more than
 * everything else the chart does. Pure.
 */

/**
 * The points to keep (Ramer–Douglas–Peucker): the first, the last, and enough between them
 * that no point dropped lies farther than `tolerance` from the line drawn through those kept.
 * @param {ArrayLike<number>} xs @param {ArrayLike<number>} ys the points, in drawing units
 * @param {number} tolerance in the same units (a fraction of a pixel: nothing visible moves)
 * @returns {number[]} the indices kept, in order
 */
export function simplify(xs, ys, tolerance) {
  const n = xs.length;
  if (n <= 2) return Array.from({ length: n }, (_, i) => i);
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  const stack = [0, n - 1];
  while (stack.length) {
    const b = stack.pop();
    const a = stack.pop();
    const dx = xs[b] - xs[a];
    const dy = ys[b] - ys[a];
    const squared = dx * dx + dy * dy;
    let far = -1;
    let farthest = tolerance;
    for (let i = a + 1; i < b; i++) {
      // distance to the segment a–b (the nearest of its points)
      const t = squared > 0
        ? Math.max(0, Math.min(1, ((xs[i] - xs[a]) * dx + (ys[i] - ys[a]) * dy) / squared)) : 0;
      const d = Math.hypot(xs[i] - (xs[a] + t * dx), ys[i] - (ys[a] + t * dy));
      if (d > farthest) {
        farthest = d;
        far = i;
      }
    }
    if (far >= 0) {
      keep[far] = 1;
      stack.push(a, far, far, b);
    }
  }
  const out = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(i);
  return out;
}
