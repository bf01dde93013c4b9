import type { ReactNode } from 'react';

/** A table's first cell: what the row is (often a link to it), its id below in small monospace. */
export function NamedId({ id, children }: { id: string; children: ReactNode }) {
  return (
    <>
      {children}
      <div className="muted small mono">{id}</div>
    </>
  );
}
