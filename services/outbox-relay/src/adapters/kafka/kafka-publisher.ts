import { Partitioners, type Kafka, type Producer, type TopicMessages } from 'kafkajs';
import type { OutgoingMessage, Publisher } from '../../relay/outbox-event.js';

/**
 * Idempotent with one request in flight: a retried send can neither duplicate nor
 * reorder records within a Kafka partition, which per-aggregate order relies on.
 */
export function createRelayProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    // murmur2 on the key, as Java clients do: the same aggregate maps to the same partition
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

/** Groups by topic keeping each topic's messages in outbox order. */
export function topicMessagesOf(messages: readonly OutgoingMessage[]): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages>();
  for (const m of messages) {
    let entry = byTopic.get(m.topic);
    if (!entry) {
      entry = { topic: m.topic, messages: [] };
      byTopic.set(m.topic, entry);
    }
    entry.messages.push({ key: m.key, value: m.value, headers: { ...m.headers } });
  }
  return [...byTopic.values()];
}

export function kafkaPublisher(producer: Producer): Publisher {
  return {
    async publish(messages) {
      // acks=all: resolved only once every in-sync replica has the records
      await producer.sendBatch({ acks: -1, topicMessages: topicMessagesOf(messages) });
    },
  };
}
