import type { ReportCheck } from '../../../../shared/api/drill-report';

/** A list of pass/fail checks, each with what was found. */
export function Checks({ checks, testId }: { checks: ReportCheck[]; testId: string }) {
  if (!checks.length) return <p className="muted small">None.</p>;
  return (
    <ul className="checks" data-testid={testId}>
      {checks.map((c, i) => (
        <li key={`${c.name}-${i}`} className={c.ok ? 'check-ok' : 'check-bad'} data-ok={c.ok}>
          <span className="check-mark" aria-hidden="true">
            {c.ok ? '✓' : '✗'}
          </span>
          <span>
            <strong>{c.name}</strong> <span className="muted">{c.ok ? 'pass' : 'FAIL'}</span> — {c.detail}
          </span>
        </li>
      ))}
    </ul>
  );
}
