import { z } from 'zod';

/**
 * The topology file: sites → replica sets → members, SSH hosts, application health URLs, thresholds,
 * RPO/RTO targets. Secrets are referred to by name (keys in the OS keychain), never stored here.
 */

/** Marks a zod issue so the loader can report it with its own DeskError code. */
export const RESERVED_SECRET_ISSUE = 'TOPOLOGY_SECRET_RESERVED';

// Kept here (shared/) rather than imported from main/store so the renderer can validate the same way.
const RESERVED_PREFIXES = ['identity.', 'drdesk.'];

const secretRef = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'a secret name: letters, digits, ".", "_" or "-" (the secret itself lives in the keychain)')
  .superRefine((name, ctx) => {
    if (RESERVED_PREFIXES.some((p) => name.toLowerCase().startsWith(p)))
      ctx.addIssue({
        code: 'custom',
        message: `"${name}" is a reserved keychain name (identity.* and drdesk.* hold DR Desk's own signing keys and records, never credentials): name a database or SSH secret set with "drdesk secret set"`,
        params: { deskCode: RESERVED_SECRET_ISSUE },
      });
  });

/**
 * Names that end up in commands (ssh, systemctl) and in the plan an approver reads: no control characters
 * (a newline would forge a line of the plan), no whitespace, and no leading "-" (it would be read as an
 * option). Quoting keeps them one word; refusing them at load keeps them from looking like something else.
 */
function commandWord(what: string) {
  return z
    .string()
    .min(1, what)
    .superRefine((v, ctx) => {
      if (/[\u0000-\u001f\u007f-\u009f]/.test(v)) ctx.addIssue({ code: 'custom', message: `contains a control character (newline, tab, escape…): write ${what} on one line` });
      else if (/\s/u.test(v)) ctx.addIssue({ code: 'custom', message: `contains whitespace: write ${what} without spaces` });
      if (v.startsWith('-')) ctx.addIssue({ code: 'custom', message: `starts with "-", which a command would read as an option: write ${what}` });
    });
}

/** DNS names, IPv4, IPv6 (with an optional %zone): nothing a shell or ssh would read as syntax. */
const hostName = commandWord('a host name or IP address').refine((h) => /^[A-Za-z0-9._:%\[\]-]+$/.test(h), {
  message: 'is not a host name or IP address: use letters, digits, ".", "-", ":" (IPv6) only',
});
const userName = commandWord('a user name');
/** A login name on an SSH host (POSIX portable names, plus "@" and "\\" for directory accounts). */
const sshUserName = userName.refine((u) => /^[A-Za-z0-9._][A-Za-z0-9._@\\-]*$/.test(u), {
  message: 'is not a login name: use letters, digits, ".", "_", "-" (and "@" or "\\" for directory accounts)',
});

/**
 * A systemd unit name as systemd.unit(5) allows it: ASCII letters, digits, ":", "-", "_", ".", "\\" and at
 * most one "@" (templates), at most 255 characters, not starting with "-" or ".".
 */
export const SYSTEMD_UNIT_NAME = /^(?![-.])[A-Za-z0-9:_.\\-]+(@[A-Za-z0-9:_.\\-]*)?(\.[A-Za-z]+)?$/;
const serviceName = commandWord('a systemd unit name such as "app.service"').superRefine((v, ctx) => {
  if (v.length > 255 || !SYSTEMD_UNIT_NAME.test(v))
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a systemd unit name: use letters, digits, ":", "-", "_", ".", "\\" and at most one "@", not starting with "-" or "." (see systemd.unit(5))` });
});

/** OpenSSH's SHA256 fingerprint, as `ssh-keygen -lf` prints it. */
export const SSH_FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

const port = z.number().int().min(1, 'a TCP port between 1 and 65535').max(65535, 'a TCP port between 1 and 65535');

export const memberSchema = z.strictObject({
  name: z.string().min(1, 'a member name such as "dc-1"'),
  host: hostName,
  port,
  role: z.enum(['primary', 'secondary', 'arbiter'], 'one of "primary", "secondary", "arbiter" (the expected role)'),
});

export const replicaSetSchema = z.strictObject({
  name: z.string().min(1, 'the replica set name (replSetName)'),
  members: z.array(memberSchema).min(1, 'at least one member'),
  auth: z
    .strictObject({
      username: userName,
      passwordSecret: secretRef,
      authSource: z.string().default('admin'),
    })
    .optional(),
  tls: z
    .strictObject({
      enabled: z.boolean().default(true),
      caFile: z.string().optional(),
      allowInvalidHostnames: z.boolean().default(false),
    })
    .optional(),
});

export const sshHostSchema = z.strictObject({
  name: commandWord('an SSH host name such as "dr-landing"'),
  host: hostName,
  port: port.default(22),
  username: sshUserName,
  /**
   * The host's key fingerprint (SHA256:…, from `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on that
   * host). Without it, the host must be trusted once with `drdesk backup trust-host`: nothing is ever sent to
   * a host whose key was not confirmed.
   */
  hostKeySha256: z.string().regex(SSH_FINGERPRINT, 'an OpenSSH fingerprint: "SHA256:" followed by 43 base64 characters').optional(),
  /** Name of a keychain secret holding a private key, or a password. */
  keySecret: secretRef.optional(),
  passwordSecret: secretRef.optional(),
  passphraseSecret: secretRef.optional(),
  /** Directory on that host where backup slices land. */
  backupDir: commandWord('an absolute directory path such as "/var/backups/drdesk"')
    .refine((d) => d.startsWith('/'), 'must be an absolute path (starting with "/")')
    .default('/var/backups/drdesk'),
  /** Application services started on DR activation (systemd unit names). */
  services: z.array(serviceName).default([]),
});

export const siteSchema = z.strictObject({
  name: z.string().min(1, 'a site name such as "DC"'),
  role: z.enum(['dc', 'dr'], 'either "dc" (production) or "dr" (standby)'),
  replicaSets: z.array(replicaSetSchema).min(1, 'at least one replica set'),
  ssh: z.array(sshHostSchema).default([]),
  appHealthUrls: z.array(z.url('an http:// or https:// URL')).default([]),
});

export const thresholdsSchema = z.strictObject({
  lagYellowSeconds: z.number().positive().default(10),
  lagRedSeconds: z.number().positive().default(60),
  oplogWindowYellowHours: z.number().positive().default(24),
  oplogWindowRedHours: z.number().positive().default(6),
  recentElectionMinutes: z.number().positive().default(10),
});

export const alertsSchema = z.strictObject({
  desktop: z.boolean().default(true),
  webhookUrl: z.url('an http:// or https:// URL').optional(),
  webhookRetries: z.number().int().min(0).max(10).default(3),
});

export const topologySchema = z
  .strictObject({
    name: z.string().min(1).default('DR Desk topology'),
    sites: z.array(siteSchema).min(1, 'at least one site'),
    pollIntervalSeconds: z.number().min(1).max(3600).default(5),
    historyRetentionDays: z.number().min(1).max(365).default(7),
    requestTimeoutMs: z.number().int().min(100).max(60_000).default(3000),
    thresholds: thresholdsSchema.default(thresholdsSchema.parse({})),
    targets: z
      .strictObject({ rpoSeconds: z.number().positive().default(90), rtoSeconds: z.number().positive().default(60) })
      .default({ rpoSeconds: 90, rtoSeconds: 60 }),
    backup: z
      .strictObject({
        intervalMinutes: z.number().min(1, 'the backup interval is at least 1 minute').default(30),
        keep: z.number().int().min(1).default(5),
        from: z.string().optional(),
        to: z.string().optional(),
      })
      .default({ intervalMinutes: 30, keep: 5 }),
    alerts: alertsSchema.default(alertsSchema.parse({})),
  })
  .superRefine((t, ctx) => {
    const names = new Map<string, string>();
    const addrs = new Map<string, string>();
    t.sites.forEach((s, si) => {
      if (t.sites.findIndex((o) => o.name === s.name) !== si)
        ctx.addIssue({ code: 'custom', path: ['sites', si, 'name'], message: `duplicate site "${s.name}": give each site its own name` });
      s.replicaSets.forEach((rs, ri) => {
        if (s.replicaSets.findIndex((o) => o.name === rs.name) !== ri)
          ctx.addIssue({ code: 'custom', path: ['sites', si, 'replicaSets', ri, 'name'], message: `duplicate replica set "${rs.name}" in site ${s.name}: give each replica set its own name` });
        rs.members.forEach((m, mi) => {
          const path = ['sites', si, 'replicaSets', ri, 'members', mi];
          const addr = `${m.host}:${m.port}`;
          if (names.has(m.name))
            ctx.addIssue({ code: 'custom', path: [...path, 'name'], message: `duplicate member "${m.name}" (also at ${names.get(m.name)}): member names must be unique` });
          else names.set(m.name, path.join('.'));
          if (addrs.has(addr))
            ctx.addIssue({ code: 'custom', path: [...path, 'port'], message: `duplicate member address ${addr} (also ${addrs.get(addr)}): each member needs its own host:port` });
          else addrs.set(addr, m.name);
        });
      });
    });
    const siteNames = new Set(t.sites.map((s) => s.name));
    for (const key of ['from', 'to'] as const) {
      const v = t.backup[key];
      if (v !== undefined && !siteNames.has(v))
        ctx.addIssue({ code: 'custom', path: ['backup', key], message: `unknown site "${v}": use one of ${[...siteNames].join(', ')}` });
    }
    if (!t.sites.some((s) => s.role === 'dc'))
      ctx.addIssue({ code: 'custom', path: ['sites'], message: 'no site has role "dc": mark the production site with role: dc' });
    if (t.thresholds.lagYellowSeconds >= t.thresholds.lagRedSeconds)
      ctx.addIssue({ code: 'custom', path: ['thresholds', 'lagYellowSeconds'], message: 'lagYellowSeconds must be below lagRedSeconds' });
    if (t.thresholds.oplogWindowYellowHours <= t.thresholds.oplogWindowRedHours)
      ctx.addIssue({ code: 'custom', path: ['thresholds', 'oplogWindowYellowHours'], message: 'oplogWindowYellowHours must be above oplogWindowRedHours' });
  });

export type Topology = z.infer<typeof topologySchema>;
export type TopologyInput = z.input<typeof topologySchema>;
export type SiteConfig = Topology['sites'][number];
export type ReplicaSetConfig = SiteConfig['replicaSets'][number];
export type MemberConfig = ReplicaSetConfig['members'][number];
export type SshHostConfig = SiteConfig['ssh'][number];
