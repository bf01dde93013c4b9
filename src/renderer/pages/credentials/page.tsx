import { useCallback, useEffect, useState } from 'react';
import type { SecretInfo } from '../../../shared/monitor';
import { useConnection, useDeskApi, useHostKind, useNow } from '../../app/desk-context';
import type { PageDefinition } from '../../app/pages';
import { toDeskError } from '../../desk-client/bridge-client';
import { HostKeys } from './HostKeys';
import { secretBackendLabel, secretRefs, type SecretRef } from './secret-refs';
import { SecretForm, type FormPreset } from './SecretForm';
import { mergeRows, SecretTable } from './SecretTable';
import { Card } from '../../components/Card';

function CredentialsPage() {
  const api = useDeskApi();
  const host = useHostKind();
  const now = useNow(10_000);
  const connected = useConnection().kind === 'open';
  const [secrets, setSecrets] = useState<SecretInfo[] | null>(null);
  const [refs, setRefs] = useState<SecretRef[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [preset, setPreset] = useState<{ n: number; value: FormPreset | null }>({ n: 0, value: null });

  const reload = useCallback(() => {
    api.listSecrets().then(
      (list) => (setSecrets(list), setError(null)),
      (err: unknown) => setError(`${toDeskError(err).code}: ${toDeskError(err).message}`),
    );
  }, [api]);

  useEffect(() => {
    if (!connected) return;
    reload();
    api.getTopology().then(
      (t) => setRefs(secretRefs(t.topology)),
      () => setRefs([]),
    );
  }, [api, reload, connected]);

  const remove = async (name: string) => {
    try {
      await api.deleteSecret({ name });
      reload();
    } catch (err) {
      const e = toDeskError(err);
      setError(`${e.code}: ${e.message}`);
    }
  };

  return (
    <div className="credentials">
      <header className="page-header">
        <h1>Credentials</h1>
        <p className="muted" data-testid="secret-backend">
          Stored in <strong>{secretBackendLabel(host, navigator.platform)}</strong>. Values go in once and never come back out.
        </p>
      </header>
      {error && (
        <div className="banner banner-red" role="alert">
          {error}
        </div>
      )}
      <div className="credentials-grid">
        <Card title="Secrets">
          {secrets === null ? <div className="empty">Loading…</div> : <SecretTable rows={mergeRows(secrets, refs)} now={now} onDelete={remove} onSet={(r) => setPreset((p) => ({ n: p.n + 1, value: { name: r.name, kind: r.kind } }))} />}
        </Card>
        <SecretForm key={preset.n} preset={preset.value} onSaved={reload} />
      </div>
      <HostKeys />
    </div>
  );
}

export const page: PageDefinition = { id: 'credentials', title: 'Credentials', group: 'Settings', order: 1, Component: CredentialsPage };
