import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger, recordedOrderCreated, testMetrics } from '../testing/relay-fixtures.js';
import { UnpublishableEventError, type EventEncoder } from './event-encoder.js';
import type { Outbox, OutboxEvent, ParkedEvent } from './outbox-event.js';
import { outgoingMessageOf } from './outbox-message.js';
import { relayBatch, type RelayBatchDeps } from './relay-batch.js';

const row = (id: number, type = 'OrderCreated'): OutboxEvent => ({
  outboxId: String(id),
  globalPosition: BigInt(id),
  streamId: 'order-1',
  event: recordedOrderCreated({ type, streamVersion: id, globalPosition: BigInt(id) }),
});

/** Keeps a journal of every step so tests can check their order. */
function harness(rows: OutboxEvent[], overrides: Partial<RelayBatchDeps> = {}) {
  const journal: string[] = [];
  const completed: { published: readonly string[]; parked: readonly ParkedEvent[] }[] = [];
  const outbox: Outbox = {
    readBatch: async (_p, limit) => rows.slice(0, limit),
    complete: async (published, parked) => {
      journal.push('complete');
      completed.push({ published, parked });
    },
  };
  const encoder: EventEncoder = {
    encode: async (event) => {
      if (event.type === 'Broken') throw new UnpublishableEventError('SCHEMA_REJECTED_DATA', 'bad data');
      return outgoingMessageOf('orders.events', event, Buffer.from(event.eventId));
    },
  };
  const deps: RelayBatchDeps = {
    outbox,
    encoder,
    publisher: {
      publish: async (messages) => {
        journal.push(`publish:${messages.map((m) => m.headers['stream-version']).join(',')}`);
      },
    },
    metrics: testMetrics(),
    logger: silentLogger,
    confirmOwnership: async () => {
      journal.push('confirm');
    },
    afterPublish: () => journal.push('after-publish'),
    ...overrides,
  };
  return { deps, journal, completed };
}

describe('relayBatch', () => {
  it('deletes rows only after the broker acked them, in outbox order', async () => {
    const { deps, journal, completed } = harness([row(1), row(2), row(3)]);
    assert.equal(await relayBatch(deps, 0, 10), 3);
    assert.deepEqual(journal, ['confirm', 'publish:1,2,3', 'after-publish', 'complete']);
    assert.deepEqual(completed, [{ published: ['1', '2', '3'], parked: [] }]);
  });

  it('parks an unpublishable event and still publishes the rest', async () => {
    const { deps, journal, completed } = harness([row(1), row(2, 'Broken'), row(3)]);
    await relayBatch(deps, 0, 10);
    assert.deepEqual(journal, ['confirm', 'publish:1,3', 'after-publish', 'complete']);
    assert.deepEqual(completed[0]?.published, ['1', '3']);
    assert.deepEqual(completed[0]?.parked, [{ outboxId: '2', reason: 'SCHEMA_REJECTED_DATA', error: 'bad data' }]);
  });

  it('parks a row whose event is missing without sending anything', async () => {
    const orphan: OutboxEvent = { outboxId: '9', globalPosition: 9n, streamId: 'order-1', event: null };
    const { deps, journal, completed } = harness([orphan]);
    await relayBatch(deps, 0, 10);
    assert.deepEqual(journal, ['complete']);
    assert.equal(completed[0]?.parked[0]?.reason, 'EVENT_MISSING');
  });

  it('neither sends nor deletes once ownership is lost', async () => {
    const lost = new Error('lock lost');
    const { deps, journal, completed } = harness([row(1)], { confirmOwnership: async () => Promise.reject(lost) });
    await assert.rejects(relayBatch(deps, 0, 10), (e: unknown) => e === lost);
    assert.deepEqual(journal, []);
    assert.deepEqual(completed, []);
  });

  it('keeps the rows when the send fails, so the batch is retried', async () => {
    const { deps, journal, completed } = harness([row(1)], {
      publisher: { publish: async () => Promise.reject(new Error('broker down')) },
    });
    await assert.rejects(relayBatch(deps, 0, 10), /broker down/);
    assert.deepEqual(journal, ['confirm']);
    assert.deepEqual(completed, []);
  });

  it('reads at most the batch size and reports an empty partition as 0', async () => {
    const { deps } = harness([row(1), row(2), row(3)]);
    assert.equal(await relayBatch(deps, 0, 2), 2);
    assert.equal(await relayBatch(harness([]).deps, 0, 2), 0);
  });
});
