import { consumerStopGuard, createOffsetCommitter, type EventCodec, type Logger } from '@orderflow/platform';
import type { Batch, Consumer, Kafka, Producer } from 'kafkajs';
import type { EventOutcome, SagaHandler } from '../../order-saga/order-saga.handler.js';
import { createApplyQueue } from './apply-queue.js';
import { applyOrPark, isInfrastructureDown, type PoisonPolicy } from './poison-messages.js';
import { prepareMessage, toSourcedInput, type PreparedMessage } from './saga-message.js';

export { DLQ_CONSUMER, isInfrastructureDown } from './poison-messages.js';

export type SagaConsumerDeps = Readonly<{
  kafka: Kafka;
  /** `saga` in production; tests isolate themselves with their own. */
  groupId: string;
  topics: readonly string[];
  codec: EventCodec;
  handler: SagaHandler;
  logger: Logger;
  /** Parks poison messages on `<topic>.saga.dlq`. */
  producer: Producer;
  /** Tries of a failing message before it is parked. */
  maxAttempts: number;
  /** Partitions whose batches are taken at once (and applied together). */
  partitionsConsumedConcurrently?: number;
  /**
   * The broker answers a fetch once `minBytes` are waiting or after `maxWaitMs`. Default
   * 1 byte and 1 s: every message at once. A larger `minBytes` with a short wait trades
   * that much latency per event for fewer, larger batches under load.
   */
  fetch?: Readonly<{ minBytes: number; maxWaitMs: number }>;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Each time the consumer has joined the group and got its partitions. */
  onJoined?: (assignment: Readonly<Record<string, readonly number[]>>) => void;
}>;

type Ready = Extract<PreparedMessage, { kind: 'ready' }> & Readonly<{ topic: string; partition: number }>;

/**
 * Offset commits at most this often: they only spare a re-read after a restart (dedupe
 * absorbs it), and the deadline timer's lag check reads them, which tolerates this much.
 */
const OFFSET_COMMIT_INTERVAL_MS = 100;

/** Events per transaction at most, so a backlog after a restart is applied in bounded steps. */
const MAX_EVENTS_PER_TRANSACTION = 500;

/**
 * Applies the events of every batch kafkajs hands over at once in one transaction, with
 * their dedupe rows, and commits their offsets only after that. A message that
 * keeps failing for a reason of its own is parked in the dead-letter topic, so the
 * partition keeps flowing.
 */
export async function startSagaConsumer(deps: SagaConsumerDeps): Promise<{ stop: () => Promise<void> }> {
  const poison: PoisonPolicy = { producer: deps.producer, maxAttempts: deps.maxAttempts, logger: deps.logger };
  const queue = createApplyQueue<Ready, EventOutcome>({
    applyTogether: (items) => deps.handler.handleEvents(deps.groupId, items.map((r) => r.event)),
    applyAlone: async (items) => {
      const outcomes: EventOutcome[] = [];
      for (const r of items) {
        const applied = await applyOrPark(poison, r, () => deps.handler.handleEvents(deps.groupId, [r.event]));
        outcomes.push(applied?.[0] ?? 'no_saga');
      }
      return outcomes;
    },
    isFatal: isInfrastructureDown,
    maxItems: MAX_EVENTS_PER_TRANSACTION,
  });
  const committer = createOffsetCommitter({ minIntervalMs: OFFSET_COMMIT_INTERVAL_MS });

  // a short fetch wait also bounds how long a disconnect waits for the fetch in flight
  const guard = consumerStopGuard();
  const consumer: Consumer = deps.kafka.consumer({
    groupId: deps.groupId,
    retry: guard.retry,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: deps.fetch?.maxWaitMs ?? 1_000,
    minBytes: deps.fetch?.minBytes ?? 1,
    sessionTimeout: deps.sessionTimeoutMs ?? 10_000,
    heartbeatInterval: deps.heartbeatIntervalMs ?? 3_000,
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => deps.onJoined?.(payload.memberAssignment));
  await consumer.connect();
  await consumer.subscribe({ topics: [...deps.topics], fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: deps.partitionsConsumedConcurrently ?? 32,
    // offsets are resolved and committed as messages are applied, the batches of one
    // transaction in one request; a message left unapplied at a stop is read again
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
      const received = performance.now();
      const prepared = await Promise.all(batch.messages.map((m) => prepareMessage(deps.codec, batch.topic, m)));
      for (let i = 0; i < prepared.length && isRunning() && !isStale(); ) {
        const run = readyRun(prepared, i, MAX_EVENTS_PER_TRANSACTION);
        if (run.length > 0) {
          const ready = run.filter((p): p is Extract<PreparedMessage, { kind: 'ready' }> => p.kind === 'ready');
          const outcomes = await queue.apply(ready.map((p) => ({ ...p, topic: batch.topic, partition: batch.partition })));
          ready.forEach((p, n) => logConsumed(deps.logger, p, outcomes[n] ?? 'no_saga', received));
          i += run.length;
        } else {
          await applyAlone(deps, poison, batch, prepared[i] as PreparedMessage);
          i += 1;
        }
        const last = (prepared[i - 1] as PreparedMessage).message.offset;
        resolveOffset(last);
        // the effects are committed in PostgreSQL: the offset commit only saves a re-read
        // after a restart, so the next fetch need not wait for it, except when stopping
        const committed = committer.commit(batch.topic, batch.partition, String(BigInt(last) + 1n), commitOffsetsIfNecessary);
        if (isRunning()) committed.catch((e: unknown) => deps.logger.warn({ event: 'saga.offset_commit_failed', err: e }, 'committing offsets failed'));
        else {
          committer.hurry();
          await committed;
        }
        await heartbeat();
      }
    },
  });
  return {
    async stop() {
      // offsets of applied batches are saved while still a member of the group; batches
      // finishing during the stop commit their own before the consumer leaves
      await committer.drain();
      await guard.disconnect(consumer);
      committer.seal();
      await queue.idle();
      await committer.idle();
    },
  };
}

/** Messages from `from` on that need no retry of their own (ready or skipped), at most `max`. */
function readyRun(prepared: readonly PreparedMessage[], from: number, max: number): PreparedMessage[] {
  const run: PreparedMessage[] = [];
  for (let i = from; i < prepared.length && run.length < max; i++) {
    const p = prepared[i] as PreparedMessage;
    if (p.kind === 'failed') break;
    run.push(p);
  }
  return run;
}

/** A message that could not even be decoded: decoded and applied again, alone, until it works or is parked. */
async function applyAlone(deps: SagaConsumerDeps, poison: PoisonPolicy, batch: Batch, p: PreparedMessage): Promise<void> {
  const received = performance.now();
  const origin = { topic: batch.topic, partition: batch.partition, message: p.message };
  await applyOrPark(poison, origin, async () => {
    const decoded = await toSourcedInput(deps.codec, batch.topic, p.message);
    if (!decoded) return;
    const [outcome] = await deps.handler.handleEvents(deps.groupId, [decoded.event]);
    logConsumed(deps.logger, { kind: 'ready', message: p.message, ...decoded }, outcome ?? 'no_saga', received);
  });
}

/**
 * Debug: five a saga, next to its two `saga.transition` lines at info. The metrics count
 * every event, and the transition names the event that caused it.
 */
function logConsumed(logger: Logger, p: Extract<PreparedMessage, { kind: 'ready' }>, outcome: EventOutcome, received: number) {
  if (!logger.isLevelEnabled('debug')) return;
  logger.debug(
    {
      event: 'saga.event_consumed',
      eventType: p.facts.eventType,
      eventId: p.event.eventId,
      outcome,
      correlationId: p.facts.correlationId,
      causationId: p.facts.causationId,
      ms: Math.round(performance.now() - received),
      // from its publication to its effect committed
      lagMs: Math.max(0, Date.now() - Number(p.message.timestamp)),
    },
    'event consumed',
  );
}
