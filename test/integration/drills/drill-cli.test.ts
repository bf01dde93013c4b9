import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdSkipReason, startSshd, type SshdHandle } from '../../helpers/sshd';

const dir = mkdtempSync(join(tmpdir(), 'drdesk-drill-it-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function drdesk(args: string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(process.cwd(), 'bin/drdesk.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const pdfText = (file: string) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });

describe('drdesk drill', () => {
  it('--list names every scenario', async () => {
    const r = await drdesk(['drill', '--list']);
    expect(r.code).toBe(0);
    for (const n of ['dc-primary-failure', 'dc-site-loss', 'partition', 'corrupted-slice', 'failback']) expect(r.stdout).toContain(n);
  });

  it('dc-primary-failure end to end: PDF with the measured RTO and RPO and the verified cleanup', async () => {
    const out = join(dir, 'dpf.pdf');
    const r = await drdesk(['drill', '--sandbox', '--scenario', 'dc-primary-failure', '--fast', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const rto = /RTO (\d+\.\d) s/.exec(r.stdout)![1];
    const text = pdfText(out);
    expect(text).toContain('DC primary failure');
    expect(text).toMatch(new RegExp(`RTO\\s+60 s\\s+${rto} s`));
    expect(text).toContain('Cleanup');
    expect(text).toContain('Signed audit checkpoint');
  });

  it('the acceptance command as written: drdesk drill --sandbox --scenario dc-site-loss --out r.pdf', { timeout: 300_000 }, async () => {
    const cwd = mkdtempSync(join(dir, 'acceptance-'));
    const r = await drdesk(['drill', '--sandbox', '--scenario', 'dc-site-loss', '--out', 'r.pdf'], cwd);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stderr).toContain('baseline DC → DR to a local landing directory (the sandbox has no SSH hosts)');
    expect(r.stderr).toMatch(/shipped to local landing \(sandbox\): \S+\/landing\/DR/);
    const m = /dc-site-loss: PASSED — RTO (\d+\.\d) s \(target 60 s\), RPO (\d+\.\d) s \/ (\d+) writes/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const text = pdfText(join(cwd, 'r.pdf'));
    expect(text).toMatch(new RegExp(`RTO\\s+60 s\\s+${m![1]} s\\s+MET`));
    expect(text).toMatch(new RegExp(`RPO\\s+90 s\\s+${m![2]} s\\s+MET`));
    expect(text).toMatch(new RegExp(`count: ${m![3]} of \\d+ acknowledged writes absent on the target`));
    expect(text).toContain('Ivan IT (test');
    expect(text).toContain('Bea Business');
    expect(text).toMatch(/Policy\s+1 approver from IT AND 1 approver from business — satisfied/);
    expect(text).toMatch(/Head hash\s+[0-9a-f]{64}/);
    expect(text).toContain('Apply the latest verified slice from DC on DR');
    // Every page renders (the pages themselves were looked at: see the issue note).
    execFileSync('pdftoppm', ['-png', '-r', '60', join(cwd, 'r.pdf'), join(cwd, 'page')]);
    expect(readdirSync(cwd).filter((f) => /^page-\d+\.png$/.test(f)).length).toBeGreaterThanOrEqual(3);
  });

  describe.skipIf(sshdSkipReason !== null)(`with an SSH landing for DR's slices${sshdSkipReason ? ` (skipped: ${sshdSkipReason})` : ''}`, () => {
    let sshd: SshdHandle;
    let keyFile: string;
    beforeAll(async () => {
      sshd = await startSshd();
      keyFile = join(dir, 'landing-key');
      writeFileSync(keyFile, sshd.privateKey, { mode: 0o600 });
    });
    afterAll(() => sshd?.stop());

    it('dc-site-loss end to end: approvals, DR activation, PDF showing RTO, RPO, approvers and the checkpoint', async () => {
      const out = join(dir, 'dsl.pdf');
      const html = join(dir, 'dsl.html');
      const r = await drdesk(['drill', '--sandbox', '--scenario', 'dc-site-loss', '--fast', '--ssh-landing', `${sshd.user}@${sshd.host}:${sshd.port}:${sshd.landingDir}`, '--ssh-key', keyFile, '--ssh-host-key', sshd.hostKeyFingerprint(), '--out', out, '--html', html]);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/dc-site-loss: PASSED — RTO \d+\.\d s \(target 60 s\), RPO \d+\.\d s \/ \d+ writes/);
      const text = pdfText(out);
      expect(text).toMatch(/RTO\s+60 s\s+\d+\.\d s\s+MET/);
      expect(text).toMatch(/RPO\s+90 s\s+\d+\.\d s\s+MET/);
      expect(text).toContain('Ivan IT (test approver)');
      expect(text).toContain('Bea Business (test approver)');
      expect(text).toMatch(/Head hash\s+[0-9a-f]{64}/);
      expect(text).toContain('Apply the latest verified slice from DC on DR');
      expect(readFileSync(html, 'utf8')).toContain('<svg');
      // The key never lands in the report.
      expect(readFileSync(html, 'utf8')).not.toContain(sshd.privateKey.split('\n')[1]);
    });
  });
});
