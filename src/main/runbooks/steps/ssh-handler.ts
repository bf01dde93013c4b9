import { DeskError } from '../../../shared/errors';
import type { Topology } from '../../../shared/topology';
import type { HostKeyPins } from '../../connectors/ssh-host-keys';
import { SshSession, type SshTarget } from '../../connectors/ssh-client';
import type { SecretStore } from '../../store/secret-store';
import type { OperationHandlers } from './step-handler';

export interface SshHandlerDeps {
  topology: Topology;
  secrets: SecretStore;
  pins: HostKeyPins;
}

/**
 * Remote commands over SSH. The plan carries an argument array; the connector quotes each argument as one
 * word for /bin/sh, so no value from the configuration can become shell syntax. The host must still be the
 * one the plan names (address, port, user) — a topology edited after approval is refused, not followed.
 */
export function sshHandlers(deps: SshHandlerDeps): OperationHandlers {
  const hosts = new Map<string, SshTarget>();
  for (const site of deps.topology.sites) for (const h of site.ssh) hosts.set(h.name, h);
  return {
    'ssh.exec': async (op, ctx) => {
      const h = hosts.get(op.target.host);
      if (!h) throw new DeskError('SSH_HOST_UNKNOWN', `SSH host "${op.target.host}" is not in the topology any more: rebuild the plan and request approval again.`);
      if (h.host !== op.target.address || h.port !== op.target.port || h.username !== op.target.username)
        throw new DeskError(
          'SSH_HOST_CHANGED',
          `SSH host "${op.target.host}" is now ${h.username}@${h.host}:${h.port} in the topology, but the approved plan names ${op.target.username}@${op.target.address}:${op.target.port}: request approval for the new plan.`,
        );
      const remaining = Math.max(1000, ctx.deadline - Date.now());
      const session = await SshSession.connect(h, { secrets: deps.secrets, pins: deps.pins, timeoutMs: Math.min(remaining, 15_000) });
      const onAbort = () => session.destroy();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const r = await session.exec(op.argv, remaining);
        const out = [r.stdout.trim(), r.stderr.trim()].filter(Boolean).join('\n').slice(0, 4000);
        if (r.code !== 0)
          throw new DeskError('REMOTE_COMMAND_FAILED', `${op.argv.join(' ')} on ${op.target.host} exited with ${r.code ?? 'a signal'}${out ? `: ${out.split('\n').slice(-3).join(' | ')}` : ''}. Check the service on that host.`);
        if (out) ctx.log(out);
        return { summary: `${op.target.host}: exit 0`, data: { exitCode: 0 } };
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
        session.close();
      }
    },
  };
}
