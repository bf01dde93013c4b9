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
  identity: { summary: 'this workstation\'s signing identity: create, show, export-token (private key in the OS keychain)', load: () => import('./commands/identity') },
  roster: { summary: 'the signed team roster and approval policy: init, list, add, remove, update, policy, export, import', load: () => import('./commands/roster') },
  request: { summary: 'signed requests: create, list, show, export, import (requests and approvals), sync a shared folder', load: () => import('./commands/request') },
  approve: { summary: 'approve a request (token, file or id) with --comment; prints the signed approval token', load: () => import('./commands/approve') },
  deny: { summary: 'deny a request (token, file or id) with --comment; prints the signed denial token', load: () => import('./commands/approve').then((m) => ({ run: (args: string[]) => m.decide('deny', args) })) },
  audit: { summary: 'the tamper-evident audit log: verify (exit 0 intact, 2 tampered, 3 error), list, export', load: () => import('./commands/audit') },
  drill: { summary: 'run a drill on the sandbox (fault, approvals, execution, RTO/RPO) and write its PDF report; --list names the scenarios', load: () => import('./commands/drill') },
};
