import { createHash, randomUUID } from 'node:crypto';
import { orderStreamId, type EventMetadata } from '@orderflow/contracts';
import { eventFixtures } from '@orderflow/contracts/testing/event-fixtures';

/** One append as every contender writes it: one OrderCreated event to a fresh stream. */
export type AppendInput = Readonly<{
  streamId: string;
  eventId: string;
  eventType: 'OrderCreated';
  data: Readonly<Record<string, unknown>>;
  metadata: EventMetadata;
  idempotencyKey: string;
  requestHash: string;
  response: Readonly<{ orderId: string; streamVersion: number }>;
}>;

export const STREAM_TYPE = 'Order';

export function nextAppendInput(): AppendInput {
  const orderId = randomUUID();
  const idempotencyKey = randomUUID();
  return {
    streamId: orderStreamId(orderId),
    eventId: randomUUID(),
    eventType: 'OrderCreated',
    data: { ...eventFixtures.OrderCreated.data, orderId },
    metadata: { correlationId: randomUUID(), causationId: null, commandId: idempotencyKey },
    idempotencyKey,
    requestHash: createHash('sha256').update(idempotencyKey).digest('hex'),
    response: { orderId, streamVersion: 1 },
  };
}
