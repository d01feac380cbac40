import type { CreatedRange } from '../orders/order-list-query.js';
import { badParameter } from './param-errors.js';

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const midnightUtc = (day: string, plusDays = 0) => new Date(Date.parse(`${day}T00:00:00Z`) + plusDays * DAY_MS).toISOString();

/**
 * `from`/`to` as the schema admitted them (ISO date or instant with a zone) to bounds on
 * `created_at`. A date means UTC midnight; a date-only `to` takes the whole day.
 */
export function createdRange(from: string | undefined, to: string | undefined): CreatedRange {
  const createdFrom = from === undefined ? undefined : DATE_ONLY.test(from) ? midnightUtc(from) : from;
  const createdTo =
    to === undefined ? undefined : DATE_ONLY.test(to) ? { at: midnightUtc(to, 1), inclusive: false } : { at: to, inclusive: true };
  if (createdFrom !== undefined && createdTo !== undefined) {
    const start = Date.parse(createdFrom);
    const end = Date.parse(createdTo.at);
    if (createdTo.inclusive ? start > end : start >= end) throw badParameter('from', 'from must not be after to', 'INVALID_DATE_RANGE');
  }
  return { ...(createdFrom !== undefined ? { createdFrom } : {}), ...(createdTo !== undefined ? { createdTo } : {}) };
}

/** Days between two ISO dates, counting both ends. */
export const daysBetween = (from: string, to: string): number => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;

export const todayUtc = (now = new Date()): string => now.toISOString().slice(0, 10);

export const addDays = (day: string, days: number): string => midnightUtc(day, days).slice(0, 10);
