/**
 * Memory of the default topology (DC + DR, default timing) under the SOAR write workload.
 *   npx tsx bench/sandbox/memory.ts [--ops 500] [--minutes 10] [--sample-seconds 10]
 * Run with `npx tsx --expose-gc ...` to sample after a full GC (the live set).
 * Prints RSS and heap at start, every sample, and a summary (peak, end, per acknowledged write). The
 * workload's driver client runs in the same process, as it does in `drdesk sandbox --workload`.
 */
import { parseArgs } from 'node:util';
import { startSandbox } from '../../src/main/sandbox';

const { values } = parseArgs({ options: { ops: { type: 'string', default: '500' }, minutes: { type: 'string', default: '10' }, 'sample-seconds': { type: 'string', default: '10' } } });
const ops = Number(values.ops);
const minutes = Number(values.minutes);
const sampleMs = Number(values['sample-seconds']) * 1000;

const mb = (n: number): string => (n / 1048576).toFixed(1);
const sb = await startSandbox({});
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const base = process.memoryUsage();
console.log(`start: rss ${mb(base.rss)} MB, heapUsed ${mb(base.heapUsed)} MB (workload ${ops} ops/s for ${minutes} min)`);
sb.startWorkload(ops);
const t0 = Date.now();
let peakRss = base.rss;
let peakHeap = base.heapUsed;
const cpu0 = process.cpuUsage();
while (Date.now() - t0 < minutes * 60_000) {
  await new Promise((r) => setTimeout(r, Math.min(sampleMs, minutes * 60_000 - (Date.now() - t0))));
  // With --expose-gc each sample is taken after a full collection: the live set, not garbage not yet freed.
  gc?.();
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
  const st = sb.state();
  const dc1 = st.members.find((x) => x.name === 'dc-1')!;
  const dc2 = st.members.find((x) => x.name === 'dc-2')!;
  console.log(
    `${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s: rss ${mb(m.rss)} MB heapUsed ${mb(m.heapUsed)} MB external ${mb(m.external + m.arrayBuffers)} MB; ` +
      `acked ${st.workload.acknowledged} (majority ${st.workload.acknowledgedMajority}, failed ${st.workload.failed}); ` +
      `oplog entries dc-1 ${dc1.oplogEntries} dc-2 ${dc2.oplogEntries}; dc-2 lag ${dc2.lagMs} ms`,
  );
}
await sb.stopWorkload();
const cpu = process.cpuUsage(cpu0);
const elapsed = (Date.now() - t0) / 1000;
const st = sb.state();
gc?.();
const end = process.memoryUsage();
console.log('--- summary ---');
console.log(`workload: ${st.workload.acknowledged} writes acknowledged in ${elapsed.toFixed(0)} s = ${(st.workload.acknowledged / elapsed).toFixed(1)} ops/s (majority ${st.workload.acknowledgedMajority}, failed ${st.workload.failed})`);
console.log(`rss: start ${mb(base.rss)} MB, peak ${mb(peakRss)} MB, end ${mb(end.rss)} MB; heapUsed: start ${mb(base.heapUsed)} MB, peak ${mb(peakHeap)} MB, end${gc ? ' (after GC)' : ''} ${mb(end.heapUsed)} MB`);
console.log(`growth per acknowledged write: ${((end.rss - base.rss) / Math.max(1, st.workload.acknowledged)).toFixed(0)} bytes RSS`);
console.log(`cpu: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s over ${elapsed.toFixed(0)} s = ${(((cpu.user + cpu.system) / 1e6 / elapsed) * 100).toFixed(0)}% of one core`);
await sb.stop();
