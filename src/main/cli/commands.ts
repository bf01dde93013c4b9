/** The CLI's commands, each loaded only when used. A command module exports `run(args): Promise<exitCode>`. */
export interface CommandModule {
  run(args: string[]): Promise<number>;
}

export const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  backup: { summary: 'cross-site backup: run a cycle (or --baseline), status, verify the chain, trust-host (exit 0 green, 1 yellow, 2 red, 3 error)', load: () => import('./commands/backup') },
  agent: { summary: 'headless mode: run the backup cycle on its schedule until stopped', load: () => import('./commands/agent') },
  status: { summary: 'one-shot status of every site, replica set and member (exit 0 green, 1 yellow, 2 red, 3 error)', load: () => import('./commands/status') },
  secret: { summary: 'set, delete or list secrets in the OS keychain (values from stdin or a hidden prompt)', load: () => import('./commands/secret') },
  web: { summary: 'serve DR Desk in a browser on 127.0.0.1 with a per-run token', load: () => import('./commands/web') },
  sandbox: { summary: 'start the built-in practice topology on loopback', load: () => import('./commands/sandbox') },
  drill: { summary: 'run a drill on the sandbox (fault, approvals, execution, RTO/RPO) and write its PDF report; --list names the scenarios', load: () => import('./commands/drill') },
};
