import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger, recordedOrderCreated, testMetrics } from '../testing/relay-fixtures.js';
import { UnpublishableEventError, type EventEncoder } from './event-encoder.js';
import type { BatchCompletion, Outbox, OutboxEvent } from './outbox-event.js';
import { outgoingMessageOf } from './outbox-message.js';
import { relayBatch, type RelayBatchDeps } from './relay-batch.js';

const row = (id: number, type = 'OrderCreated'): OutboxEvent => ({
  outboxId: String(id),
  globalPosition: BigInt(id),
  streamId: 'order-1',
  event: recordedOrderCreated({ type, streamVersion: id, globalPosition: BigInt(id) }),
});

/** Keeps a journal of every step so tests can check their order; the outbox is `rows`. */
function harness(initial: OutboxEvent[], overrides: Partial<RelayBatchDeps> = {}) {
  const journal: string[] = [];
  let rows = [...initial];
  const completed: BatchCompletion[] = [];
  const remove = (batch: BatchCompletion) => {
    completed.push(batch);
    const gone = new Set([...batch.publishedIds, ...batch.parked.map((p) => p.outboxId)]);
    rows = rows.filter((r) => !gone.has(r.outboxId));
  };
  const outbox: Outbox = {
    readBatch: async (_p, limit, finish) => {
      if (finish) {
        journal.push('finish');
        remove(finish);
      }
      journal.push('read');
      return rows.slice(0, limit);
    },
    complete: async (batch) => {
      journal.push('complete');
      remove(batch);
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
  return { deps, journal, completed, queued: () => rows.map((r) => r.outboxId) };
}

describe('relayBatch', () => {
  it('leaves the rows in place until the broker acked them, and the next read deletes them', async () => {
    const { deps, journal, completed, queued } = harness([row(1), row(2), row(3), row(4)]);
    const first = await relayBatch(deps, 0, 3);
    assert.equal(first.handled, 3);
    assert.deepEqual(journal, ['read', 'confirm', 'publish:1,2,3', 'after-publish']);
    assert.deepEqual(queued(), ['1', '2', '3', '4'], 'nothing deleted before the next read');
    assert.deepEqual(first.unfinished, { publishedIds: ['1', '2', '3'], parked: [] });

    const second = await relayBatch(deps, 0, 3, first.unfinished);
    assert.deepEqual(journal.slice(4), ['finish', 'read', 'confirm', 'publish:4', 'after-publish']);
    assert.deepEqual(completed, [{ publishedIds: ['1', '2', '3'], parked: [] }]);
    assert.equal(second.handled, 1);

    const third = await relayBatch(deps, 0, 3, second.unfinished);
    assert.deepEqual(third, { handled: 0, unfinished: null }, 'an empty partition leaves nothing to do');
    assert.deepEqual(queued(), []);
  });

  it('parks an unpublishable event and still publishes the rest', async () => {
    const { deps, journal } = harness([row(1), row(2, 'Broken'), row(3)]);
    const { unfinished } = await relayBatch(deps, 0, 10);
    assert.deepEqual(journal, ['read', 'confirm', 'publish:1,3', 'after-publish']);
    assert.deepEqual(unfinished?.publishedIds, ['1', '3']);
    assert.deepEqual(unfinished?.parked, [{ outboxId: '2', reason: 'SCHEMA_REJECTED_DATA', error: 'bad data' }]);
  });

  it('parks a row whose event is missing without checking ownership or sending anything', async () => {
    const orphan: OutboxEvent = { outboxId: '9', globalPosition: 9n, streamId: 'order-1', event: null };
    const { deps, journal } = harness([orphan]);
    const { unfinished } = await relayBatch(deps, 0, 10);
    assert.deepEqual(journal, ['read']);
    assert.equal(unfinished?.parked[0]?.reason, 'EVENT_MISSING');
  });

  it('sends nothing once ownership is lost, and an encoding failure meanwhile leaves no unhandled rejection', async () => {
    const lost = new Error('lock lost');
    const { deps, journal } = harness([row(1)], { confirmOwnership: async () => Promise.reject(lost) });
    await assert.rejects(relayBatch(deps, 0, 10), (e: unknown) => e === lost);
    assert.deepEqual(journal, ['read']);

    const failing = harness([row(1)], {
      confirmOwnership: async () => Promise.reject(lost),
      encoder: { encode: async () => Promise.reject(new Error('registry down')) },
    });
    await assert.rejects(relayBatch(failing.deps, 0, 10), /registry down/);
    await new Promise((r) => setImmediate(r));
  });

  it('keeps the rows when the send fails, so the batch is retried', async () => {
    const { deps, journal, queued } = harness([row(1)], {
      publisher: { publish: async () => Promise.reject(new Error('broker down')) },
    });
    await assert.rejects(relayBatch(deps, 0, 10), /broker down/);
    assert.deepEqual(journal, ['read', 'confirm']);
    assert.deepEqual(queued(), ['1']);
  });

  it('reads at most the batch size and reports an empty partition as 0', async () => {
    const { deps } = harness([row(1), row(2), row(3)]);
    assert.equal((await relayBatch(deps, 0, 2)).handled, 2);
    assert.equal((await relayBatch(harness([]).deps, 0, 2)).handled, 0);
  });
});
