import { useState } from 'react';
import type { SshHostTrust } from '../../../shared/api/hosts';
import type { DeskError } from '../../../shared/errors';
import { useDeskApi } from '../../app/desk-context';
import { useDeskQuery } from '../../app/use-desk-query';
import { toDeskError } from '../../desk-client/bridge-client';
import { Card } from '../../components/Card';

/** A refusal with its code and sentence (the page's own, so it depends on no other page's components). */
function Refused({ error, testId }: { error: DeskError | null; testId: string }) {
  if (!error) return null;
  return (
    <div className="banner banner-red" role="alert" data-testid={testId} data-code={error.code}>
      <code>{error.code}</code> {error.message}
    </div>
  );
}

/**
 * One SSH host of the topology: its pin, or the key it offers when asked (no credential is sent) for the
 * person to compare with the host's own (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` there), pinned
 * only on that confirmation and only if the host still offers that key.
 */
function HostRow({ h, onPinned }: { h: SshHostTrust; onPinned: () => void }) {
  const api = useDeskApi();
  const [offered, setOffered] = useState<{ fingerprint: string; keyType: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DeskError | null>(null);
  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(toDeskError(err));
    } finally {
      setBusy(false);
    }
  };
  const ask = () => act(async () => setOffered(await api.probeSshHost({ hostPort: h.hostPort })));
  const pin = () =>
    act(async () => {
      if (!offered) return;
      await api.pinSshHost({ hostPort: h.hostPort, fingerprint: offered.fingerprint });
      setOffered(null);
      onPinned();
    });
  const state = h.topologyFingerprint ? 'topology' : h.pinned ? 'pinned' : 'unpinned';
  return (
    <tr data-testid={`ssh-host-${h.name}`} data-state={state}>
      <td>
        <strong>{h.name}</strong> <span className="muted small">({h.site})</span>
        <div className="mono small">{h.hostPort}</div>
      </td>
      <td>
        {h.topologyFingerprint ? (
          <>
            From the topology: <code>{h.topologyFingerprint}</code>
          </>
        ) : h.pinned ? (
          <>
            Pinned {h.pinned.keyType}: <code data-testid="ssh-host-pinned">{h.pinned.fingerprint}</code>
          </>
        ) : (
          <span className="outcome error">Not pinned: DR Desk will not connect to it.</span>
        )}
        {offered && (
          <div className="claim small" data-testid="ssh-host-offered">
            {h.hostPort} offers the {offered.keyType} key <code>{offered.fingerprint}</code>. Compare it with what the host itself shows (on the host:{' '}
            <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>, or ask its administrator). Pin it only if it matches.
            <div className="form-actions">
              <button type="button" className="primary" onClick={pin} disabled={busy}>
                It matches: pin this key
              </button>
              <button type="button" onClick={() => setOffered(null)}>
                Cancel
              </button>
            </div>
          </div>
        )}
        <Refused error={error} testId={`ssh-host-${h.name}-refusal`} />
      </td>
      <td className="actions">
        {!h.topologyFingerprint && !offered && (
          <button type="button" onClick={ask} disabled={busy}>
            {busy ? 'Asking…' : h.pinned ? 'Ask again' : 'Ask the host for its key'}
          </button>
        )}
      </td>
    </tr>
  );
}

/** The topology's SSH hosts and their keys: nothing connects to a host whose key is neither in the topology nor pinned. */
export function HostKeys() {
  const q = useDeskQuery((api) => api.listSshHosts(), 'ssh-hosts', []);
  if (q.error) return <Refused error={q.error} testId="ssh-hosts-refusal" />;
  if (!q.data) return null;
  return (
    <Card title="SSH host keys" testId="ssh-hosts">
      {q.data.length === 0 ? (
        <div className="empty">The topology names no SSH hosts.</div>
      ) : (
        <table className="table">
          <tbody>
            {q.data.map((h) => (
              <HostRow key={h.hostPort} h={h} onPinned={q.reload} />
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
