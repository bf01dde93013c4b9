import { useDeskApi } from '../../app/desk-context';
import { ExportPanel } from '../approvals-common/ExportPanel';
import { ImportBox } from '../approvals-common/ImportBox';
import { useExport } from '../approvals-common/use-export';
import { Refusal } from '../../app/Refusal';
import { CosignBox } from './CosignBox';
import { Card } from '../../components/Card';

/**
 * Rosters travel like requests: the whole signed chain as a token or file to send to colleagues, and an
 * admin's newer version applied here (each version must be signed by an admin of the one before).
 */
export function RosterShare({ version, onApplied, isAdmin }: { version: number; onApplied: () => void; isAdmin: boolean }) {
  const api = useDeskApi();
  const { item, error, exportNow } = useExport(() => api.exportRoster());
  const apply = async (text: string) => {
    const r = await api.applyRosterChange({ text });
    onApplied();
    return `Roster is at version ${r.version}.`;
  };
  return (
    <Card title="Share the roster" testId="roster-share" aside={<button type="button" onClick={exportNow}>Export roster v{version}</button>}>
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
    </Card>
  );
}
