import { useState, type FormEvent } from 'react';
import type { SecretInfo } from '../../../shared/monitor';
import { useDeskApi } from '../../app/desk-context';
import { toDeskError } from '../../desk-client/bridge-client';
import { formatClock } from '../../format/time';
import { isReservedSecretName } from './secret-refs';
import { Field, Select } from '../../components/form';
import { Card } from '../../components/Card';

const KINDS: Array<{ id: SecretInfo['kind']; label: string }> = [
  { id: 'password', label: 'Password' },
  { id: 'ssh-key', label: 'SSH private key' },
  { id: 'passphrase', label: 'Key passphrase' },
  { id: 'other', label: 'Other' },
];

export interface FormPreset {
  name: string;
  kind: SecretInfo['kind'];
}

/**
 * Sends a secret once. The value field is cleared as soon as it is sent, whatever the outcome, and nothing
 * ever reads a value back: the engine answers with the name, kind and time only.
 */
export function SecretForm({ preset, onSaved }: { preset: FormPreset | null; onSaved: (info: SecretInfo) => void }) {
  const api = useDeskApi();
  const [name, setName] = useState(preset?.name ?? '');
  const [kind, setKind] = useState<SecretInfo['kind']>(preset?.kind ?? 'password');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // The engine refuses these too; saying so here keeps the value from being sent at all.
    if (isReservedSecretName(name)) {
      setOutcome({ ok: false, text: `SECRET_NAME_RESERVED: "${name.trim()}" is reserved for DR Desk's own signing keys and records: choose another name.` });
      return;
    }
    const sent = value;
    setValue('');
    setBusy(true);
    setOutcome(null);
    try {
      const info = await api.setSecret({ name: name.trim(), kind, value: sent });
      setOutcome({ ok: true, text: `Saved "${info.name}" at ${formatClock(info.setAt)}.` });
      onSaved(info);
    } catch (err) {
      const de = toDeskError(err);
      setOutcome({ ok: false, text: `${de.code}: ${de.message}` });
    } finally {
      setBusy(false);
    }
  };

  const multiline = kind === 'ssh-key';
  return (
    <Card title="Set a secret" as="form" className="secret-form" onSubmit={submit} label="Set a secret" testId="secret-form">
      <Field label="Name" className="">
        <input value={name} onChange={(e) => setName(e.target.value)} pattern="[A-Za-z0-9._\-]{1,64}" required autoComplete="off" spellCheck={false} placeholder="dc-db-password" />
      </Field>
      <Field label="Kind" className="">
        <Select value={kind} onChange={(e) => setKind(e.target.value as SecretInfo['kind'])} options={KINDS.map((k) => ({ value: k.id, label: k.label }))} />
      </Field>
      <Field label="Value" className="">
        {multiline ? (
          <textarea value={value} onChange={(e) => setValue(e.target.value)} required rows={5} autoComplete="off" spellCheck={false} className="secret-value" data-testid="secret-value" />
        ) : (
          <input type="password" value={value} onChange={(e) => setValue(e.target.value)} required autoComplete="new-password" data-testid="secret-value" />
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save to keychain'}
        </button>
        {outcome && (
          <span className={outcome.ok ? 'outcome ok' : 'outcome error'} role={outcome.ok ? 'status' : 'alert'} data-testid="secret-outcome">
            {outcome.text}
          </span>
        )}
      </div>
      <p className="muted small">The value is sent once to the engine, stored in the keychain and never shown again.</p>
    </Card>
  );
}
