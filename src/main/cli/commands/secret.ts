import { DeskError } from '../../../shared/errors';
import type { SecretInfo } from '../../../shared/monitor';
import { defaultDataDir } from '../../config/data-dir';
import { KeyringSecretStore } from '../../store/keyring-secret-store';
import { SECRET_KINDS, assertNameableSecret } from '../../store/secret-names';
import { flags, strings, subcommand } from '../subcommand';

const HELP = `Usage: drdesk secret set NAME [--kind password|ssh-key|passphrase|other]
       drdesk secret delete NAME
       drdesk secret list [--json]
Options: --data-dir DIR (where the index of names lives; default: $DRDESK_DATA_DIR or the per-user config dir)

Secrets (database passwords, SSH keys, passphrases) go to the OS keychain; the topology refers to them by
NAME. Names starting with "identity." or "drdesk." are reserved for DR Desk's own keys and records. "set" reads the value from standard input when it is piped (e.g. < key.pem), else asks for it without
echo. The value is never taken as an argument, where it would land in the shell history.
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const done = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (buf: Buffer): void => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new DeskError('CANCELLED', 'Cancelled: nothing was stored'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readValue(name: string, kind: SecretInfo['kind']): Promise<string> {
  let value: string;
  if (process.stdin.isTTY) value = await promptHidden(`Value for ${name} (not shown): `);
  else {
    value = await readStdin();
    // "echo pw | drdesk secret set" adds a newline that is not part of a password; a key file keeps its own.
    if (kind !== 'ssh-key') value = value.replace(/\r?\n$/, '');
  }
  if (!value) throw new DeskError('BAD_INPUT', `No value given for ${name}: pipe it on standard input or type it at the prompt`);
  return value;
}

const OPTIONS = { ...strings('kind', 'data-dir'), ...flags('json') };

// Extra operands are refused below with the reason that matters here (a value typed as an argument).
const spec = { name: 'secret', help: HELP, options: OPTIONS, subcommands: ['set', 'delete', 'list'], maxOperands: Number.MAX_SAFE_INTEGER } as const;

export const run = subcommand(spec, async ({ values, sub: action, operands: [name, ...extra] }) => {
  const store = new KeyringSecretStore(values['data-dir'] ?? defaultDataDir());
  if (action === 'list') {
    const items = await store.list();
    if (values.json) process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
    else if (!items.length) process.stdout.write(`No secrets stored (${store.backend}).\n`);
    else for (const i of items) process.stdout.write(`${i.name.padEnd(32)} ${i.kind.padEnd(11)} set ${i.setAt}\n`);
    return 0;
  }
  if (!name) throw new DeskError('USAGE', `drdesk secret ${action} needs a NAME`);
  if (extra.length)
    throw new DeskError('USAGE', 'Too many arguments: the value is never given on the command line (it would land in the shell history); pipe it on standard input or type it at the prompt');
  // identity.* and drdesk.* are DR Desk's own records (signing keys, high-water marks): never set or deleted here.
  assertNameableSecret(name);
  if (action === 'delete') {
    const deleted = await store.delete(name);
    process.stdout.write(deleted ? `Deleted ${name} from ${store.backend}.\n` : `No secret named ${name}.\n`);
    return deleted ? 0 : 1;
  }
  const kind = (values.kind ?? 'password') as SecretInfo['kind'];
  if (!SECRET_KINDS.includes(kind)) throw new DeskError('USAGE', `--kind must be one of ${SECRET_KINDS.join(', ')}, got "${values.kind}"`);
  const info = await store.set(name, await readValue(name, kind), kind);
  process.stdout.write(`Stored ${info.name} (${info.kind}) in ${store.backend} at ${info.setAt}.\n`);
  return 0;
});
