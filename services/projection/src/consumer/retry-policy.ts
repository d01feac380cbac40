import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

export type RetryPolicy = Readonly<{ attempts: number; backoffMs: number }>;

/** Exponential: base, 2x base, 4x base ... capped, so a long outage polls at a steady pace. */
export const backoffDelay = (policy: RetryPolicy, attempt: number, capMs = 10_000): number =>
  Math.min(capMs, policy.backoffMs * 2 ** Math.max(0, attempt - 1));

// connection, transaction rollback (serialization, deadlock), resources, operator
// intervention, system errors: the same statement can succeed later
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57', '58']);
const TRANSIENT_MESSAGE = /Connection terminated|connection timeout|timeout exceeded when trying to connect|ECONNRESET|ECONNREFUSED/i;

/**
 * Transient failures are the infrastructure's: retried forever, never parked. Anything
 * else a write raises (a constraint or a value out of range) is the event's own problem.
 */
export function isTransient(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_CLASSES.has(code.slice(0, 2)) || code === '55P03';
  if (code.startsWith('E')) return true;
  return typeof e?.message === 'string' && TRANSIENT_MESSAGE.test(e.message);
}
