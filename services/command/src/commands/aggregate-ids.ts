import { createHash } from 'node:crypto';
import type { CommandContext, Clock } from './command-context.js';

/** A UUID (RFC 9562 layout, version 8: custom) made from a hash of `name`. */
export function uuidFromName(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of an aggregate a command creates. With an idempotency key it is derived from
 * the key, so every retry addresses the same stream and asks external systems about
 * the same payment or shipment (whose answers are keyed by that id); without one it is new.
 */
export const newAggregateId = (kind: string, ctx: CommandContext, clock: Clock): string =>
  ctx.idempotencyKey === null ? clock.newId() : uuidFromName(`orderflow:${kind}:${ctx.idempotencyKey}`);
