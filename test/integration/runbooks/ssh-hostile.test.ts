import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topologySchema } from '../../../src/shared/topology';
import { HostKeyPins } from '../../../src/main/connectors/ssh-host-keys';
import { Executor } from '../../../src/main/runbooks/executor';
import { sshHandlers } from '../../../src/main/runbooks/steps/ssh-handler';
import { planDigest } from '../../../src/main/runbooks/plan-digest';
import { buildPlan } from '../../../src/main/runbooks/plans/index';
import { numberSteps } from '../../../src/main/runbooks/runbook';
import { MemorySecretStore } from '../../../src/main/store/memory-secret-store';
import { sshdSkipReason, startSshd, type SshdHandle } from '../../helpers/sshd';

const canary = `/tmp/drdesk-pwned-${randomBytes(6).toString('hex')}`;
const hostile = [`svc; touch ${canary}`, `$(touch ${canary})`, `\`touch ${canary}\``, `a'b"c && touch ${canary}`, `l1\ntouch ${canary}`, `| touch ${canary} #`];

describe.skipIf(sshdSkipReason !== null)(`hostile host and service names over a real sshd${sshdSkipReason ? ` (skipped: ${sshdSkipReason})` : ''}`, () => {
  let sshd: SshdHandle;
  const db = new Database(':memory:');
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
    db.close();
  });

  it('each value reaches the remote program as one literal argument and never runs as shell syntax', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set('dr-ssh-key', sshd.privateKey, 'ssh-key');
    const member = (name: string, port: number, role: 'primary' | 'secondary') => ({ name, host: '127.0.0.1', port, role });
    const topology = topologySchema.parse({
      sites: [
        { name: 'DC', role: 'dc', replicaSets: [{ name: 'rs-dc', members: [member('dc-1', 1, 'primary'), member('dc-2', 2, 'secondary')] }] },
        {
          name: 'DR',
          role: 'dr',
          replicaSets: [{ name: 'rs-dr', members: [member('dr-1', 3, 'primary'), member('dr-2', 4, 'secondary')] }],
          ssh: [{ name: 'dr-app', host: sshd.host, port: sshd.port, username: sshd.user, hostKeySha256: sshd.hostKeyFingerprint(), keySecret: 'dr-ssh-key' }],
        },
      ],
    });
    // The topology refuses these names at load; set them afterwards to prove the quoting holds on its own.
    Object.assign(topology.sites[1].ssh[0], { name: `dr-app; touch ${canary}`, services: hostile });
    const full = buildPlan('dr-activation', topology, { serviceStartArgv: ['printf', '[%s]\\n', '{service}'] });
    const sshSteps = full.steps.filter((s) => s.operation.op === 'ssh.exec').map(({ n: _n, ...s }) => s);
    expect(sshSteps).toHaveLength(hostile.length);
    const plan = { ...full, steps: numberSteps(sshSteps) };
    const executor = new Executor({ db, handlers: sshHandlers({ topology, secrets, pins: new HostKeyPins(db) }), audit: { append: () => undefined } });
    try {
      const v = await executor.settled(executor.start({ plan, planDigest: planDigest(plan), requestId: null, initiator: 'test' }).id);
      expect(v.status, JSON.stringify(v.steps.map((s) => s.error))).toBe('succeeded');
      v.steps.forEach((s, i) => {
        expect(s.attempts[0].output).toBe(`${s.target.host}: exit 0\n[${hostile[i]}]`);
        expect(s.command).toContain(`-- printf '[%s]\\n' '`);
      });
      expect(existsSync(canary)).toBe(false);
      expect(readdirSync('/tmp').filter((f) => f.startsWith('drdesk-pwned-'))).toEqual([]);
    } finally {
      executor.close();
    }
  });
});
