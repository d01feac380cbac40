import type { Logger } from '@orderflow/platform';
import { UnpublishableEventError, type EventEncoder } from './event-encoder.js';
import type { BatchCompletion, Outbox, OutboxEvent, OutgoingMessage, ParkedEvent, Publisher } from './outbox-event.js';
import type { RelayMetrics } from './relay-metrics.js';

export type RelayBatchDeps = Readonly<{
  outbox: Outbox;
  encoder: EventEncoder;
  publisher: Publisher;
  metrics: RelayMetrics;
  logger: Logger;
  /** Throws when this relay no longer owns the partition; checked right before sending. */
  confirmOwnership: () => Promise<void>;
  /** Test fault hook, run after the broker acked and before the rows are deleted. */
  afterPublish?: () => void;
}>;

type Encoded = { published: { row: OutboxEvent; message: OutgoingMessage }[]; parked: ParkedEvent[] };

async function encodeBatch(rows: readonly OutboxEvent[], encoder: EventEncoder): Promise<Encoded> {
  const encoded: Encoded = { published: [], parked: [] };
  for (const row of rows) {
    if (row.event === null) {
      encoded.parked.push({ outboxId: row.outboxId, reason: 'EVENT_MISSING', error: `no event at ${row.globalPosition}` });
      continue;
    }
    try {
      encoded.published.push({ row, message: await encoder.encode(row.event) });
    } catch (e) {
      if (!(e instanceof UnpublishableEventError)) throw e;
      encoded.parked.push({ outboxId: row.outboxId, reason: e.reason, error: e.message });
    }
  }
  return encoded;
}

function recordOutcome(deps: RelayBatchDeps, partition: number, { published, parked }: Encoded, rows: readonly OutboxEvent[]) {
  for (const { row, message } of published) {
    deps.metrics.published.inc({ topic: message.topic, event_type: row.event?.type ?? 'unknown' });
  }
  const last = published.at(-1)?.row.event;
  if (last) deps.metrics.publishLag.set((Date.now() - last.recordedAt.getTime()) / 1000);
  for (const p of parked) {
    deps.metrics.parked.inc({ reason: p.reason });
    const event = rows.find((r) => r.outboxId === p.outboxId)?.event;
    deps.logger.error(
      { event: 'relay.event_parked', partition, outboxId: p.outboxId, eventId: event?.eventId, eventType: event?.type, reason: p.reason, error: p.error },
      'event parked: it cannot be published as stored',
    );
  }
}

export type BatchOutcome = Readonly<{
  /** Rows read (published or parked); 0 when the partition had nothing. */
  handled: number;
  /** The outbox work this batch leaves: hand it to the partition's next `relayBatch`. */
  unfinished: BatchCompletion | null;
}>;

/**
 * Publishes the oldest batch of one partition: read, encode, send and wait for the ack.
 * The rows are deleted (or parked) by the partition's next read, which `finish` hands the
 * last batch to: the same round trip ends one batch and starts the next, and nothing is
 * deleted before the broker has it. A crash anywhere before that delete publishes the
 * batch again (at least once); a partition's batches stay strictly sequential, so an
 * aggregate's events reach the broker in outbox order.
 */
export async function relayBatch(
  deps: RelayBatchDeps,
  partition: number,
  limit: number,
  finish: BatchCompletion | null = null,
): Promise<BatchOutcome> {
  const stopTimer = deps.metrics.batchSeconds.startTimer();
  const rows = await deps.outbox.readBatch(partition, limit, finish ?? undefined);
  if (rows.length === 0) return { handled: 0, unfinished: null };
  // the ownership check runs while the batch is encoded; it is awaited before the send
  const owned = rows.some((r) => r.event !== null) ? deps.confirmOwnership() : null;
  owned?.catch(() => {});
  const encoded = await encodeBatch(rows, deps.encoder);
  if (encoded.published.length > 0) {
    await owned;
    await deps.publisher.publish(encoded.published.map((p) => p.message));
    deps.afterPublish?.();
  }
  stopTimer();
  recordOutcome(deps, partition, encoded, rows);
  deps.logger.debug({ event: 'relay.batch_published', partition, published: encoded.published.length, parked: encoded.parked.length }, 'batch published');
  return { handled: rows.length, unfinished: { publishedIds: encoded.published.map((p) => p.row.outboxId), parked: encoded.parked } };
}
