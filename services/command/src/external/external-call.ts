import { AppError } from '@orderflow/platform/errors';

export type ExternalSystem = Readonly<{ name: string; code: 'GATEWAY' | 'CARRIER'; timeoutMs: number }>;

/** Codes of the transient errors that mean "no answer in time" (gRPC DEADLINE_EXCEEDED). */
export const TIMEOUT_CODES: ReadonlySet<string> = new Set(['GATEWAY_TIMEOUT', 'CARRIER_TIMEOUT']);

/**
 * Calls an external system with a deadline. Running out of time, or the caller going
 * away, aborts the call; either way it fails as a transient AppError (kind `unavailable`)
 * and the command records nothing, so a retry with the same command id is safe.
 */
export async function callExternal<T>(
  system: ExternalSystem,
  caller: AbortSignal | undefined,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new AppError('unavailable', `${system.code}_TIMEOUT`, `the ${system.name} did not answer within ${system.timeoutMs} ms`)),
    system.timeoutMs,
  );
  const onCallerGone = () => controller.abort(new AppError('unavailable', 'CALL_CANCELLED', 'the caller cancelled the command'));
  if (caller?.aborted) onCallerGone();
  caller?.addEventListener('abort', onCallerGone, { once: true });
  try {
    return await call(controller.signal);
  } catch (error) {
    // an adapter may reject with its own abort error; the reason says why it was aborted
    throw controller.signal.aborted ? controller.signal.reason : error;
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener('abort', onCallerGone);
  }
}
