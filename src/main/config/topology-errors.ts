import type { z } from 'zod';

/** What each field expects, for messages zod's defaults would leave vague ("expected number, received string"). */
const FIELD_HINTS: Record<string, string> = {
  name: 'a non-empty name',
  host: 'a host name or IP address such as "10.0.0.5"',
  port: 'a TCP port between 1 and 65535',
  role: 'the expected role',
  members: 'a list of members (name, host, port, role)',
  replicaSets: 'a list of replica sets (name, members)',
  sites: 'a list of sites (name, role, replicaSets)',
  username: 'a user name',
  passwordSecret: 'the name of a keychain secret (set it with "drdesk secret set NAME")',
  keySecret: 'the name of a keychain secret holding a private key',
  passphraseSecret: 'the name of a keychain secret holding a key passphrase',
  appHealthUrls: 'a list of http:// or https:// URLs',
  pollIntervalSeconds: 'a number of seconds from 1 to 3600',
  historyRetentionDays: 'a number of days from 1 to 365',
  requestTimeoutMs: 'a whole number of milliseconds from 100 to 60000',
  thresholds: 'an object of thresholds (lagYellowSeconds, lagRedSeconds, oplogWindowYellowHours, oplogWindowRedHours)',
};

/** `sites[0].replicaSets[0].members[1].port` from zod's path array. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(top level)';
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v === 'number' ? 'the number' : `the ${typeof v}`} ${String(v)}`;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

/** One sentence per problem: the field path, what is wrong, and what to write instead. */
export function formatIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = formatPath(issue.path);
  const last = [...issue.path].reverse().find((p) => typeof p === 'string') as string | undefined;
  const hint = last ? FIELD_HINTS[last] : undefined;
  switch (issue.code) {
    case 'invalid_type': {
      const got = valueAt(input, issue.path);
      const expected = `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
      if (got === undefined) return `${path}: missing — add ${hint ?? expected}`;
      return `${path}: expected ${expected}, got ${describeValue(got)} — write ${hint ?? expected}`;
    }
    case 'unrecognized_keys':
      return issue.keys
        .map((k) => `${formatPath([...issue.path, k])}: unknown field "${k}" — remove it or check its spelling`)
        .join('\n');
    default: {
      const custom = !issue.message.startsWith('Invalid input') && !issue.message.startsWith('Too ');
      return `${path}: ${custom ? issue.message : hint ? `${issue.message.toLowerCase()} — write ${hint}` : issue.message}`;
    }
  }
}

export function formatIssues(issues: ReadonlyArray<z.core.$ZodIssue>, input: unknown): string[] {
  return issues.flatMap((i) => formatIssue(i, input).split('\n'));
}
