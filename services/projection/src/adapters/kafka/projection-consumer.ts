import { consumerStopGuard, createOffsetCommitter, type Logger, type OffsetCommitter } from '@orderflow/platform';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';

export type ProjectionConsumerOptions = Readonly<{
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  /** Partitions handled at once in this process; the dedupe locks keep them apart. */
  concurrency: number;
  /** Commits offsets through `offsets`, only past what the database holds. */
  handleBatch: (payload: EachBatchPayload, offsets: OffsetCommitter) => Promise<void>;
  logger: Logger;
  /** A member silent this long is evicted and its partitions reassigned (broker minimum 6 s). */
  sessionTimeoutMs?: number;
}>;

export type ProjectionConsumer = {
  start(): Promise<void>;
  /** Finishes the batch in hand (its offsets are committed) and leaves the group. */
  stop(): Promise<void>;
  isRunning(): boolean;
  readonly groupId: string;
  readonly topics: readonly string[];
};

/**
 * The projection's consumer-group member. Offsets are committed by the batch handler
 * after each database commit (autoCommit off), so a crash at any point replays at most
 * what was not yet committed, and the dedupe table absorbs the replay.
 */
/**
 * Offset commits at most this often: after the database commit they only spare a re-read
 * after a restart (the dedupe records absorb it), so batches need not wait for them.
 */
const OFFSET_COMMIT_INTERVAL_MS = 100;

export function createProjectionConsumer(opts: ProjectionConsumerOptions): ProjectionConsumer {
  let consumer: Consumer | null = null;
  let running = false;
  let stopConsumer: (() => Promise<void>) | null = null;

  return {
    groupId: opts.groupId,
    topics: opts.topics,
    isRunning: () => running,
    async start() {
      if (consumer !== null) return;
      // a short fetch wait bounds how long stopping (and so shutdown and replay) waits on an idle poll
      const guard = consumerStopGuard();
      const c = opts.kafka.consumer({
        groupId: opts.groupId,
        retry: guard.retry,
        sessionTimeout: opts.sessionTimeoutMs ?? 30_000,
        rebalanceTimeout: Math.max(60_000, opts.sessionTimeoutMs ?? 0),
        heartbeatInterval: 3_000,
        maxWaitTimeInMs: 1_000,
      });
      consumer = c;
      const offsets = createOffsetCommitter({ minIntervalMs: OFFSET_COMMIT_INTERVAL_MS });
      stopConsumer = async () => {
        // applied batches' offsets are saved while still a member of the group; batches
        // finishing during the stop commit their own before the consumer leaves
        await offsets.drain();
        await guard.disconnect(c);
        offsets.seal();
        await offsets.idle();
      };
      c.on(c.events.CRASH, ({ payload }) =>
        opts.logger.error({ event: 'projection.consumer_crashed', err: payload.error.message, restart: payload.restart }, 'consumer crashed'),
      );
      await c.connect();
      await c.subscribe({ topics: [...opts.topics], fromBeginning: true });
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: opts.concurrency,
        eachBatch: (payload) => opts.handleBatch(payload, offsets),
      });
      running = true;
      opts.logger.info({ event: 'projection.consumer_started', groupId: opts.groupId, topics: opts.topics }, 'consuming');
    },
    async stop() {
      const stopIt = stopConsumer;
      consumer = null;
      stopConsumer = null;
      running = false;
      if (stopIt !== null) await stopIt();
    },
  };
}
