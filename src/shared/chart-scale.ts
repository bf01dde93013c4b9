/** Axis helpers shared by the drill report's SVG chart (engine, PDF) and its on-screen twin (renderer). */

/** The smallest "nice" bound (1, 2, 2.5 or 5 × 10ⁿ) at or above v. */
export function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

/** An axis label: integers as they are, other values to two decimals without trailing zeros. */
export function axisLabel(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(2)));
}

/** An SVG path through the points; a null value lifts the pen, so a gap in the samples stays a gap. */
export function linePath<P extends { t: number }>(points: readonly P[], pick: (p: P) => number | null, x: (t: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    const v = pick(p);
    if (v === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(v).toFixed(1)} `;
    pen = true;
  }
  return d.trim();
}
