import { DeskError } from '../../../shared/errors';
import { APPROVAL_ACTIONS, ROSTER_ROLES, type ApprovalAction, type RosterChange, type RosterRole } from '../../../shared/api/approvals';
import { DATA_DIR_HELP, emitExport, printJson, readInput, rosterText, withApprovals } from '../approvals-session';
import { intOption, parseOptions } from '../args';

const HELP = `Usage: drdesk roster <init|list|add|remove|update|policy|admin-threshold|cosign|export|import> [options]

The team roster: people (each with one or more keys), roles, approver groups, public keys and the approval
policy. Every version is signed by an admin and checked against the version before it.
  init                          start a roster with this identity as its only admin (two-admin rule on)
  list                          people, roles, groups, fingerprints and the policy
  add TOKEN --roles R[,R] [--group G] [--person FINGERPRINT]
                                enroll a key from its enrollment token (roles: ${ROSTER_ROLES.join(', ')});
                                --person: the new key belongs to the person holding that key
  remove FINGERPRINT            take a key off the roster
  update FINGERPRINT [--roles R[,R]] [--group G|--no-group]
  policy ACTION --require G:N[,G:N] [--max-expiry MIN] [--min-reason N]
                                approvals an action needs (G "any" for any group), e.g. IT:1,business:1
  admin-threshold N             admins (distinct persons) who must sign changes that need more than one
  cosign FILE|TOKEN [--trust-admin FINGERPRINT]
                                add your signature to a change another admin proposed; a new admin joining
                                co-signs the version that adds them, trusting the proposer's fingerprint
  export [--out FILE]           the whole signed roster, as a token (and a file)
  import FILE|TOKEN [--trust-admin FINGERPRINT]
                                apply roster versions from an admin; the first import needs the admin's
                                fingerprint, confirmed with them out of band
Changes are signed here by an admin. Adding a key or an approver, giving a role, removing an admin,
weakening a policy or lowering the threshold need the threshold of admins (2 by default, each person
counted once): the change is printed as a token for another admin (drdesk roster cosign). Removals and
stricter policies one admin signs alone. A fresh roster has one admin, who can sign alone only the version
adding a second admin (co-signed by that admin). Complete changes print a token for the other machines
(drdesk roster import).
Options:
  --json                        machine-readable output
${DATA_DIR_HELP}
`;

function roles(v: string | undefined): RosterRole[] | undefined {
  if (v === undefined) return undefined;
  const list = v.split(',').map((r) => r.trim()).filter(Boolean);
  const bad = list.filter((r) => !(ROSTER_ROLES as readonly string[]).includes(r));
  if (!list.length || bad.length) throw new DeskError('USAGE', `--roles takes a comma list of ${ROSTER_ROLES.join(', ')}${bad.length ? `; not "${bad.join('", "')}"` : ''}.`);
  return list as RosterRole[];
}

function requirements(v: string | undefined) {
  if (!v) throw new DeskError('USAGE', '--require is needed, e.g. --require IT:1,business:1 or --require any:2');
  return v.split(',').map((part) => {
    const m = /^\s*([^:]+):(\d+)\s*$/.exec(part);
    if (!m) throw new DeskError('USAGE', `--require takes GROUP:COUNT pairs, e.g. IT:1,business:1; not "${part}".`);
    return { group: m[1] === 'any' ? null : m[1], count: Number(m[2]) };
  });
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(
    args,
    {
      roles: { type: 'string' },
      group: { type: 'string' },
      'no-group': { type: 'boolean' },
      require: { type: 'string' },
      'max-expiry': { type: 'string' },
      'min-reason': { type: 'string' },
      'trust-admin': { type: 'string' },
      person: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  const [sub, arg, ...rest] = positionals;
  if (values.help || !sub) {
    process.stdout.write(HELP);
    return values.help ? 0 : 3;
  }
  if (rest.length) throw new DeskError('USAGE', `Unexpected arguments: ${rest.join(' ')}`);
  return withApprovals(values['data-dir'], async (a) => {
    const show = (r: Parameters<typeof rosterText>[0]) => (values.json ? printJson(r) : process.stdout.write(rosterText(r)));
    const report = ({ roster, export: item, pending }: Awaited<ReturnType<typeof a.proposeRosterChange>>, verb: string) => {
      process.stderr.write(rosterText(roster));
      if (pending)
        process.stderr.write(
          `Roster version ${roster.version} ${verb}, but not applied: it needs ${pending.needed} admins and carries ${pending.signedBy.length} (${pending.signedBy.join(', ')}), because ${pending.reasons.join('; ')}.\nSend this to another admin to co-sign (drdesk roster cosign):\n`,
        );
      else process.stderr.write(`Roster version ${roster.version} ${verb} and applied here. Send this to the other machines (drdesk roster import):\n`);
      emitExport(item, values.out, values.json ?? false);
      return 0;
    };
    const change = async (changes: RosterChange[]) => report(await a.proposeRosterChange(changes), 'signed');
    switch (sub) {
      case 'init':
        show(await a.initRoster());
        return 0;
      case 'list': {
        const r = await a.getRoster();
        if (!r) throw new DeskError('ROSTER_MISSING', 'There is no roster here yet: drdesk roster import FILE --trust-admin FINGERPRINT, or drdesk roster init.');
        show(r);
        return 0;
      }
      case 'add':
        return change([{ op: 'add', enrollmentToken: readInput(arg, 'enrollment token').trim(), roles: roles(values.roles) ?? ['viewer'], group: values.group ?? null, ...(values.person ? { person: values.person } : {}) }]);
      case 'remove':
        if (!arg) throw new DeskError('USAGE', 'Give the fingerprint of the person to remove (drdesk roster list).');
        return change([{ op: 'remove', fingerprint: arg }]);
      case 'update':
        if (!arg) throw new DeskError('USAGE', 'Give the fingerprint of the person to update (drdesk roster list).');
        return change([{ op: 'update', fingerprint: arg, roles: roles(values.roles), group: values['no-group'] ? null : values.group }]);
      case 'policy': {
        if (!arg || !(APPROVAL_ACTIONS as readonly string[]).includes(arg)) throw new DeskError('USAGE', `Give the action: one of ${APPROVAL_ACTIONS.join(', ')}.`);
        const current = (await a.getRoster())?.policy[arg as ApprovalAction];
        if (!current) throw new DeskError('ROSTER_MISSING', 'There is no roster here yet.');
        const policy = {
          requirements: values.require ? requirements(values.require) : current.requirements,
          maxExpiryMinutes: intOption(values['max-expiry'], 'max-expiry', 1, 43_200) ?? current.maxExpiryMinutes,
          minReasonLength: intOption(values['min-reason'], 'min-reason', 0, 2000) ?? current.minReasonLength,
        };
        return change([{ op: 'set-policy', action: arg as ApprovalAction, policy }]);
      }
      case 'admin-threshold': {
        const threshold = intOption(arg, 'admin-threshold', 1, 10);
        if (threshold === undefined) throw new DeskError('USAGE', 'Give the number of admins a change needs, e.g. drdesk roster admin-threshold 2.');
        return change([{ op: 'set-admin-threshold', threshold }]);
      }
      case 'cosign':
        return report(await a.cosignRosterChange(readInput(arg, 'proposed roster change'), values['trust-admin']), 'co-signed');
      case 'export':
        emitExport(await a.exportRoster(), values.out, values.json ?? false);
        return 0;
      case 'import':
        show(await a.applyRosterChange(readInput(arg, 'roster export'), values['trust-admin']));
        return 0;
      default:
        throw new DeskError('USAGE', `Unknown roster command "${sub}": use init, list, add, remove, update, policy, admin-threshold, cosign, export or import.`);
    }
  });
}
