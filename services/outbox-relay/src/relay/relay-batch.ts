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
 * A partition's last batch whose rows are still being deleted. The partition's next batch
 * is read meanwhile, without those rows, and is sent only once the delete has committed.
 */
export type Completion = Readonly<{ ids: ReadonlySet<string>; done: Promise<void>; at: number }>;

/** A partition that published within this long counts as busy (see relayBatch). */
const BUSY_MS = 1_000;

export type BatchResult = Readonly<{ handled: number; completion: Completion | null }>;

const NONE: ReadonlySet<string> = new Set();

/**
 * Publishes the oldest batch of one partition: read, encode, send and wait for the ack,
 * then delete. Nothing is deleted before the broker has it, and a crash anywhere before
 * the delete publishes the batch again (at least once).
 *
 * The delete is not waited for: it runs while the partition's next batch is read and
 * encoded, and that batch is sent only after it succeeded. If it failed, the next batch
 * fails too, before sending anything, and the retry reads the undeleted rows first, so
 * an aggregate's events still reach the broker in outbox order.
 */
export async function relayBatch(deps: RelayBatchDeps, partition: number, limit: number, previous: Completion | null = null): Promise<BatchResult> {
  const stopTimer = deps.metrics.batchSeconds.startTimer();
  // On a busy partition (one that published within BUSY_MS) the ownership check runs
  // beside the read: one round trip less before the send, and it still answers for a
  // moment after this batch began. An idle partition's polls read first and check only
  // if they found rows.
  let owned: Promise<void> | null = null;
  const confirmed = () => (owned ??= deps.confirmOwnership());
  const now = Date.now();
  if (previous !== null && now - previous.at < BUSY_MS) confirmed().catch(() => {});
  const rows = await deps.outbox.readBatch(partition, limit, previous?.ids ?? NONE);
  if (rows.length === 0) {
    await previous?.done;
    return { handled: 0, completion: previous !== null && now - previous.at < BUSY_MS ? previous : null };
  }
  const encoded = await encodeBatch(rows, deps.encoder);
  await Promise.all([encoded.published.length > 0 ? confirmed() : undefined, previous?.done]);
  if (encoded.published.length > 0) {
    await deps.publisher.publish(encoded.published.map((p) => p.message));
    deps.afterPublish?.();
  }
  stopTimer();
  const done = deps.outbox.complete(
    encoded.published.map((p) => p.row.outboxId),
    encoded.parked,
  );
  // settled here, so a failed delete is never an unhandled rejection; the next batch awaits `done` itself
  done.then(
    () => {
      recordOutcome(deps, partition, encoded, rows);
      deps.logger.debug({ event: 'relay.batch_published', partition, published: encoded.published.length, parked: encoded.parked.length }, 'batch published');
    },
    () => {},
  );
  return { handled: rows.length, completion: { ids: new Set(rows.map((r) => r.outboxId)), done, at: Date.now() } };
}
