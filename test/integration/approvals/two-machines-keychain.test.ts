import { readdirSync, readFileSync, statSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditVerifyReport, IdentityInfo, RequestDetail } from '../../../src/shared/api/approvals';
import { identitySecretName } from '../../../src/main/approvals/identity';
import { KeyringSecretStore, probeKeychain } from '../../../src/main/store/keyring-secret-store';
import { drdesk, type Ran } from '../cli/cli-process';

/**
 * Three workstations as three data directories — operator (also the roster admin), IT approver, business
 * approver — each with its identity's private key in a real Secret Service, co-signing a DR activation
 * through files and chat tokens with the drdesk CLI. Then every file and every line the CLI printed is
 * scanned for the private keys in any encoding: none may appear outside the keychain.
 */
const root = mkdtempSync(join(tmpdir(), 'drdesk-two-machines-'));
const dirs = { ops: join(root, 'ops'), it: join(root, 'it'), biz: join(root, 'biz') };
const logs: Ran[] = [];
let skipReason: string | null = null;
const ids: Record<keyof typeof dirs, IdentityInfo | null> = { ops: null, it: null, biz: null };

async function run(dir: keyof typeof dirs, args: string[], expectCode = 0): Promise<Ran> {
  const r = await drdesk([...args, '--data-dir', dirs[dir]], { timeoutMs: 90_000 });
  logs.push(r);
  if (r.code !== expectCode) throw new Error(`drdesk ${args.join(' ')} exited ${r.code}, expected ${expectCode}\n${r.stderr}${r.stdout}`);
  return r;
}

beforeAll(async () => {
  const probe = await probeKeychain();
  if (!probe.ok) skipReason = `${probe.reason} — npm test runs this under dbus-run-session with gnome-keyring`;
});

afterAll(async () => {
  if (!skipReason)
    for (const [k, info] of Object.entries(ids)) if (info) await new KeyringSecretStore(dirs[k as keyof typeof dirs]).delete(identitySecretName(info.fingerprint));
  rmSync(root, { recursive: true, force: true });
});

describe('two machines co-sign through files and tokens, keys in the Secret Service', { timeout: 180_000 }, () => {
  it('creates an identity per machine with the private key stored and read back from the keychain', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    for (const [k, name] of [['ops', 'Olu Operator'], ['it', 'Ivan IT'], ['biz', 'Bea Business']] as const) {
      await run(k, ['identity', 'create', '--name', name]);
      ids[k] = JSON.parse((await run(k, ['identity', 'show', '--json'])).stdout) as IdentityInfo;
      expect(ids[k]?.keyStorage).toBe('Secret Service');
      const stored = await new KeyringSecretStore(dirs[k]).get(identitySecretName(ids[k]?.fingerprint ?? ''));
      expect(stored).toMatch(/^[A-Za-z0-9+/]+=*$/);
    }
  });

  it('two admins enroll the approvers (Ivan joins as second admin); the others trust the roster by fingerprint', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    await run('ops', ['roster', 'init']);
    const opsFp = ids.ops?.fingerprint ?? '';
    // Each change below needs two admins: proposed by Olu, co-signed by Ivan, imported back by Olu.
    const viaIvan = async (proposal: { stdout: string; stderr: string }, first = false) => {
      expect(proposal.stderr).toContain('not applied: it needs 2 admins and carries 1 (Olu Operator)');
      const signed = await run('it', ['roster', 'cosign', proposal.stdout.trim(), ...(first ? ['--trust-admin', opsFp] : [])]);
      await run('ops', ['roster', 'import', signed.stdout.trim()]);
    };
    const joining = await run('ops', ['roster', 'add', (await run('it', ['identity', 'export-token'])).stdout.trim(), '--roles', 'approver,admin', '--group', 'IT']);
    expect((await run('it', ['roster', 'cosign', joining.stdout.trim()], 3)).stderr).toContain('ROSTER_TRUST_REQUIRED');
    await viaIvan(joining, true);
    await viaIvan(await run('ops', ['roster', 'add', (await run('biz', ['identity', 'export-token'])).stdout.trim(), '--roles', 'approver', '--group', 'business']));
    await viaIvan(await run('ops', ['roster', 'update', opsFp, '--roles', 'admin,operator']));
    const rosterFile = join(root, 'roster-export.json');
    await run('ops', ['roster', 'export', '--out', rosterFile]);
    const refused = await run('biz', ['roster', 'import', rosterFile], 3);
    expect(refused.stderr).toContain('ROSTER_TRUST_REQUIRED');
    await run('biz', ['roster', 'import', (await run('ops', ['roster', 'export'])).stdout.trim(), '--trust-admin', opsFp]);
    expect((await run('biz', ['roster', 'list'])).stdout).toContain('Roster version 4');
  });

  let id = '';
  it('DR activation stays locked with the IT approval alone, naming the business requirement, and unlocks with both', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const plan = join(root, 'plan.json');
    writeFileSync(plan, JSON.stringify({ schema: 'drdesk.plan/1', runbook: 'dr-activation', steps: [{ n: 1, kind: 'action', title: 'Fence dc-1', command: 'replSetFreeze 600' }] }));
    const reqFile = join(root, 'request.json');
    const token = (await run('ops', ['request', 'create', '--action', 'dr-activation', '--target', 'rs-main', '--reason', 'DC site lost power at 09:52.', '--plan', plan, '--out', reqFile])).stdout.trim();
    expect(token).toMatch(/^drdesk1\./);
    id = (JSON.parse((await run('ops', ['request', 'list', '--json'])).stdout) as { id: string }[])[0].id;
    expect(readFileSync(reqFile, 'utf8')).toContain('"kind": "request"');
    await run('ops', ['approve', id, '--comment', 'mine'], 3).then((r) => expect(r.stderr).toContain('SELF_APPROVAL'));
    const itApproval = join(root, 'it-approval.json');
    await run('it', ['approve', reqFile, '--comment', 'Plan checked, DC unreachable.', '--out', itApproval]);
    const locked = JSON.parse((await run('ops', ['request', 'import', itApproval, '--request', id, '--json'])).stdout) as RequestDetail;
    expect(locked.unlocked).toBe(false);
    expect(locked.verification.summary).toBe('Locked: missing: 1 approver from business.');
    const bizToken = (await run('biz', ['approve', token, '--comment', 'Business accepts the data loss window.'])).stdout.trim();
    const unlocked = JSON.parse((await run('ops', ['request', 'import', bizToken, '--json'])).stdout) as RequestDetail;
    expect(unlocked).toMatchObject({ state: 'approved', unlocked: true });
    expect(unlocked.verification.requirements.map((r) => r.approvers.map((a) => a.name))).toEqual([['Ivan IT'], ['Bea Business']]);
  });

  it('every machine\'s audit log verifies; the operator\'s checkpoint is co-signed by both approvers', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const reports = await Promise.all((['ops', 'it', 'biz'] as const).map(async (k) => JSON.parse((await run(k, ['audit', 'verify', '--json', '--full'])).stdout) as AuditVerifyReport));
    expect(reports.every((r) => r.ok)).toBe(true);
    expect(reports[0].coSignedCheckpoints).toBe(2);
  });

  it("the operator's head goes to Ivan's machine, comes back co-signed, and verify checks the log against it", async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const head = (await run('ops', ['audit', 'checkpoint', '--request', id])).stdout.trim();
    const cosigned = await run('it', ['audit', 'cosign', head]);
    expect(cosigned.stderr).toContain("Co-signed Olu Operator's audit log");
    expect((await run('ops', ['audit', 'import-cosigned', cosigned.stdout.trim()])).stdout).toContain('co-signed by Ivan IT');
    const report = JSON.parse((await run('ops', ['audit', 'verify', '--json'])).stdout) as AuditVerifyReport;
    expect([report.ok, report.coSignedCheckpoints]).toEqual([true, 3]);
    // Its own head is not something this machine co-signs.
    expect((await run('ops', ['audit', 'cosign', head], 3)).stderr).toContain('CHECKPOINT_OWN_LOG');
  });

  it('no private key material in any data directory, export or CLI output (raw, hex, base64, base64url, PEM)', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const needles: Buffer[] = [];
    const secrets: string[] = [];
    for (const [k, info] of Object.entries(ids)) {
      const secret = (await new KeyringSecretStore(dirs[k as keyof typeof dirs]).get(identitySecretName(info?.fingerprint ?? ''))) ?? '';
      secrets.push(secret);
      const der = Buffer.from(secret, 'base64');
      const seed = der.subarray(der.length - 32);
      expect(seed.length).toBe(32);
      const pem = `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----`;
      for (const bytes of [seed, der]) {
        needles.push(bytes, Buffer.from(bytes.toString('hex')), Buffer.from(bytes.toString('hex').toUpperCase()));
        // Any 16-byte window of the key, in each text encoding, so partial or re-wrapped copies are caught too.
        for (const enc of ['base64', 'base64url'] as const) needles.push(Buffer.from(bytes.toString(enc).slice(0, 40)), Buffer.from(bytes.toString(enc).slice(-24, -2)));
      }
      needles.push(Buffer.from(pem.split('\n')[1].slice(0, 64)));
    }
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(root);
    expect(files.some((f) => f.endsWith('desk.sqlite'))).toBe(true);
    const haystacks = [...files.map((f) => ({ where: f, data: readFileSync(f) })), ...logs.map((l, i) => ({ where: `CLI output #${i}`, data: Buffer.from(l.stdout + l.stderr) }))];
    const found = haystacks.flatMap((h) => needles.filter((n) => h.data.includes(n)).map(() => h.where));
    expect(found).toEqual([]);
    // The detector works: each keychain value itself, and the PEM form, are caught.
    for (const secret of secrets) {
      expect(needles.some((n) => Buffer.from(secret).includes(n))).toBe(true);
      expect(needles.some((n) => Buffer.from(`-----BEGIN PRIVATE KEY-----\n${secret.match(/.{1,64}/g)?.join('\n')}\n-----END PRIVATE KEY-----`).includes(n))).toBe(true);
    }
    expect(haystacks.length).toBeGreaterThan(10);
  });
});
