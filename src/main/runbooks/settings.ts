import { z } from 'zod';
import { SSH_FINGERPRINT } from '../../shared/topology';
import { trafficHookSchema } from './runbook';

/**
 * How the built-in runbooks act on a given installation: the traffic hook, the service commands and the
 * timings. Placeholders `{site}` (in the hook) and `{service}` (in the service commands) are substituted when
 * the plan is built, so the plan shows the resolved values that will run.
 */
export const runbookSettingsSchema = z.strictObject({
  /** Redirect traffic (DNS / load balancer). Without one, the plan asks a person to switch traffic by hand. */
  trafficHook: trafficHookSchema.nullable().default(null),
  /** Remote command (argument array) that starts one application service on a host. */
  serviceStartArgv: z.array(z.string().min(1)).min(1).default(['systemctl', 'start', '--', '{service}']),
  serviceStopArgv: z.array(z.string().min(1)).min(1).default(['systemctl', 'stop', '--', '{service}']),
  /** The sandbox has no SSH hosts: its simulated applications are started through its control endpoint. */
  sandboxApps: z.boolean().default(false),
  /** DR activation: fence a reachable DC primary (step down + freeze) or require DC to be down already. */
  dcFencing: z.enum(['fence', 'require-down']).default('fence'),
  fenceSeconds: z.number().int().min(10).max(86_400).default(900),
  stepDownSecs: z.number().int().min(10).max(3600).default(60),
  secondaryCatchUpPeriodSecs: z.number().int().min(0).max(300).default(10),
  /** Deadline for an election to produce a writable primary (default election timing is 10 s). */
  electionTimeoutMs: z.number().int().min(1000).max(600_000).default(45_000),
  healthTimeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
  backupTimeoutMs: z.number().int().min(1000).max(3_600_000).default(600_000),
  sshTimeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
  /** In-app drills on the sandbox: an SSH host that receives the slices instead of a local directory (secrets by keychain name). */
  drillLanding: z
    .strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(22),
      username: z.string().min(1),
      dir: z.string().startsWith('/', 'an absolute directory on the landing host'),
      keySecret: z.string().min(1).optional(),
      passwordSecret: z.string().min(1).optional(),
      /** The landing host's key fingerprint (ssh-keygen -lf): nothing is sent to a host whose key was not confirmed. */
      hostKeySha256: z.string().regex(SSH_FINGERPRINT, 'an OpenSSH fingerprint: "SHA256:" followed by 43 base64 characters').optional(),
    })
    .nullable()
    .default(null),
});
export type RunbookSettings = z.infer<typeof runbookSettingsSchema>;
export type RunbookSettingsInput = z.input<typeof runbookSettingsSchema>;

export function substitute(values: string[], vars: Record<string, string>): string[] {
  return values.map((v) => v.replace(/\{(\w+)\}/g, (all, k: string) => (k in vars ? vars[k] : all)));
}

/** The sandbox's settings: its simulated applications, and a traffic "switch" that is a local program run
 * without a shell (the sandbox has no load balancer to call). */
export function sandboxSettings(): RunbookSettingsInput {
  return {
    sandboxApps: true,
    trafficHook: { kind: 'command', argv: [process.execPath, '-e', 'process.stdout.write("traffic now served by " + process.argv[1])', '{site}'] },
  };
}
