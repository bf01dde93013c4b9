import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { DeskError } from '../../../shared/errors';
import { toDeskError } from '../../desk-client/bridge-client';
import { Refusal } from '../../app/Refusal';
import { readPickedFile } from './transfer';

/**
 * Paste a token or pick an exported file; `onImport` hands it to the engine, which verifies it. A refusal
 * is shown with its exact code and reason; `children` can add fields (e.g. a fingerprint to trust).
 */
export function ImportBox({
  label,
  button,
  onImport,
  testId,
  children,
}: {
  label: string;
  button: string;
  /** Resolves to the sentence to show, or null when the caller shows the outcome itself. */
  onImport: (text: string) => Promise<string | null>;
  testId: string;
  children?: ReactNode;
}) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DeskError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const run = async (value: string) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await onImport(value.trim()));
      setText('');
    } catch (err) {
      setError(toDeskError(err));
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) void run(text);
  };
  const pick = async () => {
    const input = fileRef.current;
    const content = input ? await readPickedFile(input) : null;
    if (content !== null) await run(content);
  };

  return (
    <form className="import-box" onSubmit={submit} data-testid={testId}>
      <label className="field-label">
        {label}
        <textarea className="token" value={text} onChange={(e) => setText(e.target.value)} rows={3} spellCheck={false} placeholder="drdesk1.… (or choose the exported file)" data-testid={`${testId}-text`} />
      </label>
      {children}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy || !text.trim()}>
          {busy ? 'Checking…' : button}
        </button>
        <label className="file-button">
          Choose file…
          <input ref={fileRef} type="file" accept=".json,.txt,application/json" onChange={pick} disabled={busy} data-testid={`${testId}-file`} />
        </label>
        {done && (
          <span className="outcome ok" role="status" data-testid={`${testId}-done`}>
            {done}
          </span>
        )}
      </div>
      <Refusal error={error} testId={`${testId}-refusal`} />
    </form>
  );
}
