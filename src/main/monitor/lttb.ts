/** A point [epoch ms, value]; value null marks a gap (no data at that time). */
export type Point = [number, number | null];

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013): keeps the points that preserve a line's visual shape.
 * Works on parallel arrays `xs`/`ys` over [start, end) without gaps; returns at most `threshold` indices,
 * the first and the last included.
 */
export function lttbIndices(xs: ArrayLike<number>, ys: ArrayLike<number>, start: number, end: number, threshold: number): number[] {
  const n = end - start;
  if (threshold >= n) return Array.from({ length: n }, (_, i) => start + i);
  if (threshold < 3) return threshold <= 1 ? [start] : [start, end - 1];
  const out: number[] = [start];
  const every = (n - 2) / (threshold - 2);
  let a = start;
  for (let i = 0; i < threshold - 2; i++) {
    let avgStart = start + Math.floor((i + 1) * every) + 1;
    const avgEnd = Math.min(end, start + Math.floor((i + 2) * every) + 1);
    if (avgStart >= avgEnd) avgStart = avgEnd - 1;
    let avgX = 0;
    let avgY = 0;
    for (let j = avgStart; j < avgEnd; j++) {
      avgX += xs[j];
      avgY += ys[j];
    }
    const len = avgEnd - avgStart;
    avgX /= len;
    avgY /= len;
    const rangeStart = start + Math.floor(i * every) + 1;
    const rangeEnd = start + Math.floor((i + 1) * every) + 1;
    const ax = xs[a];
    const ay = ys[a];
    let maxArea = -1;
    let next = rangeStart;
    for (let j = rangeStart; j < rangeEnd; j++) {
      const area = Math.abs((ax - avgX) * (ys[j] - ay) - (ax - xs[j]) * (avgY - ay));
      if (area > maxArea) {
        maxArea = area;
        next = j;
      }
    }
    out.push(next);
    a = next;
  }
  out.push(end - 1);
  return out;
}

/**
 * Downsamples a series given as parallel arrays, where NaN in `ys` marks a gap, to about `threshold` points.
 * Each gap becomes one null point, and each run of data between gaps gets a share of the budget
 * proportional to its length.
 */
export function downsample(xs: Float64Array, ys: Float64Array, threshold: number): Point[] {
  const runs: Array<[number, number]> = [];
  let runStart = -1;
  for (let i = 0; i < ys.length; i++) {
    if (Number.isNaN(ys[i])) {
      if (runStart >= 0) runs.push([runStart, i]);
      runStart = -1;
    } else if (runStart < 0) runStart = i;
  }
  if (runStart >= 0) runs.push([runStart, ys.length]);
  const total = runs.reduce((n, [s, e]) => n + e - s, 0);
  const leading = runs.length > 0 && runs[0][0] > 0;
  const trailing = runs.length > 0 && runs[runs.length - 1][1] < ys.length;
  // One null point marks each gap (between runs, before the first, after the last); the rest of the budget
  // goes to the data.
  const gaps = runs.length - 1 + (leading ? 1 : 0) + (trailing ? 1 : 0);
  const budget = Math.max(runs.length * 2, threshold - gaps);
  const out: Point[] = [];
  if (leading) out.push([xs[runs[0][0] - 1], null]);
  runs.forEach(([s, e], k) => {
    if (k > 0) out.push([xs[s - 1], null]);
    const share = total <= budget ? e - s : Math.max(2, Math.round((budget * (e - s)) / total));
    for (const i of lttbIndices(xs, ys, s, e, share)) out.push([xs[i], ys[i]]);
  });
  if (trailing) out.push([xs[runs[runs.length - 1][1]], null]);
  return out;
}

/** LTTB over points, nulls being gaps. */
export function lttb(points: ReadonlyArray<Point>, threshold: number): Point[] {
  const xs = new Float64Array(points.length);
  const ys = new Float64Array(points.length);
  points.forEach(([x, y], i) => {
    xs[i] = x;
    ys[i] = y === null ? NaN : y;
  });
  return downsample(xs, ys, threshold);
}
