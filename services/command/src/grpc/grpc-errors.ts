import { Metadata, status, type ServerErrorResponse } from '@grpc/grpc-js';
import { grpcStatusOf, isAppError } from '@orderflow/platform/errors';
import { TIMEOUT_CODES } from '../external/external-call.js';

/** Trailing metadata key holding the stable error code (ORDER_NOT_FOUND, ...). */
export const ERROR_CODE_KEY = 'error-code';

function withCode(code: string): Metadata {
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_KEY, code);
  return metadata;
}

/**
 * The gRPC status of an error, from the kind table shared with HTTP; a timeout of an
 * external system is DEADLINE_EXCEEDED rather than UNAVAILABLE, both retryable.
 * Anything that is not an AppError is a bug: INTERNAL, without its message.
 */
export function toServiceError(error: unknown): ServerErrorResponse {
  if (isAppError(error)) {
    const code = TIMEOUT_CODES.has(error.code) ? status.DEADLINE_EXCEEDED : grpcStatusOf[error.kind];
    return { name: error.name, message: error.message, code, details: error.message, metadata: withCode(error.code) };
  }
  return { name: 'Error', message: 'internal error', code: status.INTERNAL, details: 'internal error', metadata: withCode('INTERNAL') };
}
