import { useEffect, useState } from 'react';
import type { Plan, RunbookId } from '../../../shared/api/runbook-plan';
import type { DeskError } from '../../../shared/errors';
import { useDeskApi } from '../../app/desk-context';
import { toDeskError } from '../../desk-client/bridge-client';

export interface PlanPreview {
  plan: Plan | null;
  digest: string | null;
  error: DeskError | null;
  loading: boolean;
}

/** The runbook engine's plan for these inputs, exactly as it would be signed into the request. */
export function usePlanPreview(runbook: RunbookId, site: string | null, currentPrimary: string | null): PlanPreview {
  const api = useDeskApi();
  const [state, setState] = useState<PlanPreview>({ plan: null, digest: null, error: null, loading: true });
  useEffect(() => {
    let live = true;
    setState({ plan: null, digest: null, error: null, loading: true });
    const input = runbook === 'switchover' ? { runbook, ...(site ? { site } : {}), ...(currentPrimary ? { currentPrimary } : {}) } : { runbook };
    api.previewPlan(input).then(
      (r) => live && setState({ plan: r.plan, digest: r.digest, error: null, loading: false }),
      (err: unknown) => live && setState({ plan: null, digest: null, error: toDeskError(err), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [api, runbook, site, currentPrimary]);
  return state;
}
