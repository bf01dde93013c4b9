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

/**
 * The engine's plan for a runbook on this topology, exactly as it would be signed into a request; built
 * again when an input (or `version`) changes. While it is rebuilt no plan is shown, so an old plan is never
 * taken for the new inputs.
 */
export function usePlanPreview(runbook: RunbookId | null, site: string | null, currentPrimary: string | null, version = 0): PlanPreview {
  const api = useDeskApi();
  const [state, setState] = useState<PlanPreview>({ plan: null, digest: null, error: null, loading: runbook !== null });
  useEffect(() => {
    if (!runbook) return;
    let live = true;
    setState({ plan: null, digest: null, error: null, loading: true });
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
