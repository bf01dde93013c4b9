import type { Risk } from './risks';

const ICON: Record<Risk['level'], string> = { red: '⚠', yellow: '⚠', info: 'ℹ' };

export function RiskList({ risks }: { risks: Risk[] }) {
  if (!risks.length) return <p className="muted" data-testid="risks">No particular risk found in the plan against the status seen here.</p>;
  return (
    <ul className="risk-list" data-testid="risks">
      {risks.map((r) => (
        <li key={`${r.code}-${r.text}`} className={`risk risk-${r.level}`} data-code={r.code}>
          <span aria-hidden="true">{ICON[r.level]}</span> {r.text}
        </li>
      ))}
    </ul>
  );
}
