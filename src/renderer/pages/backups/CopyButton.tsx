import { useState } from 'react';

/** Copies a value the page shows shortened; says whether it worked (a browser may refuse the clipboard). */
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
      {outcome === 'failed' && <span className="outcome error small">the clipboard is not available here: select the value in the tooltip</span>}
    </span>
  );
}
