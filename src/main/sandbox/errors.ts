import type { Document } from 'bson';

/** Server error codes and names, from the manual's error-code list (src/mongo/base/error_codes.yml). */
export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  NoSuchKey: 4,
  Unauthorized: 13,
  TypeMismatch: 14,
  IllegalOperation: 20,
  AuthenticationFailed: 18,
  NamespaceNotFound: 26,
  MaxTimeMSExpired: 50,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  WriteConcernFailed: 64,
  InvalidOptions: 72,
  InvalidReplicaSetConfig: 93,
  NodeNotFound: 74,
  NotYetInitialized: 94,
  InvalidNamespace: 73,
  ExceededTimeLimit: 262,
  InterruptedAtShutdown: 11600,
  Interrupted: 11601,
  InterruptedDueToReplStateChange: 11602,
  DuplicateKey: 11000,
  NotWritablePrimary: 10107,
  NotPrimaryNoSecondaryOk: 13435,
  NotPrimaryOrSecondary: 13436,
  PrimarySteppedDown: 189,
  ExceededMemoryLimit: 146,
  FailedToParse: 9,
  OperationNotSupportedInTransaction: 263,
  TransactionTooOld: 225,
  ProtocolError: 17,
  ImmutableField: 66,
  ConflictingUpdateOperators: 40,
  NotYetImplemented: 238,
  NotSecondary: 95,
  ConflictingOperationInProgress: 117,
  NewReplicaSetConfigurationIncompatible: 103,
  UnsatisfiableWriteConcern: 100,
  NoSuchTransaction: 251,
  UnknownError: 8,
  CommandNotSupportedOnView: 166,
  TransactionCommitted: 256,
  UpdateOperationFailed: 77,
  CommandNotSupported: 115,
  CommandFailed: 125,
  IndexNotFound: 27,
  Location3318200: 3318200,
  Location26823: 26823,
  Location6275900: 6275900,
  Location31056: 31056,
  Location31240: 31240,
  Location50945: 50945,
  Location50987: 50987,
  Location50972: 50972,
} as const;

export type ErrorCodeName = keyof typeof ErrorCodes;

/** Codes the server labels RetryableWriteError when the failed command was a retryable write. */
const RETRYABLE_CODES: ReadonlySet<number> = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

export class CommandError extends Error {
  readonly code: number;
  readonly codeName: ErrorCodeName;
  readonly extra: Document;

  constructor(codeName: ErrorCodeName, message: string, extra: Document = {}) {
    super(message);
    this.codeName = codeName;
    this.code = ErrorCodes[codeName];
    this.extra = extra;
  }

  /** The same error code with a message (and fields) that say where it happened. */
  rewrap(message: string, extra: Document = {}): CommandError {
    return new CommandError(this.codeName, message, { ...this.extra, ...extra });
  }
}

export function isRetryableCode(code: number): boolean {
  return RETRYABLE_CODES.has(code);
}

/** The reply document for a failed command, with RetryableWriteError where mongod adds it. */
export function errorReply(err: unknown, retryableWrite: boolean): Document {
  if (err instanceof CommandError) {
    const reply: Document = { ok: 0, errmsg: err.message, code: err.code, codeName: err.codeName, ...err.extra };
    if (retryableWrite && isRetryableCode(err.code)) reply.errorLabels = ['RetryableWriteError'];
    return reply;
  }
  return { ok: 0, errmsg: err instanceof Error ? err.message : String(err), code: ErrorCodes.InternalError, codeName: 'InternalError' };
}
