import type { Logger } from '@orderflow/platform';
import { LockLostError } from './partition-locks.js';
import type { RelayMetrics } from './relay-metrics.js';
import { createWakeSignal } from './wake-signal.js';

export type PartitionWorkerOptions = Readonly<{
  partition: number;
  batchSize: number;
  pollIntervalMs: number;
  /**
   * After a partial batch, how long the worker waits for the next wake-up before it reads
   * again; 0 reads again at once. See `step`.
   */
  settleMs: number;
  /**
   * Publishes one batch and returns the rows it handled. A batch's rows are deleted by
   * the partition's next read.
   */
  runBatch: (partition: number, limit: number) => Promise<number>;
  /** Run once the loop has ended, before `done` resolves: deletes what the last batch sent. */
  finish?: (partition: number) => Promise<void>;
  /** False once the lock is gone: the worker ends after its current batch. */
  owns: () => boolean;
  metrics: RelayMetrics;
  logger: Logger;
}>;

export type PartitionWorker = {
  readonly partition: number;
  /** Another batch may be waiting (a NOTIFY for this partition arrived). */
  wake(): void;
  /** Takes no new batch, lets the in-flight one finish (publish, then delete: see `finish`) and resolves. */
  stop(): Promise<void>;
  readonly done: Promise<void>;
};

const MAX_BACKOFF_MS = 10_000;
const backoffMs = (failures: number): number => Math.min(200 * 2 ** (failures - 1), MAX_BACKOFF_MS);

/**
 * The one loop publishing a partition. Batches are strictly sequential, so the events of
 * an aggregate (always in one partition) reach Kafka in outbox order.
 */
export function startPartitionWorker(options: PartitionWorkerOptions): PartitionWorker {
  const { partition, batchSize, logger } = options;
  const wakeUp = createWakeSignal();
  const stopSignal = createWakeSignal();
  let stopping = false;
  let failures = 0;

  const active = () => !stopping && options.owns();

  async function step(): Promise<void> {
    try {
      const handled = await options.runBatch(partition, batchSize);
      failures = 0;
      if (!active()) return;
      if (handled === 0) await wakeUp.wait(options.pollIntervalMs);
      // A partial batch took everything queued, so all the next read has to do at once is
      // delete what it sent. Under load the next append's NOTIFY comes within
      // milliseconds, and waiting for it lets one read both delete and fetch, instead of a
      // read that only deletes followed by one that only fetches. A full batch loops at once.
      else if (handled < batchSize) await wakeUp.wait(options.settleMs);
    } catch (e) {
      if (e instanceof LockLostError || !options.owns()) return;
      failures += 1;
      options.metrics.batchFailures.inc();
      logger.warn({ event: 'relay.batch_failed', partition, failures, err: e }, 'batch failed; retrying');
      // a NOTIFY must not cut the backoff short during an outage; only stop does
      await stopSignal.wait(backoffMs(failures));
    }
  }

  async function loop(): Promise<void> {
    try {
      while (active()) await step();
    } finally {
      await options.finish?.(partition);
    }
  }

  const done = loop().catch((e: unknown) => logger.error({ event: 'relay.worker_crashed', partition, err: e }, 'partition worker crashed'));
  return {
    partition,
    done,
    wake: () => wakeUp.notify(),
    stop: async () => {
      stopping = true;
      wakeUp.notify();
      stopSignal.notify();
      await done;
    },
  };
}
