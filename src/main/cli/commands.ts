/** The CLI's commands, each loaded only when used. A command module exports `run(args): Promise<exitCode>`. */
export interface CommandModule {
  run(args: string[]): Promise<number>;
}

export const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  sandbox: { summary: 'start the built-in practice topology on loopback', load: () => import('./commands/sandbox') },
  drill: { summary: 'run a drill on the sandbox (fault, approvals, execution, RTO/RPO) and write its PDF report; --list names the scenarios', load: () => import('./commands/drill') },
};
