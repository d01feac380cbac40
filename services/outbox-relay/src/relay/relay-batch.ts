import type { Logger } from '@orderflow/platform';
import { UnpublishableEventError, type EventEncoder } from './event-encoder.js';
import type { Outbox, OutboxEvent, OutgoingMessage, ParkedEvent, Publisher } from './outbox-event.js';
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

/**
 * Publishes the oldest batch of one partition: read, encode, send and wait for the ack,
 * then delete. A crash anywhere before the delete publishes the batch again (at least
 * once); nothing is deleted before the broker has it. Returns the rows handled.
 */
export async function relayBatch(deps: RelayBatchDeps, partition: number, limit: number): Promise<number> {
  const stopTimer = deps.metrics.batchSeconds.startTimer();
  const rows = await deps.outbox.readBatch(partition, limit);
  if (rows.length === 0) return 0;
  const encoded = await encodeBatch(rows, deps.encoder);
  if (encoded.published.length > 0) {
    await deps.confirmOwnership();
    await deps.publisher.publish(encoded.published.map((p) => p.message));
    deps.afterPublish?.();
  }
  await deps.outbox.complete(encoded.published.map((p) => p.row.outboxId), encoded.parked);
  stopTimer();
  recordOutcome(deps, partition, encoded, rows);
  deps.logger.debug({ event: 'relay.batch_published', partition, published: encoded.published.length, parked: encoded.parked.length }, 'batch published');
  return rows.length;
}
