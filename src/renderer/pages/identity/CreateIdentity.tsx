import { useState, type FormEvent } from 'react';
import { useDeskApi } from '../../app/desk-context';
import { useCall } from '../../app/use-action';
import { Refusal } from '../../app/Refusal';
import { Field } from '../../components/form';
import { Card } from '../../components/Card';

/** Makes this workstation's Ed25519 key pair; the private half goes straight into the OS keychain. */
export function CreateIdentity({ onCreated }: { onCreated: () => void }) {
  const api = useDeskApi();
  const [name, setName] = useState('');
  const { busy, error, run } = useCall();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await run(() => api.createIdentity({ name: name.trim() }))) onCreated();
  };
  return (
    <Card title="Create your identity" as="form" className="form-card" onSubmit={submit} testId="create-identity">
      <p className="muted">
        One key pair per person on this workstation. Your requests and approvals are signed with it; the private key is stored in the OS keychain and never leaves
        this machine. Colleagues recognise you by the fingerprint.
      </p>
      <Field label="Your name, as colleagues know it">
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={80} placeholder="Ana Silva (IT)" autoComplete="name" />
      </Field>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy || !name.trim()}>
          {busy ? 'Creating key…' : 'Create identity'}
        </button>
      </div>
      <Refusal error={error} />
    </Card>
  );
}
