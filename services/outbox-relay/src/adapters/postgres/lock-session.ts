import { OUTBOX_CHANNEL } from '@orderflow/event-store';
import pg from 'pg';
import type { Logger } from '@orderflow/platform';
import { LockLostError, type LockSession, type LockSessionHandlers } from '../../relay/partition-locks.js';

/**
 * First key of every relay advisory lock (two-int4 form; the second key is the outbox
 * partition). Fixed forever: relays using different values would publish one partition
 * at the same time.
 */
export const RELAY_LOCK_NAMESPACE = 0x6f627278;

/** Second key of the shared lock every live relay holds, so relays can count each other. */
export const RELAY_MEMBERSHIP_KEY = 65_536;

export type LockSessionOptions = LockSessionHandlers &
  Readonly<{
    databaseUrl: string;
    logger: Logger;
    /** A query slower than this is taken as a dead connection. */
    queryTimeoutMs?: number;
  }>;

/**
 * A dedicated connection holding this relay's session-level advisory locks and its LISTEN.
 * Locks live exactly as long as the connection: a relay whose connection drops owns
 * nothing, and PostgreSQL hands the partitions to another relay.
 */
export async function openLockSession(options: LockSessionOptions): Promise<LockSession> {
  const client = new pg.Client({
    connectionString: options.databaseUrl,
    application_name: 'outbox-relay-locks',
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    query_timeout: options.queryTimeoutMs ?? 10_000,
  });
  let lost = false;
  const markLost = (cause: unknown) => {
    if (lost) return;
    lost = true;
    options.logger.warn({ event: 'relay.lock_session_lost', err: cause }, 'lock connection lost; partitions released');
    // a slow but open connection would keep its locks: close it so nobody is left in doubt
    void client.end().catch(() => {});
    options.onLost();
  };
  client.on('error', markLost);
  client.on('end', () => markLost(new Error('connection ended')));
  client.on('notification', (n) => {
    if (n.channel === OUTBOX_CHANNEL) options.onNotification(n.payload);
  });

  await client.connect();
  try {
    await client.query(`LISTEN ${client.escapeIdentifier(OUTBOX_CHANNEL)}`);
    await client.query('SELECT pg_advisory_lock_shared($1, $2)', [RELAY_LOCK_NAMESPACE, RELAY_MEMBERSHIP_KEY]);
  } catch (e) {
    await client.end().catch(() => {});
    throw e;
  }

  // partition workers and the rebalancer share this connection: one query at a time
  let queue: Promise<unknown> = Promise.resolve();
  let queuedConfirm: Promise<void> | undefined;
  const query = <R extends pg.QueryResultRow>(text: string, values: unknown[] = [], onStart?: () => void): Promise<pg.QueryResult<R>> => {
    const run = async () => {
      onStart?.();
      if (lost) throw new LockLostError();
      try {
        return await client.query<R>(text, values);
      } catch (e) {
        // a server-side error leaves the session (and its locks) intact; anything else does not
        if (!(e instanceof pg.DatabaseError)) markLost(e);
        throw lost ? new LockLostError(e) : e;
      }
    };
    const result = queue.then(run, run);
    queue = result.catch(() => {});
    return result;
  };

  return {
    get lost() {
      return lost;
    },
    async tryLock(partition) {
      const { rows } = await query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [
        RELAY_LOCK_NAMESPACE,
        partition,
      ]);
      return rows[0]?.locked === true;
    },
    async unlock(partition) {
      await query('SELECT pg_advisory_unlock($1, $2)', [RELAY_LOCK_NAMESPACE, partition]);
    },
    async liveRelays() {
      const { rows } = await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks
         WHERE locktype = 'advisory' AND granted
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 2`,
        [RELAY_LOCK_NAMESPACE, RELAY_MEMBERSHIP_KEY],
      );
      return rows[0]?.n ?? 1;
    },
    confirm() {
      // A check still waiting its turn answers for every caller that joins it: it runs
      // after they asked, which is all a confirmation has to prove. One already running
      // may have been answered before a late caller asked, so that caller queues its own.
      if (queuedConfirm !== undefined) return queuedConfirm;
      let started = false;
      const check = query('SELECT 1', [], () => {
        started = true;
        if (queuedConfirm === check) queuedConfirm = undefined;
      }).then(() => undefined);
      if (!started) queuedConfirm = check;
      return check;
    },
    async close() {
      if (lost) return;
      lost = true;
      client.removeAllListeners('end');
      // ending the session releases every advisory lock it holds
      await client.end();
    },
  };
}
