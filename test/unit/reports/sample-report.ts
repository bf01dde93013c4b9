import type { DrillReport } from '../../../src/shared/api/drill-report';

/** A complete report as a dc-site-loss drill would produce it, for renderer tests. */
export function sampleReport(): DrillReport {
  const t0 = Date.parse('2025-06-01T10:00:00.000Z');
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  const titles = ['The latest backup slice on DR is verified (checksum and chain)', 'Fence DC: freeze its secondaries and step down a reachable primary for 900 s', 'No DC member answers as a writable primary (split-brain guard)', 'Apply the latest verified slice from DC on DR', 'Make rs-dr on DR serve writes (primary dr-1)', 'A write to rs-dr on DR is acknowledged by a majority', 'Start the application on DR (sandbox)', 'Application on DR answers its health checks', 'Switch traffic to DR', 'Application on DR answers its health checks', 'DC still takes no writes'];
  return {
    id: 'drill-20250601-100000-ab12cd34',
    generatedAt: at(40),
    scenario: { name: 'dc-site-loss', title: 'DC site loss → DR activation', description: 'Every DC member is killed under a live workload; DR is activated from the latest verified slice.', runbook: 'dr-activation', expectation: 'DR serves the application within the RTO target, missing no more than the RPO target of acknowledged writes.' },
    operation: 'DR activation (drill on the sandbox)',
    initiator: 'Olivia Operator (operator)',
    topology: {
      name: 'DR Desk sandbox',
      sites: [
        { name: 'DC', role: 'dc', replicaSets: [{ name: 'rs-dc', members: [{ name: 'dc-1', address: '127.0.0.1:40001', role: 'primary' }, { name: 'dc-2', address: '127.0.0.1:40002', role: 'secondary' }, { name: 'dc-3', address: '127.0.0.1:40003', role: 'arbiter' }] }], appHealthUrls: ['http://127.0.0.1:40100/app/DC/health'] },
        { name: 'DR', role: 'dr', replicaSets: [{ name: 'rs-dr', members: [{ name: 'dr-1', address: '127.0.0.1:40004', role: 'primary' }, { name: 'dr-2', address: '127.0.0.1:40005', role: 'secondary' }, { name: 'dr-3', address: '127.0.0.1:40006', role: 'arbiter' }] }], appHealthUrls: ['http://127.0.0.1:40100/app/DR/health'] },
      ],
    },
    plan: { runbook: 'dr-activation', title: 'DR activation: DC → DR', digest: 'sha256:3f1c0d5a9e0b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d', steps: 11 },
    request: { id: 'req_AbCdEfGhIjKlMnOpQrSt', reason: 'Quarterly DR drill: DC site loss <script>alert(1)</script>', createdAt: at(1), expiresAt: at(3601) },
    approvals: [
      { name: 'Ivan IT', group: 'IT', fingerprint: 'SHA256:q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c', comment: 'Plan reviewed, fencing step present.', at: at(2) },
      { name: 'Bea Business', group: 'business', fingerprint: 'SHA256:m1n2b3v4c5x6z7l8k9j0h1g2f3d4s5a6p7o8i9u0y1t', comment: 'OK for the drill window.', at: at(3) },
    ],
    policy: { description: '1 approver from IT AND 1 approver from business', satisfied: true, expiresAt: at(3601) },
    breakGlass: null,
    outcome: 'passed',
    startedAt: at(0),
    finishedAt: at(38),
    durationMs: 38_000,
    targets: { rtoSeconds: 60, rpoSeconds: 90 },
    measured: { rtoSeconds: 21.4, rtoFrom: 'the injected failure (DC killed)', rtoTo: 'the application healthy on DR', rpoSeconds: 12.3, rpoWrites: 246, acknowledgedWrites: 4810, recoveredTo: at(3.7), rtoMet: true, rpoMet: true },
    expectations: [{ name: 'DR serves writes', ok: true, detail: 'probe write acknowledged by a majority via dr-1' }],
    steps: titles.map((title, i) => ({ n: i + 1, title, kind: i === 2 ? 'precheck' : 'action', target: i < 3 ? 'DC' : 'DR', status: 'succeeded', startedAt: at(5 + i * 2), finishedAt: at(6 + i * 2), durationMs: 1000 + i * 37, error: null })),
    notRun: [],
    timeline: [
      { t: 0, label: 'workload running' },
      { t: 4, label: 'DC killed' },
      { t: 5, label: 'execution started' },
      { t: 25.4, label: 'application healthy on DR' },
    ],
    warnings: ['No traffic hook is configured: a person confirms the traffic switch by hand.'],
    errors: [],
    chart: Array.from({ length: 39 }, (_, i) => ({ t: i, lagSeconds: i < 4 ? 2 + (i % 2) : Math.min(12.3, 2 + (i - 4) * 1.1), missingWrites: i < 4 ? 40 : i < 20 ? 246 : 246 })),
    cleanup: { ok: true, checks: [{ name: 'DC members revived', ok: true, detail: 'dc-1 SECONDARY, dc-2 PRIMARY, dc-3 ARBITER' }, { name: 'Faults healed', ok: true, detail: 'no partition, lag or freeze left' }] },
    verdict: { verdict: 'pending', tester: '', notes: '', at: null },
    audit: { checkpoint: { entries: 412, headHash: '9f2c4b1e0d3a5f6e7d8c9b0a1f2e3d4c5b6a7980f1e2d3c4b5a6978877665544', signedBy: 'Olivia Operator', fingerprint: 'SHA256:z9x8c7v6b5n4m3l2k1j0h9g8f7d6s5a4q3w2e1r0t9y', signature: 'b64:Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEyMzQ1Njc4OQ', at: at(39) }, firstSeq: 371, lastSeq: 412, note: 'Verify with: drdesk audit verify — the head hash at entry 412 must match.' },
  };
}
