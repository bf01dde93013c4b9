import { useState } from 'react';
import type { ExportedItem } from '../../../shared/api/approvals';
import { copyText, downloadText } from './transfer';

/**
 * An export ready to travel: the compact token (fits in a chat message) with a copy button, and the same
 * content as a file to download — whichever way the two machines can reach each other.
 */
export function ExportPanel({ item, testId, what }: { item: ExportedItem; testId: string; what: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => setCopied(await copyText(item.token));
  return (
    <div className="export-panel" data-testid={testId}>
      <label className="field-label">
        Token for a chat message or e-mail ({item.token.length.toLocaleString()} characters)
        <textarea className="token" readOnly value={item.token} rows={3} spellCheck={false} onFocus={(e) => e.currentTarget.select()} data-testid={`${testId}-token`} />
      </label>
      <div className="form-actions">
        <button type="button" className="primary" onClick={copy}>
          Copy token
        </button>
        <button type="button" onClick={() => downloadText(item.fileName, item.file)} title={item.fileName}>
          Download file
        </button>
        <span className="muted small mono">{item.fileName}</span>
        {copied !== null && (
          <span className={copied ? 'outcome ok' : 'outcome error'} role="status">
            {copied ? `Copied: paste it to the ${what}.` : 'The clipboard refused: select the token and copy it by hand.'}
          </span>
        )}
      </div>
    </div>
  );
}

/** A button that copies one short text (a fingerprint, an enrollment token) and says so. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <button type="button" onClick={async () => setCopied(await copyText(text))}>
      {copied === null ? label : copied ? 'Copied' : 'Copy refused: select it'}
    </button>
  );
}
