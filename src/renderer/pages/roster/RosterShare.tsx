import { useState } from 'react';
import type { ExportedItem } from '../../../shared/api/approvals';
import type { DeskError } from '../../../shared/errors';
import { useDeskApi } from '../../app/desk-context';
import { toDeskError } from '../../desk-client/bridge-client';
import { ExportPanel } from '../approvals-common/ExportPanel';
import { ImportBox } from '../approvals-common/ImportBox';
import { Refusal } from '../../app/Refusal';
import { CosignBox } from './CosignBox';

/**
 * Rosters travel like requests: the whole signed chain as a token or file to send to colleagues, and an
 * admin's newer version applied here (each version must be signed by an admin of the one before).
 */
export function RosterShare({ version, onApplied, isAdmin }: { version: number; onApplied: () => void; isAdmin: boolean }) {
  const api = useDeskApi();
  const [item, setItem] = useState<ExportedItem | null>(null);
  const [error, setError] = useState<DeskError | null>(null);
  const exportNow = async () => {
    setError(null);
    try {
      setItem(await api.exportRoster());
    } catch (err) {
      setError(toDeskError(err));
    }
  };
  const apply = async (text: string) => {
    const r = await api.applyRosterChange({ text });
    onApplied();
    return `Roster is at version ${r.version}.`;
  };
  return (
    <section className="card" data-testid="roster-share">
      <header className="card-header">
        <h2>Share the roster</h2>
        <button type="button" onClick={exportNow}>
          Export roster v{version}
        </button>
      </header>
      {item && item.fileName.includes(`-v${version}.`) && <ExportPanel item={item} testId="roster-export" what="colleagues (Roster page, Import)" />}
      <Refusal error={error} />
      <h3 className="subhead">Apply an update from an admin</h3>
      <ImportBox label="Roster token or file" button="Apply update" onImport={apply} testId="roster-update-box" />
      {isAdmin && (
        <>
          <h3 className="subhead">Co-sign a change from another admin</h3>
          <CosignBox testId="roster-cosign" onDone={onApplied} />
        </>
      )}
    </section>
  );
}
