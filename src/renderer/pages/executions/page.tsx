import { useNow } from '../../app/desk-context';
import type { PageDefinition } from '../../app/pages';
import { ExecutionDetail } from './ExecutionDetail';
import { ExecutionList } from './ExecutionList';
import { LedgerExecutions } from './LedgerExecutions';
import { ReadyToRun } from './ReadyToRun';
import { navigate, useSubPath } from '../../app/hash-route';
import './executions.css';

function ExecutionsPage() {
  const [id] = useSubPath();
  const now = useNow(5000);
  return (
    <div className="runbook-pages">
      <header className="page-header">
        <h1>{id ? 'Execution' : 'Executions'}</h1>
        <p className="muted">Approved plans run step by step; each step has a deadline, and a stopped engine leaves an execution interrupted, never running.</p>
      </header>
      {id ? (
        <ExecutionDetail key={id} id={id} />
      ) : (
        <>
          <ReadyToRun onStarted={(ex) => navigate('executions', ex)} now={now} />
          <ExecutionList now={now} />
          <LedgerExecutions now={now} />
        </>
      )}
    </div>
  );
}

export const page: PageDefinition = { id: 'executions', title: 'Executions', group: 'Operate', order: 3, Component: ExecutionsPage };
