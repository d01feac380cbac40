import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth and `undefined` members left out, so two
 * requests that mean the same thing hash the same whatever order their fields came in.
 * Array order is kept: it is meaningful (order lines).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  const members = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${members.join(',')}}`;
}

/** What an idempotency key is bound to: the operation (route or RPC) and its input. */
export const requestHashOf = (operation: string, input: unknown): string =>
  createHash('sha256').update(canonicalJson({ operation, input })).digest('hex');
