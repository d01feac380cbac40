/**
 * Expected failures carry a stable `code` and a `kind`. The kind alone decides the
 * HTTP status and the gRPC status code, in one table, so every adapter maps errors the
 * same way. Anything that is not an AppError is a bug: 500 / INTERNAL, never leaked.
 */
export type ErrorKind =
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'precondition'
  | 'forbidden'
  | 'unauthenticated'
  | 'unprocessable'
  | 'too_large'
  | 'unavailable';

export class AppError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(kind: ErrorKind, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.kind = kind;
    this.code = code;
    this.details = details;
  }
}

/** Optimistic-concurrency guard tripped: the stream moved on since it was read. */
export class ConcurrencyError extends AppError {
  readonly streamId: string;
  readonly expectedVersion: number | 'any' | 'no_stream';
  readonly actualVersion: number | undefined;

  constructor(streamId: string, expectedVersion: number | 'any' | 'no_stream', actualVersion?: number) {
    super('conflict', 'CONCURRENCY_CONFLICT', `stream ${streamId} is not at the expected version ${String(expectedVersion)}`, {
      streamId,
      expectedVersion,
      actualVersion,
    });
    this.name = 'ConcurrencyError';
    this.streamId = streamId;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

export const validation = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError('validation', code, message, details);
export const notFound = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError('not_found', code, message, details);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError('conflict', code, message, details);
export const precondition = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError('precondition', code, message, details);

/** HTTP status per kind. `precondition` is a rule the current state forbids: 409, as the API documents. */
export const httpStatusOf: Readonly<Record<ErrorKind, number>> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition: 409,
  too_large: 413,
  unprocessable: 422,
  unavailable: 503,
};

/** gRPC status codes (numeric, from the gRPC spec) per kind. */
export const grpcStatusOf: Readonly<Record<ErrorKind, number>> = {
  validation: 3, // INVALID_ARGUMENT
  not_found: 5, // NOT_FOUND
  conflict: 10, // ABORTED
  precondition: 9, // FAILED_PRECONDITION
  forbidden: 7, // PERMISSION_DENIED
  unauthenticated: 16, // UNAUTHENTICATED
  unprocessable: 3, // INVALID_ARGUMENT
  too_large: 8, // RESOURCE_EXHAUSTED
  unavailable: 14, // UNAVAILABLE
};

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** RFC 9457 problem details body. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  [extra: string]: unknown;
};

export function toProblem(e: AppError, instance?: string): Problem {
  const status = httpStatusOf[e.kind];
  // details first: a detail never overrides the standard members (status above all)
  return {
    ...(e.details ?? {}),
    type: `https://orderflow.dev/problems/${e.code.toLowerCase().replaceAll('_', '-')}`,
    title: e.kind.replaceAll('_', ' '),
    status,
    code: e.code,
    detail: e.message,
    ...(instance ? { instance } : {}),
  };
}
