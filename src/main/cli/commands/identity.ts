import { DeskError } from '../../../shared/errors';
import { DATA_DIR_HELP, printJson, withApprovals } from '../approvals-session';
import { flags, strings, subcommand } from '../subcommand';

const HELP = `Usage: drdesk identity <create|show|export-token> [options]

This workstation's signing identity (Ed25519). The private key is kept only in the OS keychain.
  create --name NAME    make a key pair for NAME (one identity per data directory)
  show                  name, fingerprint (compare it with colleagues out of band), key storage
  export-token          a short enrollment token to send to an admin (name + public key, self-signed)
Options:
  --json                machine-readable output
${DATA_DIR_HELP}
`;

const OPTIONS = { ...strings('name', 'data-dir'), ...flags('json') };

export const run = subcommand({ name: 'identity', help: HELP, options: OPTIONS, subcommands: ['create', 'show', 'export-token'] }, async ({ values, sub }) => {
  return withApprovals(values['data-dir'], async (a) => {
    if (sub === 'create') {
      if (!values.name) throw new DeskError('USAGE', 'Give your name: drdesk identity create --name "Ana Silva"');
      const info = await a.createIdentity(values.name);
      if (values.json) printJson(info);
      else process.stdout.write(`Created identity "${info.name}"\n  fingerprint ${info.fingerprint}\n              ${info.fingerprintHex}\n  private key in ${info.keyStorage}\nNext: drdesk identity export-token, and send the token to an admin.\n`);
      return 0;
    }
    if (sub === 'show') {
      const info = a.getIdentity();
      if (!info) throw new DeskError('IDENTITY_REQUIRED', 'This workstation has no identity yet: drdesk identity create --name "Your Name".');
      if (values.json) printJson(info);
      else process.stdout.write(`${info.name}\n  fingerprint ${info.fingerprint}\n              ${info.fingerprintHex}\n  created     ${info.createdAt}\n  private key ${info.keyStorage}\n`);
      return 0;
    }
    if (sub === 'export-token') {
      const t = await a.exportEnrollmentToken();
      if (values.json) printJson(t);
      else {
        process.stderr.write(`Enrollment token for "${t.name}" — the admin should confirm this fingerprint with you: ${t.fingerprint}\n`);
        process.stdout.write(`${t.token}\n`);
      }
      return 0;
    }
    throw new DeskError('USAGE', `Unknown identity command "${sub}": use create, show or export-token.`);
  });
});
