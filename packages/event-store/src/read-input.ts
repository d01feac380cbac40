import { validation } from '@orderflow/platform/errors';
import type { ReadStreamOptions } from './event-store.js';

/** Stream versions start at 1; `maxCount` null reads to the end. */
export function readStreamRange(options: ReadStreamOptions): { fromVersion: number; maxCount: number | null } {
  const fromVersion = options.fromVersion ?? 1;
  const maxCount = options.maxCount ?? null;
  if (!Number.isSafeInteger(fromVersion) || fromVersion < 0) {
    throw validation('INVALID_READ', `fromVersion must be a non-negative integer, got ${fromVersion}`);
  }
  if (maxCount !== null && (!Number.isSafeInteger(maxCount) || maxCount < 1)) {
    throw validation('INVALID_READ', `maxCount must be a positive integer, got ${maxCount}`);
  }
  return { fromVersion: Math.max(fromVersion, 1), maxCount };
}

export function readAllLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw validation('INVALID_READ', `limit must be a positive integer, got ${limit}`);
  }
  return limit;
}
