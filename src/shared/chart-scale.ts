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
