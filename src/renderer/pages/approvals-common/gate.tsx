import type { ReactNode } from 'react';
import type { IdentityInfo, RosterView } from '../../../shared/api/approvals';
import { useDeskQuery } from '../../app/use-desk-query';
import { hrefOf } from '../../app/hash-route';
import { IntegrityBanner } from './IntegrityBanner';
import { Refusal } from '../../app/Refusal';

export interface Me {
  identity: IdentityInfo;
  roster: RosterView;
  /** My entry in the roster; null when I am not enrolled yet. */
  person: RosterView['people'][number] | null;
}

/**
 * The approvals pages need this machine's identity and a trusted roster; until both exist they say which
 * step is missing and link to it, instead of failing on every call.
 */
export function WithIdentityAndRoster({ children }: { children: (me: Me) => ReactNode }) {
  const q = useDeskQuery(async (api) => ({ identity: await api.getIdentity(), roster: await api.getRoster() }), 'me');
  return (
    <>
      <IntegrityBanner />
      <Gate q={q}>{children}</Gate>
    </>
  );
}

function Gate({ q, children }: { q: ReturnType<typeof useDeskQuery<{ identity: IdentityInfo | null; roster: RosterView | null }>>; children: (me: Me) => ReactNode }) {
  if (q.error) return <Refusal error={q.error} />;
  if (!q.data) return <div className="empty">Loading…</div>;
  const { identity, roster } = q.data;
  if (!identity)
    return (
      <div className="card empty" data-testid="needs-identity">
        This workstation has no signing identity yet. <a href={hrefOf('identity')}>Create your identity</a> first.
      </div>
    );
  if (!roster)
    return (
      <div className="card empty" data-testid="needs-roster">
        There is no team roster on this workstation yet. <a href={hrefOf('roster')}>Import the roster or start one</a> first.
      </div>
    );
  const person = roster.people.find((p) => p.fingerprint === identity.fingerprint) ?? null;
  return <>{children({ identity, roster, person })}</>;
}
