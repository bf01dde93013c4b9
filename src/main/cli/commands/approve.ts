import { writeFileSync } from 'node:fs';
import { DeskError } from '../../../shared/errors';
import { DATA_DIR_HELP, emitExport, printJson, readInput, requestText, withApprovals } from '../approvals-session';
import { flags, strings, subcommand } from '../subcommand';

const help = (verb: 'approve' | 'deny') => `Usage: drdesk ${verb} <REQUEST-ID|TOKEN|FILE> --comment TEXT [options]

${verb === 'approve' ? 'Approve' : 'Deny'} a request with your identity. Give the request's token or file (it is imported and
verified first) or the id of a request already imported. The request — its plan step by step, target,
reason and expiry — is printed before the decision is signed. Prints the signed ${verb === 'approve' ? 'approval' : 'denial'} as a token
for the requester (drdesk request import).
Options:
  --comment TEXT          why (required${verb === 'deny' ? '' : '; say what you checked'})
  --out FILE              also write the decision as a JSON file
  --drop DIR              also write it into a shared folder both machines see
  --json                  machine-readable output
${DATA_DIR_HELP}
Exit code: 0 signed, 3 refused or error (the reason code and sentence are printed).
`;

const OPTIONS = { ...strings('comment', 'out', 'drop', 'data-dir'), ...flags('json') };

export function decide(verb: 'approve' | 'deny', args: string[]): Promise<number> {
  return subcommand({ name: verb, help: help(verb), options: OPTIONS, minOperands: 1 }, async ({ values, operands: [target] }) => {
    if (values.comment === undefined) throw new DeskError('USAGE', `--comment is required: say why you ${verb}.`);
    return withApprovals(values['data-dir'], async (a) => {
      const id = /^req_[A-Za-z0-9_-]{20}$/.test(target) ? target : (await a.importRequest(readInput(target, 'request'))).detail.id;
      process.stderr.write(requestText(await a.getRequest(id)));
      const { decision, export: item } = await a.decide(id, verb, values.comment ?? '');
      if (values.drop) await a.exportApproval(decision.digest, values.drop);
      process.stderr.write(`${verb === 'approve' ? 'Approved' : 'Denied'} as ${decision.approver.name} (${decision.approver.fingerprint}). Send this back to the requester:\n`);
      if (values.json) {
        if (values.out) writeFileSync(values.out, item.file);
        printJson({ decision, export: item });
      } else emitExport(item, values.out, false);
      return 0;
    });
  })(args);
}

export function run(args: string[]): Promise<number> {
  return decide('approve', args);
}
