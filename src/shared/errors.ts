/**
 * Errors that cross a boundary (IPC, web socket, CLI) whole: a stable code, a sentence an operator can act
 * on, and optional structured details. Electron alone would keep only the message.
 */
export interface SerializedError {
  code: string;
  message: string;
  details?: unknown;
}

export class DeskError extends Error {
  readonly code: string;
  readonly details?: unknown;

  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'DeskError';
    this.code = code;
    this.details = details;
  }

  toJSON(): SerializedError {
    return { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof DeskError) return err.toJSON();
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    const e = err as { code: unknown; message: unknown };
    return { code: String(e.code), message: String(e.message) };
  }
  if (err instanceof Error) return { code: 'INTERNAL', message: err.message };
  return { code: 'INTERNAL', message: String(err) };
}

export function deserializeError(e: SerializedError): DeskError {
  return new DeskError(e.code, e.message, e.details);
}
