import { dlqTopicOf, KafkaHeaders } from '@orderflow/contracts';
import type { Producer } from 'kafkajs';
import type { KafkaSource } from '../../envelope.js';

/** The DLQ carries the logical consumer's name, not a run's group id. */
export const DLQ_CONSUMER = 'projection';

export type DeadLetterPublisher = { publish(source: KafkaSource, error: Error, attempts: number): Promise<string> };

const MAX_ERROR_LENGTH = 2_000;

/**
 * Sends the original key, value and headers, plus why and where from, to the source
 * topic's dead-letter topic; resolves once the broker acknowledged it on all replicas.
 */
export function createDeadLetterPublisher(producer: Producer): DeadLetterPublisher {
  return {
    async publish(source, error, attempts) {
      const topic = dlqTopicOf(source.topic, DLQ_CONSUMER);
      await producer.send({
        topic,
        acks: -1,
        messages: [
          {
            key: source.key,
            value: source.value,
            headers: {
              ...source.headers,
              [KafkaHeaders.dlqError]: `${error.name}: ${error.message}`.slice(0, MAX_ERROR_LENGTH),
              [KafkaHeaders.dlqAttempts]: String(attempts),
              [KafkaHeaders.dlqSourceTopic]: source.topic,
              [KafkaHeaders.dlqSourcePartition]: String(source.partition),
              [KafkaHeaders.dlqSourceOffset]: source.offset,
            },
          },
        ],
      });
      return topic;
    },
  };
}
