import { createHash } from 'node:crypto';
import { OUTBOX_PARTITIONS } from './event-store.js';

/**
 * The outbox partition of a stream, as `outbox_partition(stream_id)` in migration 0001
 * computes it: the low bits of the first 32 bits of the md5 of the stream id. The store
 * needs it to announce an append without asking the database.
 */
export function outboxPartitionOf(streamId: string): number {
  const first32 = createHash('md5').update(streamId, 'utf8').digest().readUInt32BE(0);
  return first32 % OUTBOX_PARTITIONS;
}
