import { z } from 'zod';
import type { DeskEventName, DeskMethodName, DeskMethods } from '../../shared/desk-api';
import { DeskError, serializeError } from '../../shared/errors';
import type { RpcEvent, RpcResponse } from '../../shared/rpc';

/** A method of DeskApi on the engine side: the zod schema of its input and the handler it is given to. */
export interface MethodSpec<K extends DeskMethodName> {
  input: z.ZodType<DeskMethods[K]['in']>;
  handler: (input: DeskMethods[K]['in']) => Promise<DeskMethods[K]['out']>;
}

/** What a feature registers: some of DeskApi's methods, each with its schema and handler. */
export type MethodTable = { [K in DeskMethodName]?: MethodSpec<K> };

/** The input of a method that takes none: nothing, null or {} — all read as "no input". */
export const noInput = z.union([z.undefined(), z.null(), z.strictObject({})]).transform((): void => undefined);

/** Where the router takes pushed events from: Desk's emitter. */
export interface EventSource {
  onAny(listener: (event: DeskEventName, payload: unknown) => void): () => void;
}

const requestSchema = z.object({ kind: z.literal('call'), id: z.number().int(), method: z.string().min(1).max(100), input: z.unknown().optional() });

/** `input.range: one of "15m", "1h", "24h", "7d"` from zod issues. */
function describeIssues(issues: ReadonlyArray<z.core.$ZodIssue>): Array<{ path: string; message: string }> {
  return issues.map((i) => ({ path: ['input', ...i.path.map(String)].join('.'), message: i.message }));
}

/**
 * The one router behind every transport (Electron IPC, the web socket, in-process calls): it checks the
 * method name and validates the input with the method's zod schema before anything runs, dispatches to the
 * handler, and turns any failure into a serialized error (code, message, details) so it crosses whole.
 */
export class RpcRouter {
  private readonly methods = new Map<string, MethodSpec<DeskMethodName>>();

  register(table: MethodTable): void {
    for (const [name, spec] of Object.entries(table)) {
      if (!spec) continue;
      if (this.methods.has(name)) throw new DeskError('DUPLICATE_METHOD', `DeskApi method "${name}" is registered twice: each feature registers its own methods once`);
      this.methods.set(name, spec as unknown as MethodSpec<DeskMethodName>);
    }
  }

  has(method: string): boolean {
    return this.methods.has(method);
  }

  names(): string[] {
    return [...this.methods.keys()].sort();
  }

  /** Validates and runs one call; throws a DeskError (UNKNOWN_METHOD, BAD_INPUT, or the handler's own). */
  async call(method: string, input: unknown): Promise<unknown> {
    const spec = this.methods.get(method);
    if (!spec) throw new DeskError('UNKNOWN_METHOD', `There is no DeskApi method "${method}": check the method name (the host and the engine may be different versions)`, { method });
    const parsed = spec.input.safeParse(input);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error.issues);
      throw new DeskError('BAD_INPUT', `${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { method, issues });
    }
    return spec.handler(parsed.data as never);
  }

  /** Handles one raw request message (already JSON-decoded) and always answers with an RpcResponse. */
  async handle(message: unknown): Promise<RpcResponse> {
    const req = requestSchema.safeParse(message);
    if (!req.success) {
      const id = message && typeof message === 'object' && typeof (message as { id?: unknown }).id === 'number' ? (message as { id: number }).id : -1;
      const issues = describeIssues(req.error.issues).map((i) => ({ ...i, path: i.path.replace(/^input\.?/, '') || '(message)' }));
      return { kind: 'result', id, ok: false, error: { code: 'BAD_REQUEST', message: `Malformed RPC message: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, details: { issues } } };
    }
    const { id, method, input } = req.data;
    try {
      return { kind: 'result', id, ok: true, value: await this.call(method, input) };
    } catch (err) {
      return { kind: 'result', id, ok: false, error: serializeError(err) };
    }
  }

  /** Forwards every event of `source` to one connection; returns the function that stops it. */
  attach(source: EventSource, send: (e: RpcEvent) => void): () => void {
    return source.onAny((event, payload) => send({ kind: 'event', event, payload }));
  }
}
