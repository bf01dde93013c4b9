import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../src/main/reports/html';
import { sampleReport } from './sample-report';

describe('drill report HTML', () => {
  it('carries every item of the report and escapes what came from outside', () => {
    const html = renderReportHtml(sampleReport());
    for (const s of ['DC site loss → DR activation', 'DR activation (drill on the sandbox)', 'Olivia Operator', 'Ivan IT', 'Bea Business', 'SHA256:q1w2e3r4', 'Plan reviewed, fencing step present.', '1 approver from IT AND 1 approver from business', '21.4 s', '12.3 s', '246 writes missing', 'Data point recovered to', 'Apply the latest verified slice from DC on DR', 'Every step ran.', 'No traffic hook is configured', 'DC members revived', 'VERIFIED', "Tester's verdict", '9f2c4b1e0d3a5f6e', 'entries 371–412', '<svg'])
      expect(html).toContain(s);
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Self-contained: nothing fetched from anywhere.
    expect(html).not.toMatch(/<link|src="http|url\(http/);
  });

  it('shows failures plainly: missed targets, steps that did not run, a failed cleanup, no checkpoint', () => {
    const r = sampleReport();
    r.outcome = 'failed';
    r.measured.rtoMet = false;
    r.steps[3] = { ...r.steps[3], status: 'failed', error: 'SPLIT_BRAIN_RISK: dc-1 writable' };
    r.notRun = [{ n: 5, title: 'Make rs-dr on DR serve writes' }];
    r.cleanup = { ok: false, checks: [{ name: 'DC members revived', ok: false, detail: 'dc-2 still DOWN after 30 s' }] };
    r.audit.checkpoint = null;
    const html = renderReportHtml(r);
    expect(html).toContain('>FAILED<');
    expect(html).toContain('MISSED');
    expect(html).toContain('Steps that did not run');
    expect(html).toContain('dc-2 still DOWN after 30 s');
    expect(html).toContain('No signed checkpoint covers this drill.');
  });
});
