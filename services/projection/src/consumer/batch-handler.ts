import type { Logger, OffsetCommitter } from '@orderflow/platform';
import type { EachBatchPayload } from 'kafkajs';
import type { MessageDecoder, DecodeFailure } from '../adapters/kafka/message-decoder.js';
import { toKafkaSource } from '../adapters/kafka/message-decoder.js';
import type { DeadLetterPublisher } from '../adapters/kafka/dead-letter-producer.js';
import type { ApplyResult } from '../adapters/postgres/batch-writer.js';
import type { OrderChange } from '../adapters/postgres/order-change.js';
import type { ReadModelWriter } from '../adapters/postgres/read-model-writer.js';
import type { OrderCache } from '../adapters/redis/order-cache.js';
import type { Envelope, KafkaSource } from '../envelope.js';
import type { ProjectionMetrics } from '../metrics.js';
import { projectionOf } from '../projection.js';
import { backoffDelay, isTransient, sleep, type RetryPolicy } from './retry-policy.js';

export type BatchHandlerDeps = Readonly<{
  decoder: MessageDecoder;
  writer: ReadModelWriter;
  deadLetters: DeadLetterPublisher;
  cache: OrderCache;
  metrics: ProjectionMetrics;
  logger: Logger;
  retry: RetryPolicy;
}>;

type Controls = Pick<EachBatchPayload, 'heartbeat' | 'isRunning' | 'isStale'>;
type Outcome = Readonly<{ ok: true; result: ApplyResult }> | Readonly<{ ok: false; error: Error }>;
type Target = Readonly<{ projection: string | undefined; streamId: string | null; streamVersion: number | null }>;

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/**
 * Handles one fetched batch of one partition: decode, apply in as few transactions as
 * possible, isolate poison messages, commit the offset only after the database commit,
 * then refresh Redis. A failure of the infrastructure is retried until it passes; a
 * failure of one message is retried a few times, dead-lettered, and parks its aggregate.
 */
export function createBatchHandler(deps: BatchHandlerDeps) {
  const { decoder, writer, deadLetters, cache, metrics, logger, retry } = deps;

  async function persistently<T>(what: string, c: Controls, work: () => Promise<T>, retriable: (e: unknown) => boolean): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await work();
      } catch (e) {
        if (!retriable(e) || !c.isRunning() || c.isStale()) throw e;
        logger.warn({ event: 'projection.retrying', what, attempt, err: asError(e).message }, `${what} failed; retrying`);
        await sleep(backoffDelay(retry, attempt));
        await c.heartbeat();
      }
    }
  }

  async function tryApply(envelopes: readonly Envelope[], c: Controls): Promise<Outcome> {
    try {
      return { ok: true, result: await persistently('apply', c, () => writer.apply(envelopes), isTransient) };
    } catch (e) {
      if (isTransient(e)) throw e;
      return { ok: false, error: asError(e) };
    }
  }

  function record(result: ApplyResult, changes: OrderChange[]): void {
    const now = Date.now();
    for (const a of result.applied) {
      metrics.applied.inc({ projection: a.projection, event_type: a.event.type });
      metrics.lagSeconds.observe({ projection: a.projection }, Math.max(0, now - a.event.recordedAt.getTime()) / 1000);
    }
    if (result.duplicates > 0) metrics.skipped.inc({ reason: 'duplicate' }, result.duplicates);
    if (result.parked.length > 0) metrics.skipped.inc({ reason: 'parked' }, result.parked.length);
    for (const p of result.newlyParked) {
      logger.warn({ event: 'projection.stream_parked', projection: p.projection, streamId: p.streamId, reason: p.reason, err: p.error }, 'aggregate parked');
    }
    changes.push(...result.changes);
  }

  async function poison(source: KafkaSource, target: Target, error: Error, attempts: number, c: Controls): Promise<void> {
    const topic = await persistently('dead-letter', c, () => deadLetters.publish(source, error, attempts), () => true);
    metrics.deadLettered.inc({ topic });
    const where = { topic: source.topic, partition: source.partition, offset: source.offset, streamId: target.streamId };
    logger.error({ event: 'projection.dead_lettered', ...where, attempts, err: error.message }, 'poison message dead-lettered');
    if (target.projection === undefined || target.streamId === null) {
      logger.error({ event: 'projection.poison_unattributed', ...where }, 'poison message names no aggregate; nothing parked');
      return;
    }
    const poisoned = { projection: target.projection, streamId: target.streamId, streamVersion: target.streamVersion, source, error: error.message };
    await persistently('park', c, () => writer.park(poisoned), isTransient);
  }

  /** Retries one event on its own, then dead-letters it and parks its aggregate. */
  async function applyOne(envelope: Envelope, tried: number, c: Controls, changes: OrderChange[]): Promise<void> {
    let error = new Error('not attempted');
    for (let attempt = tried + 1; attempt <= retry.attempts; attempt += 1) {
      if (attempt > 1) {
        await sleep(backoffDelay(retry, attempt - 1));
        await c.heartbeat();
      }
      const outcome = await tryApply([envelope], c);
      if (outcome.ok && outcome.result.failures.length === 0) return record(outcome.result, changes);
      error = outcome.ok ? (outcome.result.failures[0]?.error ?? error) : outcome.error;
    }
    const { event, source } = envelope;
    if (source === undefined) throw error;
    const target = { projection: projectionOf(event.streamType)?.name, streamId: event.streamId, streamVersion: event.streamVersion };
    await poison(source, target, error, Math.max(retry.attempts, tried), c);
  }

  async function flush(envelopes: readonly Envelope[], c: Controls, changes: OrderChange[]): Promise<void> {
    if (envelopes.length === 0) return;
    const outcome = await tryApply(envelopes, c);
    if (!outcome.ok) {
      // the database refused the batch as a whole: find the culprit one event at a time
      logger.warn({ event: 'projection.batch_rejected', size: envelopes.length, err: outcome.error.message }, 'batch rejected; applying singly');
      for (const envelope of envelopes) await applyOne(envelope, 0, c, changes);
      return;
    }
    record(outcome.result, changes);
    for (const envelope of outcome.result.deferred) {
      const failedHere = outcome.result.failures.some((f) => f.envelope === envelope);
      await applyOne(envelope, failedHere ? 1 : 0, c, changes);
    }
  }

  async function undecodable(failure: DecodeFailure, c: Controls, changes: OrderChange[]): Promise<void> {
    let last = failure;
    let attempt = 1;
    let outage = 0;
    // an unreachable registry is waited out without counting against the message
    while (last.transient || attempt < retry.attempts) {
      if (!c.isRunning() || c.isStale()) throw last.error;
      if (last.transient) outage += 1;
      else attempt += 1;
      if (last.transient) logger.warn({ event: 'projection.registry_unavailable', err: last.error.message }, 'schema registry unavailable; retrying');
      await sleep(backoffDelay(retry, last.transient ? outage : attempt - 1));
      await c.heartbeat();
      const again = await decoder.decode(failure.source);
      if (again.ok) return flush([again.envelope], c, changes);
      last = again;
    }
    const projection = last.streamType === null ? undefined : projectionOf(last.streamType)?.name;
    await poison(last.source, { projection, streamId: last.streamId, streamVersion: last.streamVersion }, last.error, retry.attempts, c);
  }

  async function publish(changes: readonly OrderChange[]): Promise<void> {
    try {
      await cache.publish(changes);
    } catch (e) {
      metrics.cacheFailures.inc();
      logger.warn({ event: 'projection.cache_failed', orders: changes.length, err: asError(e).message }, 'Redis update failed');
    }
  }

  return async function handleBatch(payload: EachBatchPayload, offsets: OffsetCommitter): Promise<void> {
    const { batch } = payload;
    const stopTimer = metrics.batchDuration.startTimer();
    const sources = batch.messages.map((m) => toKafkaSource(batch.topic, batch.partition, m));
    const decoded = await Promise.all(sources.map((s) => decoder.decode(s)));
    const changes: OrderChange[] = [];
    let segment: Envelope[] = [];
    let handled: string | null = null;
    for (const [i, result] of decoded.entries()) {
      if (!payload.isRunning() || payload.isStale()) break;
      if (result.ok) segment.push(result.envelope);
      // good messages go in as few transactions as possible; an undecodable one splits them
      if (!result.ok || i === decoded.length - 1) {
        await flush(segment, payload, changes);
        segment = [];
        if (!result.ok) await undecodable(result, payload, changes);
        handled = sources[i]?.offset ?? handled;
      }
    }
    // Neither the Redis update nor the offset commit holds up the partition's next fetch.
    // Redis runs one connection's commands in order and keeps the newer revision anyway;
    // the offset commit only spares a re-read after a restart (the dedupe records absorb
    // one). Both are waited for when stopping.
    const published = publish(changes);
    const stopping = !payload.isRunning();
    if (handled !== null) {
      payload.resolveOffset(handled);
      const committed = offsets.commit(batch.topic, batch.partition, (BigInt(handled) + 1n).toString(), payload.commitOffsetsIfNecessary);
      if (stopping) {
        offsets.hurry();
        await committed.finally(() => published);
      } else {
        committed.catch((e: unknown) => logger.warn({ event: 'projection.offset_commit_failed', err: asError(e).message }, 'committing offsets failed'));
      }
    }
    if (stopping) await published;
    if (handled !== null) {
      const lag = Number(BigInt(batch.highWatermark) - BigInt(handled) - 1n);
      metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, Math.max(0, lag));
    }
    logger.debug({ event: 'projection.batch', topic: batch.topic, partition: batch.partition, messages: sources.length, handled }, 'batch handled');
    stopTimer();
  };
}
