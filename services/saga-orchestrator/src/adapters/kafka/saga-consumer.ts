import { randomUUID } from 'node:crypto';
import { dlqTopicOf, KafkaHeaders } from '@orderflow/contracts';
import type { EventCodec, Logger } from '@orderflow/platform';
import type { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { sagaEventTypes, toSagaInput } from '../../order-saga/order-saga.inputs.js';
import type { SagaHandler } from '../../order-saga/order-saga.handler.js';

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
  partitionsConsumedConcurrently?: number;
  /** After a change committed: the dispatcher has commands to send. */
  onApplied?: () => void;
}>;

/** The dead-letter topics belong to the logical consumer, whatever group id isolates a run. */
export const DLQ_CONSUMER = 'saga';

/**
 * Applies each event in one transaction with its dedupe row; kafkajs commits the offset
 * only after that. A message that keeps failing for a reason of its own is parked in the
 * dead-letter topic, so the partition keeps flowing.
 */
export async function startSagaConsumer(deps: SagaConsumerDeps): Promise<{ stop: () => Promise<void> }> {
  // a short fetch wait bounds how long a disconnect waits for the fetch in flight; new
  // messages still arrive at once (the broker answers as soon as it has any)
  const consumer: Consumer = deps.kafka.consumer({ groupId: deps.groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 1_000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [...deps.topics], fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: deps.partitionsConsumedConcurrently ?? 3,
    eachMessage: ({ topic, partition, message }) => handleWithRetries(deps, topic, partition, message),
  });
  return { stop: () => consumer.disconnect() };
}

async function handleWithRetries(deps: SagaConsumerDeps, topic: string, partition: number, message: KafkaMessage): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await handle(deps, topic, message);
      return;
    } catch (e) {
      if (isInfrastructureDown(e)) throw e;
      if (attempt >= deps.maxAttempts) {
        await park(deps, topic, partition, message, e, attempt);
        return;
      }
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
}

async function handle(deps: SagaConsumerDeps, topic: string, message: KafkaMessage): Promise<void> {
  const headers = headerStrings(message.headers);
  const eventType = headers[KafkaHeaders.eventType] ?? '';
  if (!sagaEventTypes.has(eventType)) return;
  if (!message.value) throw new Error(`${eventType} message without a value`);
  const started = performance.now();
  const data = await deps.codec.decode(message.value);
  const input = toSagaInput(eventType, data, {
    now: new Date(),
    correlationId: headers[KafkaHeaders.correlationId] ?? null,
    newId: randomUUID,
  });
  if (!input) return;
  const streamId = headers[KafkaHeaders.streamId] ?? null;
  const version = headers[KafkaHeaders.streamVersion];
  const streamVersion = version === undefined ? null : Number(version);
  // the event id is the dedupe key; the stream position stands in for a producer without one
  const eventId = headers[KafkaHeaders.eventId] ?? `${streamId ?? topic}@${streamVersion ?? message.offset}`;
  const trace = { traceparent: headers[KafkaHeaders.traceparent] ?? null, tracestate: headers[KafkaHeaders.tracestate] ?? null };
  const outcome = await deps.handler.handleEvent(input, { consumer: deps.groupId, eventId, streamId, streamVersion, trace });
  if (outcome === 'applied') deps.onApplied?.();
  deps.logger[outcome === 'applied' ? 'info' : 'debug'](
    {
      event: 'saga.event_consumed',
      eventType,
      eventId,
      outcome,
      correlationId: headers[KafkaHeaders.correlationId],
      causationId: headers[KafkaHeaders.causationId],
      ms: Math.round(performance.now() - started),
    },
    'event consumed',
  );
}

async function park(deps: SagaConsumerDeps, topic: string, partition: number, message: KafkaMessage, error: unknown, attempts: number) {
  const reason = error instanceof Error ? error.message : String(error);
  await deps.producer.send({
    topic: dlqTopicOf(topic, DLQ_CONSUMER),
    messages: [
      {
        key: message.key,
        value: message.value,
        headers: {
          ...(message.headers ?? {}),
          [KafkaHeaders.dlqError]: reason.slice(0, 1000),
          [KafkaHeaders.dlqAttempts]: String(attempts),
          [KafkaHeaders.dlqSourceTopic]: topic,
          [KafkaHeaders.dlqSourcePartition]: String(partition),
          [KafkaHeaders.dlqSourceOffset]: message.offset,
        },
      },
    ],
  });
  deps.logger.error({ event: 'saga.event_parked', topic, partition, offset: message.offset, err: error }, 'event parked in the dead-letter topic');
}

function headerStrings(headers: IHeaders | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    out[name] = first === undefined ? undefined : first.toString();
  }
  return out;
}

const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up|Connection terminated|timeout exceeded when trying to connect/i;

/**
 * PostgreSQL or the schema registry out of reach: retrying this one message cannot help
 * and parking it would be wrong, so the error goes to kafkajs, which backs off and
 * resumes from the last committed offset. Everything else counts against the message.
 */
export function isInfrastructureDown(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, status, message } = error as { code?: unknown; status?: unknown; message?: unknown };
  // SQLSTATE class 08 (connection exception) and 57P (operator intervention, e.g. shutdown)
  if (typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P'))) return true;
  if (typeof status === 'number' && status >= 500) return true;
  return (typeof code === 'string' && NETWORK.test(code)) || (typeof message === 'string' && NETWORK.test(message));
}
