import { readFileSync } from 'node:fs';
import { DeskError } from '../../../shared/errors';
import { APPROVAL_ACTIONS, type ApprovalAction, type RequestState } from '../../../shared/api/approvals';
import { DATA_DIR_HELP, emitExport, printJson, readInput, requestText, withApprovals } from '../approvals-session';
import { readBundle } from '../../approvals/transport';
import { intOption } from '../args';
import { flags, strings, subcommand } from '../subcommand';

const HELP = `Usage: drdesk request <create|list|show|export|import|sync> [options]

Requests for switchover, DR activation, failback, drills and break-glass, signed by the requester and
unlocked only by the approvals the roster's policy requires.
  create --action A --target T --reason TEXT --plan FILE [--status FILE] [--expires-in MIN]
                          sign a request (actions: ${APPROVAL_ACTIONS.join(', ')}); prints its token
  list [--state S]        requests on this machine, newest first, with their state
  show ID                 everything a request will do, its approvals and each requirement's state
  export ID               the request as a token (and --out FILE); --drop DIR writes it to a shared folder
  import FILE|TOKEN [--request ID]
                          a request from the operator, or an approval/denial from an approver
                          (--request: the request you expect it for; another request's approval is refused)
  sync DIR                import every new request and approval from a shared folder
Options:
  --out FILE              also write the export as a JSON file
  --drop DIR              also write the export into a shared folder both machines see
  --json                  machine-readable output
${DATA_DIR_HELP}
Exit code: 0 done, 3 error or refusal (the reason code and sentence are printed).
`;

function readJsonFile(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (err) {
    throw new DeskError('USAGE', `Cannot read the ${what} ${path} as JSON: ${(err as Error).message}`);
  }
}

const OPTIONS = { ...strings('action', 'target', 'reason', 'plan', 'status', 'expires-in', 'state', 'request', 'out', 'drop', 'data-dir'), ...flags('json') };

const SUBCOMMANDS = ['create', 'list', 'show', 'export', 'import', 'sync'] as const;

export const run = subcommand({ name: 'request', help: HELP, options: OPTIONS, subcommands: SUBCOMMANDS, maxOperands: 1 }, async ({ values, sub, operands: [arg] }) => {
  const json = values.json ?? false;
  return withApprovals(values['data-dir'], async (a) => {
    const show = (d: Parameters<typeof requestText>[0], stream: NodeJS.WriteStream = process.stdout) => (json && stream === process.stdout ? printJson(d) : stream.write(requestText(d)));
    switch (sub) {
      case 'create': {
        if (!values.action || !(APPROVAL_ACTIONS as readonly string[]).includes(values.action)) throw new DeskError('USAGE', `--action is one of ${APPROVAL_ACTIONS.join(', ')}.`);
        if (!values.target || values.reason === undefined || !values.plan) throw new DeskError('USAGE', 'create needs --target, --reason and --plan FILE (the runbook plan as JSON).');
        const d = await a.createRequest({
          action: values.action as ApprovalAction,
          target: values.target,
          reason: values.reason,
          plan: readJsonFile(values.plan, 'plan'),
          statusSnapshot: values.status ? readJsonFile(values.status, 'status snapshot') : undefined,
          expiresInMinutes: intOption(values['expires-in'], 'expires-in', 1, 43_200),
        });
        process.stderr.write(requestText(d));
        process.stderr.write('Send this to the approvers (chat, file or shared folder):\n');
        emitExport(await a.exportRequest(d.id, values.drop), values.out, json);
        return 0;
      }
      case 'list': {
        const list = await a.listRequests({ state: values.state as RequestState | undefined });
        if (json) printJson(list);
        else
          for (const r of list)
            process.stdout.write(`${r.id}  ${r.state.padEnd(8)} ${r.action.padEnd(13)} ${r.target.padEnd(16)} ${r.createdAt}  ${r.requester.name ?? r.requester.fingerprint}${r.breakGlass ? '  BREAK-GLASS' : ''}\n`);
        return 0;
      }
      case 'show':
        if (!arg) throw new DeskError('USAGE', 'Give the request id (drdesk request list).');
        show(await a.getRequest(arg));
        return 0;
      case 'export':
        if (!arg) throw new DeskError('USAGE', 'Give the request id (drdesk request list).');
        emitExport(await a.exportRequest(arg, values.drop), values.out, json);
        return 0;
      case 'import': {
        const text = readInput(arg, 'request or approval');
        const kind = readBundle(text).kind;
        if (kind === 'request') show((await a.importRequest(text)).detail);
        else if (kind === 'decision') show((await a.importApproval(text, values.request)).detail);
        else throw new DeskError('USAGE', 'This is a roster export: use drdesk roster import.');
        return 0;
      }
      case 'sync': {
        if (!arg) throw new DeskError('USAGE', 'Give the shared folder to import from.');
        const r = await a.syncDropFolder(arg);
        if (json) printJson(r);
        else {
          for (const i of r.imported) process.stdout.write(`imported ${i.kind} ${i.id} from ${i.file}\n`);
          for (const x of r.refused) process.stdout.write(`refused ${x.file}: ${x.code}: ${x.message}\n`);
        }
        return r.refused.length ? 3 : 0;
      }
      default:
        throw new DeskError('USAGE', `Unknown request command "${sub}": use create, list, show, export, import or sync.`);
    }
  });
});
