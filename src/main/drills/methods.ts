import { z } from 'zod';
import { noInput, type MethodTable } from '../rpc/router';
import { limit, name } from '../runbooks/methods';
import type { DrillService } from './drill-service';

const drillId = z.string().regex(/^drill-[0-9]{14}-[0-9a-f]{8}$/, 'a drill id "drill-…"');

/** DeskApi's drill methods: the scenarios, a run, its report, the tester's verdict and the exports. */
export function drillMethods(drills: DrillService): MethodTable {
  return {
    listDrills: { input: noInput, handler: async () => drills.scenarios() },
    runDrill: { input: z.strictObject({ scenario: name, tester: name.optional() }), handler: (i) => drills.start(i.scenario, i.tester) },
    listDrillRuns: { input: limit, handler: async (i) => drills.runs(i?.limit) },
    getDrillReport: { input: z.strictObject({ drillId }), handler: async (i) => drills.report(i.drillId) },
    setDrillVerdict: {
      input: z.strictObject({ drillId, verdict: z.enum(['pending', 'pass', 'pass-with-findings', 'fail']), notes: z.string().max(8000), tester: name }),
      handler: async (i) => drills.setVerdict(i.drillId, i.verdict, i.notes, i.tester),
    },
    exportDrillReport: { input: z.strictObject({ drillId, format: z.enum(['pdf', 'html']) }), handler: (i) => drills.export(i.drillId, i.format) },
  };
}
