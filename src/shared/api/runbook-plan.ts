import { z } from 'zod';

/**
 * Runbooks as data (shared: the renderer previews plans, the approver's screen shows them). A plan is the fully resolved list of steps for one topology: every target, command and
 * argument is written out, so what the approvers sign (the approvals engine hashes the plan's canonical JSON)
 * is exactly what the executor runs. Plans contain only JSON values (no undefined, no Date) and are built
 * with a fixed key order, so the same inputs give the same bytes.
 */

export const memberAddressSchema = z.strictObject({
  name: z.string().min(1),
  /** host:port as the driver connects to it (directConnection). */
  address: z.string().min(3),
});
export type MemberAddress = z.infer<typeof memberAddressSchema>;

export const sshTargetSchema = z.strictObject({
  /** The topology's SSH host name (selects credentials and the pinned host key). */
  host: z.string().min(1),
  address: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  username: z.string().min(1),
});
export type SshTarget = z.infer<typeof sshTargetSchema>;

export const trafficHookSchema = z.discriminatedUnion('kind', [
  /** A local program run without a shell: argv[0] is the executable, the rest its arguments. */
  z.strictObject({ kind: z.literal('command'), argv: z.array(z.string()).min(1, 'argv needs at least the program to run') }),
  z.strictObject({
    kind: z.literal('http'),
    method: z.enum(['POST', 'PUT', 'PATCH', 'GET']),
    url: z.url('an http:// or https:// URL'),
    body: z.string().nullable(),
    expectStatus: z.number().int().min(100).max(599).nullable(),
  }),
]);
export type TrafficHook = z.infer<typeof trafficHookSchema>;

const faultSchema = z.strictObject({
  action: z.enum(['kill', 'revive', 'partition', 'heal', 'lag', 'slow', 'freeze', 'stepdown', 'app']),
  target: z.string().min(1),
  ms: z.number().nullable(),
  seconds: z.number().nullable(),
  from: z.string().nullable(),
  running: z.boolean().nullable(),
});

/** Every operation a step can perform; each kind has one pluggable handler (src/main/runbooks/steps/). */
export const operationSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('mongo.expectPrimary'), replicaSet: z.string(), members: z.array(memberAddressSchema), expected: z.string() }),
  z.strictObject({
    op: z.literal('mongo.stepDown'),
    member: memberAddressSchema,
    stepDownSecs: z.number().int().min(1),
    secondaryCatchUpPeriodSecs: z.number().int().min(0),
    force: z.boolean(),
  }),
  z.strictObject({ op: z.literal('mongo.freeze'), member: memberAddressSchema, seconds: z.number().int().min(0) }),
  z.strictObject({
    op: z.literal('mongo.waitWritablePrimary'),
    replicaSet: z.string(),
    members: z.array(memberAddressSchema),
    notMember: z.string().nullable(),
    pollMs: z.number().int().min(50),
  }),
  z.strictObject({ op: z.literal('mongo.writeProbe'), replicaSet: z.string(), members: z.array(memberAddressSchema), database: z.string(), collection: z.string() }),
  /** Fence a site: freeze its electable secondaries, then step its primary down, so nothing there takes writes. */
  z.strictObject({ op: z.literal('mongo.fence'), site: z.string(), members: z.array(memberAddressSchema), seconds: z.number().int().min(1) }),
  /** Undo a fence: replSetFreeze 0 on every reachable member so the site can elect again. */
  z.strictObject({ op: z.literal('mongo.unfence'), site: z.string(), members: z.array(memberAddressSchema) }),
  /** The split-brain rule: refuses while any member of the site answers as a writable primary. */
  z.strictObject({ op: z.literal('guard.siteNotWritable'), site: z.string(), members: z.array(memberAddressSchema) }),
  /** Make a replica set serve writes: unfreeze and step up the preferred member when no primary is writable. */
  z.strictObject({ op: z.literal('mongo.promote'), replicaSet: z.string(), members: z.array(memberAddressSchema), preferred: z.string() }),
  z.strictObject({ op: z.literal('backup.verifyLatest'), from: z.string(), to: z.string() }),
  z.strictObject({ op: z.literal('backup.applyLatest'), from: z.string(), to: z.string() }),
  /** One capture → ship → verify → apply cycle (failback runs it from DR to DC). */
  z.strictObject({ op: z.literal('backup.cycle'), from: z.string(), to: z.string() }),
  /** After failback: the stopped route starts again, anchored where both sites last held the same data. */
  z.strictObject({ op: z.literal('backup.resumeRoute'), from: z.string(), to: z.string() }),
  z.strictObject({ op: z.literal('ssh.exec'), target: sshTargetSchema, argv: z.array(z.string()).min(1) }),
  z.strictObject({
    op: z.literal('http.health'),
    urls: z.array(z.string()).min(1),
    /** up: every URL answers expectStatus; down: none does (an application really stopped). */
    expect: z.enum(['up', 'down']),
    expectStatus: z.number().int(),
    pollMs: z.number().int().min(50),
  }),
  z.strictObject({ op: z.literal('traffic.switch'), toSite: z.string(), hook: trafficHookSchema }),
  z.strictObject({ op: z.literal('sandbox.fault'), fault: faultSchema }),
  z.strictObject({ op: z.literal('manual.confirm'), prompt: z.string().min(1) }),
]);
export type Operation = z.infer<typeof operationSchema>;
export type OperationKind = Operation['op'];
export type OperationOf<K extends OperationKind> = Extract<Operation, { op: K }>;

export const stepKindSchema = z.enum(['precheck', 'action', 'wait-until', 'postcheck', 'manual-confirmation']);
export type StepKind = z.infer<typeof stepKindSchema>;

export const targetSchema = z.strictObject({
  site: z.string(),
  replicaSet: z.string().nullable(),
  member: z.string().nullable(),
  host: z.string().nullable(),
});
export type StepTarget = z.infer<typeof targetSchema>;

export const compensationSchema = z.strictObject({
  title: z.string().min(1),
  operation: operationSchema,
  timeoutMs: z.number().int().min(100),
});
export type Compensation = z.infer<typeof compensationSchema>;

export const stepSchema = z.strictObject({
  n: z.number().int().min(1),
  id: z.string().regex(/^[a-z0-9-]+$/),
  kind: stepKindSchema,
  title: z.string().min(1),
  target: targetSchema,
  operation: operationSchema,
  /** The operation rendered exactly (remote commands quoted as sent): what the approver reads is signed too. */
  command: z.string(),
  timeoutMs: z.number().int().min(100),
  retries: z.number().int().min(0).max(20),
  retryDelayMs: z.number().int().min(0),
  /** Safe to run again after a crash; a non-idempotent step is only re-run after an explicit confirmation. */
  idempotent: z.boolean(),
  compensation: compensationSchema.nullable(),
});
export type Step = z.infer<typeof stepSchema>;

export const runbookIdSchema = z.enum(['switchover', 'dr-activation', 'failback']);
export type RunbookId = z.infer<typeof runbookIdSchema>;

export const planSchema = z.strictObject({
  schema: z.literal('drdesk.plan/1'),
  runbook: runbookIdSchema,
  title: z.string(),
  topology: z.string(),
  /** The options the plan was built with, so a reviewer sees why it looks the way it does. */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  warnings: z.array(z.string()),
  steps: z.array(stepSchema).min(1),
});
export type Plan = z.infer<typeof planSchema>;
