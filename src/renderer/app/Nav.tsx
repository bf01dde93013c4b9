import { LEVEL_LABEL } from '../format/member-state';
import { NAV_GROUPS, type PageDefinition } from './pages';
import { useConnection, useHostKind, useOverview } from './desk-context';

export function Nav({ pages, activeId }: { pages: PageDefinition[]; activeId: string }) {
  const { overview } = useOverview();
  const level = overview?.status.level ?? 'unknown';
  return (
    <nav className="nav" aria-label="Pages">
      <div className="nav-brand">
        <div className="nav-title">DR Desk</div>
        <div className="nav-topology" title={overview?.topologyName}>
          {overview?.topologyName ?? 'Loading…'}
          {overview?.sandbox && <span className="tag">sandbox</span>}
        </div>
        <div className={`nav-status level-${level}`} data-testid="nav-status">
          <span className="dot" aria-hidden="true" />
          {LEVEL_LABEL[level]}
        </div>
      </div>
      {NAV_GROUPS.map((group) => {
        const inGroup = pages.filter((p) => p.group === group);
        if (!inGroup.length) return null;
        return (
          <div className="nav-group" key={group}>
            <div className="nav-group-title">{group}</div>
            {inGroup.map((p) => (
              <a key={p.id} href={`#/${p.id}`} className={p.id === activeId ? 'nav-link active' : 'nav-link'} aria-current={p.id === activeId ? 'page' : undefined}>
                {p.title}
              </a>
            ))}
          </div>
        );
      })}
      <ConnectionFooter />
    </nav>
  );
}

function ConnectionFooter() {
  const host = useHostKind();
  const connection = useConnection();
  const where = host === 'electron' ? 'Desktop app' : `Web host ${window.location.host}`;
  const state = connection.kind === 'open' ? 'connected' : connection.kind === 'connecting' ? 'connecting…' : 'reconnecting…';
  return (
    <div className={`nav-footer conn-${connection.kind}`} data-testid="connection-state" data-state={connection.kind}>
      {where} · {state}
    </div>
  );
}
