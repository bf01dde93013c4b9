import { useState } from 'react';
import type { ExportedItem } from '../../../shared/api/approvals';
import { useCall } from '../../app/use-action';

/** An Export button's state: the last item exported (kept when a later export is refused) and the refusal. */
export function useExport(load: () => Promise<ExportedItem>) {
  const [item, setItem] = useState<ExportedItem | null>(null);
  const { error, run } = useCall();
  const exportNow = async () => {
    const exported = await run(load);
    if (exported) setItem(exported);
  };
  return { item, error, exportNow };
}
