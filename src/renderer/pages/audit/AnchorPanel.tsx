import { useState } from 'react';
import type { ExportedItem } from '../../../shared/api/approvals';
import { DeskError } from '../../../shared/errors';
import { useDeskApi } from '../../app/desk-context';
import { ExportPanel } from '../approvals-common/ExportPanel';
import { ImportBox } from '../approvals-common/ImportBox';
import { useExport } from '../approvals-common/use-export';
import { Refusal } from '../../app/Refusal';
import { Card } from '../../components/Card';

/**
 * The log anchored on colleagues' machines: send this log's signed head to an approver (after an execution,
 * or any time), co-sign a colleague's head (refused when it goes back on one this machine co-signed), and
 * keep a head of this log a colleague co-signed — verify then checks the log against it.
 */
export function AnchorPanel() {
  const api = useDeskApi();
  const { item, error, exportNow } = useExport(() => api.exportCheckpoint());
  const [back, setBack] = useState<ExportedItem | null>(null);
  const cosign = async (text: string) => {
    setBack(null);
    const r = await api.witnessCheckpoint({ text });
    setBack(r.export);
    return `Co-signed ${r.operator}'s audit log at entry ${r.count}: send it back to them.`;
  };
  const keep = async (text: string) => {
    const r = await api.importCosignedCheckpoint({ text });
    // Kept all the same; what it shows is the point: the log no longer holds that head.
    if (r.problem) throw new DeskError(r.problem.code, r.problem.message);
    return `Kept: entry ${r.count}, co-signed by ${r.witnesses.join(', ')}. Verify checks the log against it from now on.`;
  };
  return (
    <Card
      title="Heads co-signed on other machines"
      testId="audit-anchor"
      aside={<button type="button" onClick={exportNow}>Export this log&apos;s head</button>}
    >
      <p className="muted small">
        After an execution, send this log&apos;s signed head to an approver. Their machine co-signs it (and refuses one that goes back on a head it co-signed
        before); keep what comes back here. A deleted tail or a restored older database then shows however this machine&apos;s own records were changed.
      </p>
      <Refusal error={error} />
      {item && <ExportPanel item={item} testId="audit-anchor-export" what="approver (Audit page, Co-sign a colleague's head)" />}
      <div className="two-columns">
        <div>
          <h3 className="subhead">Co-sign a colleague&apos;s head</h3>
          <ImportBox label="Their checkpoint (token or file)" button="Co-sign" onImport={cosign} testId="audit-cosign-box" />
          {back && <ExportPanel item={back} testId="audit-cosign-export" what="operator (Audit page, Keep a co-signed head)" />}
        </div>
        <div>
          <h3 className="subhead">Keep a co-signed head of this log</h3>
          <ImportBox label="Co-signed checkpoint (token or file)" button="Keep" onImport={keep} testId="audit-keep-box" />
        </div>
      </div>
    </Card>
  );
}
