import { randomUUID } from 'node:crypto';
import { currentSchemaVersion, orderStreamId, type EventMetadata } from '@orderflow/contracts';
import { eventFixtures } from '@orderflow/contracts/testing/event-fixtures';
import { createPgEventStore, type EventStore, type NewEvent } from '@orderflow/event-store';
import type pg from 'pg';

export const orderStore = (pool: pg.Pool): EventStore => createPgEventStore({ pool, currentSchemaVersions: currentSchemaVersion });

export const testMetadata = (): EventMetadata => ({
  correlationId: randomUUID(),
  causationId: randomUUID(),
  userId: 'relay-test',
  traceparent: `00-${randomUUID().replaceAll('-', '')}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`,
  tracestate: 'orderflow=relay-test',
});

/** Version 1 is OrderCreated, later versions OrderItemAdded: valid data for every schema. */
export function orderEvent(orderId: string, version: number): NewEvent {
  const metadata = testMetadata();
  if (version === 1) {
    return { eventId: randomUUID(), type: 'OrderCreated', data: { ...eventFixtures.OrderCreated.data, orderId }, metadata };
  }
  const data = { ...eventFixtures.OrderItemAdded.data, orderId, quantity: version };
  return { eventId: randomUUID(), type: 'OrderItemAdded', data, metadata };
}

/** Appends the next event of an order stream; returns its stream id. */
export async function appendOrderEvent(store: EventStore, orderId: string, version: number): Promise<string> {
  const streamId = orderStreamId(orderId);
  await store.appendToStream(streamId, [orderEvent(orderId, version)], { streamType: 'Order', expectedVersion: version - 1 });
  return streamId;
}

export async function outboxDepth(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
  return rows[0]?.n ?? -1;
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
