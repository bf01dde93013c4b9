import { useEffect, type RefObject } from 'react';

/**
 * Performance marks around a chart draw, read by bench/chart: `chart-data:<id>` when the data arrives,
 * `chart-drawn:<id>` once every line is in the DOM and a frame has been painted, and the measure
 * `chart-draw:<id>` between the two.
 */
export function markDataReceived(id: string): void {
  performance.mark(`chart-data:${id}`);
}

const GIVE_UP_MS = 5_000;

export function useDrawTiming(id: string, container: RefObject<HTMLElement | null>, dataVersion: unknown, expectedLines: number): void {
  useEffect(() => {
    if (dataVersion === null || expectedLines === 0) return;
    const started = performance.now();
    let frame = 0;
    const check = () => {
      const el = container.current;
      const drawn = el ? el.querySelectorAll('.recharts-line-curve').length : 0;
      if (drawn >= expectedLines) {
        frame = requestAnimationFrame(() => {
          performance.mark(`chart-drawn:${id}`);
          if (performance.getEntriesByName(`chart-data:${id}`, 'mark').length) performance.measure(`chart-draw:${id}`, `chart-data:${id}`, `chart-drawn:${id}`);
          if (el) el.dataset.drawCount = String(Number(el.dataset.drawCount ?? 0) + 1);
        });
      } else if (performance.now() - started < GIVE_UP_MS) frame = requestAnimationFrame(check);
    };
    frame = requestAnimationFrame(check);
    return () => cancelAnimationFrame(frame);
  }, [id, container, dataVersion, expectedLines]);
}
