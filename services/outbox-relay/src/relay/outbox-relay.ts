import type { Logger } from '@orderflow/platform';
import type { LockSession, LockSessionHandlers } from './partition-locks.js';
import { startPartitionWorker, type PartitionWorker } from './partition-worker.js';
import type { RelayMetrics } from './relay-metrics.js';

export type OutboxRelayOptions = Readonly<{
  partitions: number;
  batchSize: number;
  pollIntervalMs: number;
  /** See `PartitionWorkerOptions.settleMs`. */
  settleMs: number;
  lockIntervalMs: number;
}>;

export type OutboxRelayDeps = Readonly<{
  openSession: (handlers: LockSessionHandlers) => Promise<LockSession>;
  /** Publishes one batch of a partition this relay owns; `confirmOwnership` guards the send. */
  runBatch: (partition: number, limit: number, confirmOwnership: () => Promise<void>) => Promise<number>;
  /** Completes what a partition's last batch sent; runs before its lock is released. */
  finish?: (partition: number) => Promise<void>;
  metrics: RelayMetrics;
  logger: Logger;
}>;

export type OutboxRelay = {
  /** Takes the first partitions; rejects when PostgreSQL cannot be reached. */
  start(): Promise<void>;
  /** Stops taking batches, finishes the in-flight ones, releases every lock. */
  stop(): Promise<void>;
  heldPartitions(): number[];
};

type Owned = { worker: PartitionWorker; session: LockSession };

const shuffled = <T>(items: readonly T[]): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

/**
 * One relay process. Each outbox partition is published by exactly one relay across all
 * processes: the holder of its session advisory lock. Every tick a relay takes free
 * partitions up to its fair share (partitions / live relays) and hands back any excess,
 * so a second process gets half the partitions and takes all of them when the first dies.
 */
export function createOutboxRelay(deps: OutboxRelayDeps, options: OutboxRelayOptions): OutboxRelay {
  const { logger, metrics } = deps;
  const owned = new Map<number, Owned>();
  let session: LockSession | undefined;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> = Promise.resolve();

  const setHeldGauge = () => metrics.partitionsHeld.set(owned.size);

  function onNotification(payload: string | undefined) {
    const partition = Number(payload);
    const target = owned.get(partition);
    if (target) target.worker.wake();
    // an unreadable payload still means "something was appended": wake everyone
    else if (!Number.isInteger(partition)) for (const o of owned.values()) o.worker.wake();
  }

  function onLost() {
    for (const o of owned.values()) void o.worker.stop();
  }

  function own(partition: number, s: LockSession) {
    const worker = startPartitionWorker({
      partition,
      batchSize: options.batchSize,
      pollIntervalMs: options.pollIntervalMs,
      settleMs: options.settleMs,
      runBatch: (p, limit) => deps.runBatch(p, limit, () => s.confirm()),
      ...(deps.finish ? { finish: deps.finish } : {}),
      owns: () => !s.lost,
      metrics,
      logger,
    });
    owned.set(partition, { worker, session: s });
    // the entry stays until the loop has ended, so no new worker overlaps an old one's batch
    void worker.done.then(() => {
      if (owned.get(partition)?.worker === worker) owned.delete(partition);
      setHeldGauge();
    });
    logger.info({ event: 'relay.partition_acquired', partition }, 'partition acquired');
  }

  async function release(partition: number) {
    const o = owned.get(partition);
    if (!o) return;
    await o.worker.stop();
    if (!o.session.lost) await o.session.unlock(partition);
    logger.info({ event: 'relay.partition_released', partition }, 'partition handed over');
  }

  async function currentSession(): Promise<LockSession> {
    if (session && !session.lost) return session;
    session = await deps.openSession({ onNotification, onLost });
    return session;
  }

  async function rebalance() {
    const s = await currentSession();
    const share = Math.ceil(options.partitions / Math.max(1, await s.liveRelays()));
    const held = [...owned.keys()].sort((a, b) => a - b);
    if (held.length > share) {
      for (const partition of held.slice(share)) await release(partition);
    } else {
      const all = Array.from({ length: options.partitions }, (_, p) => p);
      for (const partition of shuffled(all.filter((p) => !owned.has(p)))) {
        if (owned.size >= share || stopping || s.lost) break;
        if (await s.tryLock(partition)) own(partition, s);
      }
    }
    setHeldGauge();
  }

  function schedule() {
    if (stopping) return;
    timer = setTimeout(() => {
      ticking = rebalance()
        .catch((e: unknown) => logger.warn({ event: 'relay.rebalance_failed', err: e }, 'partition rebalance failed'))
        .finally(schedule);
    }, options.lockIntervalMs);
  }

  return {
    async start() {
      ticking = rebalance();
      await ticking;
      schedule();
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await ticking.catch(() => {});
      await Promise.all([...owned.values()].map((o) => o.worker.stop()));
      // ending the session releases every lock at once
      await session?.close();
      owned.clear();
      setHeldGauge();
    },
    heldPartitions: () => [...owned.keys()].sort((a, b) => a - b),
  };
}
