import { defaultDataDir } from '../../config/data-dir';
import { startWebHost } from '../../web/host';
import { BUILD_MISSING_MESSAGE } from '../../web/static-files';
import { intOption } from '../args';
import { flags, strings, subcommand, untilStopped } from '../subcommand';

const HELP = `Usage: drdesk web [--topology FILE] [--data-dir DIR] [--port N] [--fast]

Serves DR Desk in a browser on 127.0.0.1 only. The first line on stdout is one JSON object:
{"url":"http://127.0.0.1:PORT/?token=…","dataDir":"…","sandbox":{…} or null}. Open the url (it carries this
run's token). Without a topology (given or configured) the built-in sandbox is started; --fast runs it with
fast elections. Stops cleanly on Ctrl-C / SIGTERM.
`;

export const run = subcommand({ name: 'web', help: HELP, options: { ...strings('topology', 'data-dir', 'port'), ...flags('fast') } }, async ({ values }) => {
  const host = await startWebHost({
    dataDir: values['data-dir'] ?? defaultDataDir(),
    topologyPath: values.topology,
    port: intOption(values.port, 'port', 0, 65535) ?? 0,
    fast: values.fast ?? false,
  });
  process.stdout.write(`${JSON.stringify(host.describe())}\n`);
  process.stderr.write(`DR Desk is served at ${host.url}\n${host.rendererDir ? '' : `${BUILD_MISSING_MESSAGE}\n`}Press Ctrl-C to stop.\n`);
  await untilStopped();
  await host.close();
  return 0;
});
