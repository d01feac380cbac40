import pg from 'pg';
import { OUTBOX_CHANNEL } from './event-store.js';
import { createCoalescingNotifier, type AnnouncePartitions, type OutboxNotifier } from './outbox-notifier.js';

/** One NOTIFY per partition, so each payload stays a single partition number. */
const ANNOUNCE = { name: 'orderflow.announce_outbox', text: 'SELECT pg_notify($1, p::text) FROM unnest($2::int[]) AS p' };

/** How long the announcing connection stays open with nothing to announce. */
const IDLE_MS = 10_000;

/**
 * Under load, at most one announcement (a transaction) per this many milliseconds: a
 * relay wakes a few milliseconds later at worst, and the database is spared thousands of
 * tiny transactions a second competing with the appends for CPU.
 */
const MIN_INTERVAL_MS = 5;

export type PgAnnouncer = Readonly<{ announce: AnnouncePartitions; close: () => Promise<void> }>;

/**
 * Announcements on a connection of their own, opened with `connection` (typically the
 * event store pool's settings) when first needed, so a NOTIFY never waits for a pool
 * slot an append needs, and only this connection's commits take the notification
 * queue's lock. An idle connection does not keep the process alive.
 *
 * The session runs with synchronous_commit off: its transactions carry nothing but
 * notifications, so waiting for their commit records to reach disk would protect
 * nothing (the outbox rows announced are already durable) and only delay the relay.
 */
export function createPgAnnouncer(connection: pg.PoolConfig): PgAnnouncer {
  const pool = new pg.Pool({
    ...connection,
    max: 1,
    idleTimeoutMillis: IDLE_MS,
    allowExitOnIdle: true,
    options: [connection.options, '-c synchronous_commit=off'].filter(Boolean).join(' '),
  });
  // an idle connection that dies (a restart, a dropped database) had nothing to send;
  // the pool opens another at the next announcement, whose failure is reported
  pool.on('error', () => {});
  return {
    announce: async (partitions) => {
      await pool.query({ ...ANNOUNCE, values: [OUTBOX_CHANNEL, partitions] });
    },
    close: () => pool.end(),
  };
}

/** The event store's default notifier: coalescing, over its own connection. */
export function createPgOutboxNotifier(connection: pg.PoolConfig, onError: (error: unknown) => void): OutboxNotifier {
  const { announce, close } = createPgAnnouncer(connection);
  return createCoalescingNotifier({ announce, onError, close, minIntervalMs: MIN_INTERVAL_MS });
}
