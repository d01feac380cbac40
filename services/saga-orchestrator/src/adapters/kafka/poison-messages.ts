import { dlqTopicOf, KafkaHeaders } from '@orderflow/contracts';
import type { Logger } from '@orderflow/platform';
import type { KafkaMessage, Producer } from 'kafkajs';

/** The dead-letter topics belong to the logical consumer, whatever group id isolates a run. */
export const DLQ_CONSUMER = 'saga';

export type PoisonPolicy = Readonly<{
  /** Parks poison messages on `<topic>.saga.dlq`. */
  producer: Producer;
  /** Tries of a failing message before it is parked. */
  maxAttempts: number;
  logger: Logger;
}>;

export type MessageOrigin = Readonly<{ topic: string; partition: number; message: KafkaMessage }>;

/**
 * Tries `attempt` until it succeeds; a failure of the message's own (not of PostgreSQL or
 * the registry) counts against it, and after `maxAttempts` the message is parked in the
 * dead-letter topic so its partition keeps flowing. Null when parked.
 */
export async function applyOrPark<R>(policy: PoisonPolicy, origin: MessageOrigin, attempt: () => Promise<R>): Promise<R | null> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (isInfrastructureDown(e)) throw e;
      if (n >= policy.maxAttempts) {
        await park(policy, origin, e, n);
        return null;
      }
      await new Promise((r) => setTimeout(r, 100 * 2 ** n));
    }
  }
}

async function park(policy: PoisonPolicy, { topic, partition, message }: MessageOrigin, error: unknown, attempts: number) {
  const reason = error instanceof Error ? error.message : String(error);
  await policy.producer.send({
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
  policy.logger.error({ event: 'saga.event_parked', topic, partition, offset: message.offset, err: error }, 'event parked in the dead-letter topic');
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
