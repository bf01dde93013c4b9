import { useState } from 'react';

/**
 * Copies a value the page shows shortened. A browser may refuse the clipboard (no permission, an insecure
 * origin): the full value is then shown, selectable, instead.
 */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [outcome, setOutcome] = useState<'copied' | 'failed' | null>(null);
  const copy = () =>
    navigator.clipboard.writeText(value).then(
      () => setOutcome('copied'),
      () => setOutcome('failed'),
    );
  return (
    <span className="copy">
      <button type="button" className="copy-button" onClick={copy} aria-label={`Copy ${label}`} title={value}>
        Copy
      </button>
      {outcome === 'copied' && <span className="muted small">copied</span>}
      {outcome === 'failed' && (
        <span className="small">
          the clipboard is not available here; select it: <code className="copy-fallback">{value}</code>
        </span>
      )}
    </span>
  );
}
