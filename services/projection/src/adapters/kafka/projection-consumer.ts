import { consumerStopGuard, type Logger } from '@orderflow/platform';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';

export type ProjectionConsumerOptions = Readonly<{
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  /** Partitions handled at once in this process; the dedupe locks keep them apart. */
  concurrency: number;
  handleBatch: (payload: EachBatchPayload) => Promise<void>;
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
      stopConsumer = () => guard.disconnect(c);
      c.on(c.events.CRASH, ({ payload }) =>
        opts.logger.error({ event: 'projection.consumer_crashed', err: payload.error.message, restart: payload.restart }, 'consumer crashed'),
      );
      await c.connect();
      await c.subscribe({ topics: [...opts.topics], fromBeginning: true });
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: opts.concurrency,
        eachBatch: opts.handleBatch,
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
