import { z } from 'zod';
import type { SshHostTrust } from '../../shared/api/hosts';
import { DeskError } from '../../shared/errors';
import type { Topology } from '../../shared/topology';
import { HostKeyPins } from '../connectors/ssh-host-keys';
import { probeHostKey, type OfferedHostKey } from '../connectors/ssh-host-probe';
import { noInput, type MethodTable } from '../rpc/router';

/**
 * Confirming an SSH host's key in the UI, as `drdesk backup trust-host` does on a terminal: the host is asked
 * for its key (no credential is sent), the person compares the fingerprint shown with the host's own, and
 * the pin is made only if the host still offers exactly the fingerprint confirmed. Only hosts of the
 * topology can be asked, so the page cannot be used to probe arbitrary addresses.
 */
const SSH_FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export function hostTrustMethods(opts: { topology: () => Topology; db: ConstructorParameters<typeof HostKeyPins>[0]; probe?: (host: string, port: number) => Promise<OfferedHostKey> }): MethodTable {
  const pins = new HostKeyPins(opts.db);
  const probe = opts.probe ?? ((host: string, port: number) => probeHostKey(host, port));
  const hosts = (): SshHostTrust[] =>
    opts.topology().sites.flatMap((site) =>
      site.ssh.map((h) => {
        const hostPort = `${h.host}:${h.port}`;
        const pin = pins.get(hostPort);
        return { site: site.name, name: h.name, hostPort, topologyFingerprint: h.hostKeySha256 ?? null, pinned: pin ? { fingerprint: pin.fingerprint, keyType: pin.keyType, pinnedAt: pin.pinnedAt } : null };
      }),
    );
  const find = (hostPort: string): SshHostTrust => {
    const h = hosts().find((x) => x.hostPort === hostPort);
    if (!h) throw new DeskError('SSH_HOST_NOT_IN_TOPOLOGY', `${hostPort} is not an SSH host of the topology: only the topology's hosts are asked for their keys and pinned here.`, { hostPort });
    return h;
  };
  const split = (hostPort: string) => {
    const i = hostPort.lastIndexOf(':');
    return { host: hostPort.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(hostPort.slice(i + 1)) };
  };
  const hostPort = z.string().min(3).max(300);
  return {
    listSshHosts: { input: noInput, handler: async () => hosts() },
    probeSshHost: {
      input: z.strictObject({ hostPort }),
      handler: async (i: { hostPort: string }) => {
        find(i.hostPort);
        const { host, port } = split(i.hostPort);
        const offered = await probe(host, port);
        return { hostPort: i.hostPort, fingerprint: offered.fingerprint, keyType: offered.keyType };
      },
    },
    pinSshHost: {
      input: z.strictObject({ hostPort, fingerprint: z.string().regex(SSH_FINGERPRINT, 'an OpenSSH fingerprint "SHA256:…" (43 base64 characters)') }),
      handler: async (i: { hostPort: string; fingerprint: string }) => {
        find(i.hostPort);
        const { host, port } = split(i.hostPort);
        const offered = await probe(host, port);
        if (offered.fingerprint !== i.fingerprint)
          throw new DeskError(
            'SSH_FINGERPRINT_MISMATCH',
            `${i.hostPort} now offers ${offered.fingerprint}, not the ${i.fingerprint} you confirmed: nothing was pinned. Someone may be intercepting the connection; ask the host again and compare.`,
            { hostPort: i.hostPort, offered: offered.fingerprint, confirmed: i.fingerprint },
          );
        pins.pin(i.hostPort, offered.fingerprint, offered.keyType);
        return find(i.hostPort);
      },
    },
  };
}
