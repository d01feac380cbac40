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
    readBatch: async (_p, limit, skip = new Set()) => rows.filter((r) => !skip.has(r.outboxId)).slice(0, limit),
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
    assert.equal((await relayBatch(deps, 0, 10)).handled, 3);
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
    assert.deepEqual(journal, ['complete'], 'nothing checked or published');
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
    assert.equal((await relayBatch(deps, 0, 2)).handled, 2);
    assert.equal((await relayBatch(harness([]).deps, 0, 2)).handled, 0);
  });

  it('reads the next batch while the last one is deleted, and sends it only once the delete committed', async () => {
    const { deps, journal } = harness([row(1), row(2), row(3)]);
    let finishDelete = () => {};
    const previous = { ids: new Set(['1', '2']), done: new Promise<void>((resolve) => (finishDelete = resolve)), at: Date.now() };
    const next = relayBatch(deps, 0, 10, previous);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(journal, ['confirm'], 'read and confirmed, not sent while the delete runs');
    finishDelete();
    const result = await next;
    assert.deepEqual(journal, ['confirm', 'publish:3', 'after-publish', 'complete'], 'the rows being deleted were skipped');
    assert.deepEqual([...(result.completion?.ids ?? [])], ['3']);
  });

  it('sends nothing after a failed delete, so the retry reads the undeleted rows first', async () => {
    const { deps, journal, completed } = harness([row(1), row(2)]);
    const failed = Promise.reject(new Error('delete failed'));
    await assert.rejects(relayBatch(deps, 0, 10, { ids: new Set(['1']), done: failed, at: Date.now() }), /delete failed/);
    assert.deepEqual(journal, ['confirm']);
    assert.deepEqual(completed, []);
  });

  it('lets the last delete settle when the partition has nothing new, and stays busy for a while', async () => {
    const { deps } = harness([row(1)]);
    let settled = false;
    const done = new Promise<void>((resolve) => setTimeout(resolve, 5)).then(() => void (settled = true));
    const previous = { ids: new Set(['1']), done, at: Date.now() };
    const result = await relayBatch(deps, 0, 10, previous);
    assert.equal(result.handled, 0);
    assert.ok(settled, 'returned only after the delete settled');
    assert.equal(result.completion, previous, 'a partition that just published still counts as busy');
    const long = { ...previous, at: Date.now() - 60_000 };
    assert.equal((await relayBatch(deps, 0, 10, long)).completion, null, 'one that published a minute ago does not');
  });

  it('checks ownership beside the read on a busy partition, and only after finding rows on an idle one', async () => {
    const busy = harness([]);
    await relayBatch(busy.deps, 0, 10, { ids: new Set(), done: Promise.resolve(), at: Date.now() });
    assert.deepEqual(busy.journal, ['confirm']);
    const idle = harness([]);
    await relayBatch(idle.deps, 0, 10, { ids: new Set(), done: Promise.resolve(), at: Date.now() - 60_000 });
    await relayBatch(idle.deps, 0, 10, null);
    assert.deepEqual(idle.journal, [], 'an idle poll that finds nothing checks nothing');
  });

  it('never leaves a failed delete unhandled: the caller learns of it through the completion', async () => {
    const { deps } = harness([row(1)], {});
    const failing = { ...deps, outbox: { ...deps.outbox, complete: async () => Promise.reject(new Error('connection reset')) } };
    const { completion } = await relayBatch(failing, 0, 10);
    await new Promise((r) => setImmediate(r));
    await assert.rejects(completion?.done ?? Promise.resolve(), /connection reset/);
  });
});
