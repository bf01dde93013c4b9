import { useCallback, useEffect, useRef, useState } from 'react';
import type { ExecutionProgress, ExecutionView } from '../../../shared/api/runbooks';
import type { DeskError } from '../../../shared/errors';
import { useDeskApi } from '../../app/desk-context';
import { toDeskError } from '../../desk-client/bridge-client';
import { isActive } from './status';

export interface ExecutionState {
  execution: ExecutionView | null;
  error: DeskError | null;
  /** Replace the view with one an action returned (resume, abort, confirm). */
  set: (e: ExecutionView) => void;
}

/** A progress event applied to the view at once; the full view follows from getExecution. */
function applyProgress(e: ExecutionView, p: ExecutionProgress): ExecutionView {
  const step = p.step;
  return {
    ...e,
    status: p.status,
    currentStep: p.currentStep,
    steps: step ? e.steps.map((s) => (s.n === step.n ? step : s)) : e.steps,
  };
}

/**
 * One execution, live: the engine's view, updated by every `executionProgress` event for it and re-read
 * after each (one read in flight at a time), and every few seconds while it runs in case an event was lost.
 */
export function useExecution(id: string): ExecutionState {
  const api = useDeskApi();
  const [execution, setExecution] = useState<ExecutionView | null>(null);
  const [error, setError] = useState<DeskError | null>(null);
  const inFlight = useRef(false);
  const again = useRef(false);

  const reload = useCallback(() => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    api
      .getExecution({ id })
      .then(
        (e) => {
          setExecution(e);
          setError(null);
        },
        (err: unknown) => setError(toDeskError(err)),
      )
      .finally(() => {
        inFlight.current = false;
        if (again.current) {
          again.current = false;
          reload();
        }
      });
  }, [api, id]);

  useEffect(() => {
    setExecution(null);
    reload();
    return api.subscribe('executionProgress', (p) => {
      if (p.executionId !== id) return;
      setExecution((e) => (e ? applyProgress(e, p) : e));
      reload();
    });
  }, [api, id, reload]);

  const active = execution ? isActive(execution.status) : false;
  useEffect(() => {
    if (!active) return;
    const t = setInterval(reload, 5000);
    return () => clearInterval(t);
  }, [active, reload]);

  return { execution, error, set: setExecution };
}
