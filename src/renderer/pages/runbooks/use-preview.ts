import { useEffect, useState } from 'react';
import type { Plan, RunbookId } from '../../../shared/api/runbook-plan';
import type { DeskError } from '../../../shared/errors';
import { useDeskApi } from '../../app/desk-context';
import { toDeskError } from '../../desk-client/bridge-client';

export interface Preview {
  plan: Plan | null;
  digest: string | null;
  error: DeskError | null;
  loading: boolean;
}

/** The engine's plan for a runbook on this topology, as it would be signed; rebuilt when the inputs change. */
export function usePreview(runbook: RunbookId | null, site: string | null, currentPrimary: string | null, version: number): Preview {
  const api = useDeskApi();
  const [state, setState] = useState<Preview>({ plan: null, digest: null, error: null, loading: false });
  useEffect(() => {
    if (!runbook) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api.previewPlan({ runbook, ...(site ? { site } : {}), ...(currentPrimary ? { currentPrimary } : {}) }).then(
      (r) => live && setState({ plan: r.plan, digest: r.digest, error: null, loading: false }),
      (err: unknown) => live && setState({ plan: null, digest: null, error: toDeskError(err), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [api, runbook, site, currentPrimary, version]);
  return state;
}
