import type { RecordedEvent } from '@orderflow/contracts';

/** An outbox row with its event; `event` is null when the row points at no event. */
export type OutboxEvent = Readonly<{
  outboxId: string;
  globalPosition: bigint;
  streamId: string;
  event: RecordedEvent | null;
}>;

/**
 * Why an event can never be published as stored. Each is deterministic (retrying would
 * fail the same way), which is what makes parking safe: transient failures (broker,
 * registry, database) are retried instead.
 */
export const parkReasons = [
  'EVENT_MISSING',
  'UNKNOWN_STREAM_TYPE',
  'UNKNOWN_EVENT_TYPE',
  'UPCAST_FAILED',
  'SCHEMA_REJECTED_DATA',
] as const;
export type ParkReason = (typeof parkReasons)[number];

export type ParkedEvent = Readonly<{ outboxId: string; reason: ParkReason; error: string }>;

/** What a sent batch leaves to do in the outbox: delete the rows the broker has, park the others. */
export type BatchCompletion = Readonly<{ publishedIds: readonly string[]; parked: readonly ParkedEvent[] }>;

/** The outbox as the relay needs it; `adapters/postgres` implements it. */
export type Outbox = {
  /**
   * The oldest rows of the partition, in outbox order. Given `finish` (the partition's
   * last batch), completes it first, in the same statement and transaction, and leaves
   * its rows out: one round trip both ends a batch and starts the next.
   */
  readBatch(partition: number, limit: number, finish?: BatchCompletion): Promise<OutboxEvent[]>;
  /** Deletes the published rows and parks the others in one statement. */
  complete(batch: BatchCompletion): Promise<void>;
};

/** One Kafka record, ready to send. */
export type OutgoingMessage = Readonly<{
  topic: string;
  key: string;
  value: Buffer;
  headers: Readonly<Record<string, string>>;
}>;

/** Resolves once the broker has acknowledged every message (acks=all). */
export type Publisher = {
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
};
