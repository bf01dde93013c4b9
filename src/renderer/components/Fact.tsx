import type { ReactNode } from 'react';

/** One named fact of a `dl.fields` list: the name above, the value below. */
export function Fact({ label, className, testId, children }: { label: ReactNode; className?: string; testId?: string; children: ReactNode }) {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd className={className} data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
