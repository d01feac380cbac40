import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { EventMetadata } from '@orderflow/contracts';
import { AppError, ConcurrencyError } from '@orderflow/platform/errors';
import {
  START_CHECKPOINT,
  type EventStore,
  type ExpectedVersion,
  type GlobalCheckpoint,
  type NewEvent,
  type ReadAllEvent,
} from './event-store.js';
import type { UpcastingOptions } from './upcasters.js';

/**
 * The behaviour every EventStore must show, run against the memory and the PostgreSQL
 * implementations. Ids are fresh per test: the PostgreSQL database is shared by
 * concurrent and repeated runs, so no test may assume it sees the whole log alone.
 */
export type ContractFixture = Readonly<{ makeStore: (options?: UpcastingOptions) => EventStore }>;

/** Test streams share a prefix so a PostgreSQL run can clear their outbox rows afterwards. */
export const TEST_STREAM_PREFIX = 'es-test-';
const TYPE = 'EventStoreTest';
const newId = (prefix: string) => `${TEST_STREAM_PREFIX}${prefix}-${randomUUID()}`;
const meta = (): EventMetadata => ({ correlationId: randomUUID(), causationId: null, userId: 'u-1' });
const events = (count: number, type = 'TestHappened'): NewEvent[] =>
  Array.from({ length: count }, (_, i) => ({ type, data: { n: i + 1, nested: { list: [i] } }, metadata: meta() }));
const append = (store: EventStore, streamId: string, expectedVersion: ExpectedVersion, count = 1) =>
  store.appendToStream(streamId, events(count), { streamType: TYPE, expectedVersion });
const isConflict = (e: unknown) => e instanceof ConcurrencyError && e.code === 'CONCURRENCY_CONFLICT';
const after = (a: GlobalCheckpoint, b: GlobalCheckpoint) =>
  a.transactionId > b.transactionId || (a.transactionId === b.transactionId && a.globalPosition > b.globalPosition);

/** The checkpoint after everything readable now; the shared database's log only grows. */
export async function endOfLog(store: EventStore): Promise<GlobalCheckpoint> {
  let at = START_CHECKPOINT;
  for (;;) {
    const page = await store.readAll({ fromPosition: at, limit: 1000 });
    if (page.events.length === 0) return at;
    at = page.checkpoint;
  }
}

/** Pages through the global log from `from` until `want` events of `streamIds` were seen (or times out). */
export async function collect(
  store: EventStore,
  from: GlobalCheckpoint,
  streamIds: readonly string[],
  want: number,
  limit = 250,
): Promise<ReadAllEvent[]> {
  const seen: ReadAllEvent[] = [];
  const deadline = Date.now() + 15_000;
  for (let at = from; seen.length < want && Date.now() < deadline; ) {
    const page = await store.readAll({ fromPosition: at, limit });
    page.events.forEach((e, i) => assert.ok(after(e.checkpoint, i === 0 ? at : page.events[i - 1]!.checkpoint)));
    assert.deepEqual(page.checkpoint, page.events.at(-1)?.checkpoint ?? at);
    seen.push(...page.events.filter((e) => streamIds.includes(e.streamId)));
    at = page.checkpoint;
    // an older transaction elsewhere may still be open; commit-safe reads wait for it
    if (page.events.length === 0) await sleep(50);
  }
  return seen;
}

export function eventStoreContract(fixture: ContractFixture): void {
  describe('appendToStream and readStream', () => {
    it('appends to a new stream and reads the events back in order', async () => {
      const store = fixture.makeStore();
      const streamId = newId('order');
      const first = randomUUID();
      const created = { eventId: first, type: 'TestCreated', data: { total: { amount: 1250, currency: 'EUR' } }, metadata: meta() };
      const written = [created, ...events(2)];
      const result = await store.appendToStream(streamId, written, { streamType: TYPE, expectedVersion: 'no_stream' });
      assert.equal(result.status, 'appended');
      assert.equal(result.streamVersion, 3);
      const read = await store.readStream(streamId);
      assert.equal(read.streamVersion, 3);
      assert.deepEqual(read.events.map((e) => e.streamVersion), [1, 2, 3]);
      assert.deepEqual(read.events.map((e) => e.type), ['TestCreated', 'TestHappened', 'TestHappened']);
      assert.deepEqual(read.events.map((e) => e.data), written.map((e) => e.data));
      assert.deepEqual(read.events.map((e) => e.metadata), written.map((e) => e.metadata));
      assert.equal(read.events[0]?.eventId, first);
      assert.deepEqual(read.events.map((e) => e.globalPosition), result.status === 'appended' ? result.globalPositions : []);
      assert.ok(read.events.every((e, i, all) => i === 0 || e.globalPosition > all[i - 1]!.globalPosition));
      assert.ok(read.events.every((e) => e.streamType === TYPE && e.schemaVersion === 1 && e.recordedAt instanceof Date));
      assert.equal(await store.streamVersion(streamId), 3);
    });

    it('reads a missing stream as empty at version 0', async () => {
      const store = fixture.makeStore();
      const streamId = newId('missing');
      assert.deepEqual(await store.readStream(streamId), { events: [], streamVersion: 0 });
      assert.equal(await store.streamVersion(streamId), 0);
    });

    it('reads a window of a stream with fromVersion and maxCount', async () => {
      const store = fixture.makeStore();
      const streamId = newId('window');
      await append(store, streamId, 'no_stream', 5);
      const read = await store.readStream(streamId, { fromVersion: 2, maxCount: 2 });
      assert.deepEqual(read.events.map((e) => e.streamVersion), [2, 3]);
      assert.equal(read.streamVersion, 5);
      assert.deepEqual((await store.readStream(streamId, { fromVersion: 6 })).events, []);
    });

    it('rejects a stale expected version with a ConcurrencyError and writes nothing', async () => {
      const store = fixture.makeStore();
      const streamId = newId('stale');
      await append(store, streamId, 0, 2);
      await assert.rejects(append(store, streamId, 1), (e) => isConflict(e) && (e as ConcurrencyError).actualVersion === 2);
      await assert.rejects(append(store, streamId, 'no_stream'), isConflict);
      const absent = append(store, newId('absent'), 4);
      await assert.rejects(absent, (e) => isConflict(e) && (e as ConcurrencyError).actualVersion === 0);
      assert.equal((await store.readStream(streamId)).events.length, 2);
      const any = await append(store, streamId, 'any', 2);
      assert.equal(any.streamVersion, 4);
    });

    it('lets exactly one of 50 concurrent appends at one expected version win, keeping versions gapless', async () => {
      const store = fixture.makeStore();
      const streamId = newId('race');
      for (const expected of [0, 2]) {
        const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => append(store, streamId, expected, 2)));
        assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
        assert.ok(outcomes.every((o) => o.status === 'fulfilled' || isConflict(o.reason)));
      }
      const read = await store.readStream(streamId);
      assert.deepEqual(read.events.map((e) => e.streamVersion), [1, 2, 3, 4]);
    });

    it('rejects an empty append and a reused event id', async () => {
      const store = fixture.makeStore();
      const streamId = newId('invalid');
      const empty = store.appendToStream(streamId, [], { streamType: TYPE, expectedVersion: 'any' });
      await assert.rejects(empty, { code: 'EMPTY_APPEND' });
      const eventId = randomUUID();
      const once = [{ eventId, type: 'TestHappened', data: {}, metadata: meta() }];
      await store.appendToStream(streamId, once, { streamType: TYPE, expectedVersion: 'any' });
      await assert.rejects(store.appendToStream(newId('other'), once, { streamType: TYPE, expectedVersion: 'any' }), {
        code: 'DUPLICATE_EVENT_ID',
      });
    });
  });

  describe('idempotency', () => {
    const withKey = (store: EventStore, streamId: string, key: string, hash: string, expectedVersion: ExpectedVersion = 'any') =>
      store.appendToStream(streamId, events(2), {
        streamType: TYPE,
        expectedVersion,
        idempotency: { key, requestHash: hash, response: { orderId: streamId, items: [1, 2] } },
      });

    it('answers a replay with the stored response and appends nothing', async () => {
      const store = fixture.makeStore();
      const [streamId, key] = [newId('idem'), newId('key')];
      assert.equal((await withKey(store, streamId, key, 'hash-a', 'no_stream')).status, 'appended');
      // a replay carries the expected version of its first attempt, now stale
      const replay = await withKey(store, streamId, key, 'hash-a', 'no_stream');
      assert.deepEqual(replay, { status: 'duplicate', streamVersion: 2, response: { orderId: streamId, items: [1, 2] } });
      assert.equal((await store.readStream(streamId)).events.length, 2);
      const stored = await store.findIdempotentResponse(key);
      assert.equal(stored?.requestHash, 'hash-a');
      assert.equal(stored?.streamId, streamId);
      assert.equal(await store.findIdempotentResponse(newId('unknown')), null);
    });

    it('refuses the same key with a different request as unprocessable', async () => {
      const store = fixture.makeStore();
      const [streamId, key] = [newId('idem'), newId('key')];
      await withKey(store, streamId, key, 'hash-a');
      await assert.rejects(withKey(store, streamId, key, 'hash-b'), (e) => {
        assert.ok(e instanceof AppError);
        assert.equal(e.code, 'IDEMPOTENCY_KEY_REUSED');
        assert.equal(e.kind, 'unprocessable');
        return true;
      });
      assert.equal(await store.streamVersion(streamId), 2);
    });

    it('appends once for 10 concurrent appends with one key', async () => {
      const store = fixture.makeStore();
      for (const expected of ['any', 0] as const) {
        const [streamId, key] = [newId('idem-race'), newId('key')];
        const results = await Promise.all(Array.from({ length: 10 }, () => withKey(store, streamId, key, 'hash-a', expected)));
        assert.equal(results.filter((r) => r.status === 'appended').length, 1);
        assert.ok(results.every((r) => r.status === 'appended' || (r.status === 'duplicate' && r.streamVersion === 2)));
        assert.deepEqual((await store.readStream(streamId)).events.map((e) => e.streamVersion), [1, 2]);
      }
    });
  });

  describe('appendToStreams', () => {
    const stream = (streamId: string, expectedVersion: ExpectedVersion, count = 1) => ({
      streamId,
      streamType: TYPE,
      expectedVersion,
      events: events(count, 'TestReserved'),
    });

    it('appends to several streams in one transaction', async () => {
      const store = fixture.makeStore();
      const [a, b] = [newId('sku'), newId('sku')];
      await append(store, b, 'no_stream');
      const result = await store.appendToStreams([stream(a, 'no_stream', 2), stream(b, 1)]);
      assert.equal(result.status, 'appended');
      const byId = new Map(result.status === 'appended' ? result.streams.map((s) => [s.streamId, s]) : []);
      assert.equal(byId.get(a)?.streamVersion, 2);
      assert.equal(byId.get(b)?.streamVersion, 2);
      assert.deepEqual((await store.readStream(a)).events.map((e) => e.globalPosition), byId.get(a)?.globalPositions);
    });

    it('appends nothing on any stream when one of them conflicts', async () => {
      const store = fixture.makeStore();
      const [a, b, c] = [newId('sku'), newId('sku'), newId('sku')];
      await append(store, b, 'no_stream');
      await assert.rejects(
        store.appendToStreams([stream(a, 'no_stream'), stream(b, 0), stream(c, 'any')]),
        (e) => isConflict(e) && (e as ConcurrencyError).streamId === b && (e as ConcurrencyError).actualVersion === 1,
      );
      assert.deepEqual(await Promise.all([a, b, c].map((id) => store.streamVersion(id))), [0, 1, 0]);
    });

    it('lets concurrent appends over the same streams, given in any order, all commit without deadlock', async () => {
      const store = fixture.makeStore();
      const [a, b] = [newId('sku'), newId('sku')];
      const pairs = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? [a, b] : [b, a]));
      const results = await Promise.all(pairs.map((ids) => store.appendToStreams(ids.map((id) => stream(id, 'any')))));
      assert.ok(results.every((r) => r.status === 'appended'));
      for (const id of [a, b]) {
        assert.deepEqual((await store.readStream(id)).events.map((e) => e.streamVersion), Array.from({ length: 12 }, (_, i) => i + 1));
      }
    });

    it('appends once for concurrent multi-stream appends with one key', async () => {
      const store = fixture.makeStore();
      const [a, b] = [newId('sku'), newId('sku')];
      const idempotency = { key: newId('key'), requestHash: 'hash-once', response: { reserved: 2 } };
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.appendToStreams([stream(a, 'any'), stream(b, 'any', 2)], { idempotency })),
      );
      assert.equal(results.filter((r) => r.status === 'appended').length, 1);
      assert.ok(results.every((r) => r.status === 'appended' || (r.status === 'duplicate' && (r.response as { reserved: number }).reserved === 2)));
      assert.deepEqual(await Promise.all([a, b].map((id) => store.streamVersion(id))), [1, 2]);
    });

    it('replays a multi-stream append by its key and refuses the key for another request', async () => {
      const store = fixture.makeStore();
      const [a, b, key] = [newId('sku'), newId('sku'), newId('key')];
      const idempotency = { key, requestHash: 'hash-a', response: { reserved: [a, b] } };
      assert.equal((await store.appendToStreams([stream(a, 0), stream(b, 0)], { idempotency })).status, 'appended');
      const replay = await store.appendToStreams([stream(a, 0), stream(b, 0)], { idempotency });
      assert.deepEqual(replay, { status: 'duplicate', response: { reserved: [a, b] } });
      await assert.rejects(store.appendToStreams([stream(a, 1)], { idempotency: { ...idempotency, requestHash: 'hash-b' } }), {
        code: 'IDEMPOTENCY_KEY_REUSED',
      });
      assert.deepEqual(await Promise.all([a, b].map((id) => store.streamVersion(id))), [1, 1]);
    });
  });

  describe('readAll', () => {
    it('reads every committed event once, in pages, resuming from checkpoints', async () => {
      const store = fixture.makeStore();
      const ids = [newId('all'), newId('all'), newId('all')];
      const from = await endOfLog(store);
      for (const id of ids) await append(store, id, 'no_stream', 2);
      const seen = await collect(store, from, ids, 6, 4);
      assert.equal(seen.length, 6);
      assert.equal(new Set(seen.map((e) => e.eventId)).size, 6);
      for (const id of ids) {
        assert.deepEqual(seen.filter((e) => e.streamId === id).map((e) => e.streamVersion), [1, 2]);
      }
    });
  });

  describe('upcasting', () => {
    const upcasting: UpcastingOptions = {
      currentSchemaVersions: { TestItemAdded: 3 },
      upcasters: {
        TestItemAdded: {
          1: (data) => ({ sku: data['productId'], quantity: data['quantity'] }),
          2: (data, metadata) => ({ ...data, addedBy: metadata.userId ?? null }),
        },
      },
    };

    it('brings old schema versions to the current one on every read path', async () => {
      const store = fixture.makeStore(upcasting);
      const streamId = newId('cart');
      const from = await endOfLog(store);
      await store.appendToStream(
        streamId,
        [
          { type: 'TestItemAdded', schemaVersion: 1, data: { productId: 'p-1', quantity: 2 }, metadata: meta() },
          { type: 'TestItemAdded', data: { sku: 'p-2', quantity: 1, addedBy: 'u-2' }, metadata: meta() },
        ],
        { streamType: TYPE, expectedVersion: 'no_stream' },
      );
      const expected = [
        { sku: 'p-1', quantity: 2, addedBy: 'u-1' },
        { sku: 'p-2', quantity: 1, addedBy: 'u-2' },
      ];
      const read = await store.readStream(streamId);
      assert.deepEqual(read.events.map((e) => e.data), expected);
      assert.deepEqual(read.events.map((e) => e.schemaVersion), [3, 3]);
      const loaded = await store.loadStream(streamId);
      assert.deepEqual(loaded.events.map((e) => e.data), expected);
      const all = await collect(store, from, [streamId], 2);
      assert.deepEqual(all.map((e) => e.data), expected);
    });

    it('refuses to write a schema version newer than the current one', async () => {
      const store = fixture.makeStore(upcasting);
      const newer = [{ type: 'TestItemAdded', schemaVersion: 4, data: {}, metadata: meta() }];
      await assert.rejects(store.appendToStream(newId('cart'), newer, { streamType: TYPE, expectedVersion: 'any' }), {
        code: 'INVALID_SCHEMA_VERSION',
      });
    });
  });

  describe('loadStream', () => {
    it('reads a missing stream as empty, with no snapshot and no key record', async () => {
      const store = fixture.makeStore();
      const loaded = await store.loadStream(newId('missing'), { snapshotKey: 'k', idempotencyKey: randomUUID() });
      assert.deepEqual(loaded, { events: [], streamVersion: 0, snapshot: null, idempotency: null });
    });

    it('starts after the snapshot saved under the key asked for and ignores any other', async () => {
      const store = fixture.makeStore();
      const streamId = newId('load');
      await append(store, streamId, 'no_stream', 5);
      await store.saveSnapshot({ streamId, streamVersion: 3, snapshotKey: 'k1', state: { upTo: 3 } });
      const fromSnapshot = await store.loadStream(streamId, { snapshotKey: 'k1' });
      assert.deepEqual(fromSnapshot.snapshot, { streamId, streamVersion: 3, snapshotKey: 'k1', state: { upTo: 3 } });
      assert.deepEqual(fromSnapshot.events.map((e) => [e.streamVersion, e.data]), [
        [4, { n: 4, nested: { list: [3] } }],
        [5, { n: 5, nested: { list: [4] } }],
      ]);
      assert.equal(fromSnapshot.streamVersion, 5);
      for (const options of [{ snapshotKey: 'k2' }, {}]) {
        const whole = await store.loadStream(streamId, options);
        assert.equal(whole.snapshot, null);
        assert.deepEqual(whole.events.map((e) => e.streamVersion), [1, 2, 3, 4, 5]);
      }
      await store.saveSnapshot({ streamId, streamVersion: 5, snapshotKey: 'k1', state: { upTo: 5 } });
      const upToDate = await store.loadStream(streamId, { snapshotKey: 'k1' });
      assert.deepEqual([upToDate.snapshot?.state, upToDate.events, upToDate.streamVersion], [{ upTo: 5 }, [], 5]);
    });

    it('returns the record of the idempotency key asked for, in the same read', async () => {
      const store = fixture.makeStore();
      const streamId = newId('load-key');
      const key = randomUUID();
      const response = { accepted: true, version: 2 };
      await store.appendToStream(streamId, events(2), {
        streamType: TYPE,
        expectedVersion: 'no_stream',
        idempotency: { key, requestHash: 'h-1', response },
      });
      const loaded = await store.loadStream(streamId, { idempotencyKey: key });
      assert.equal(loaded.streamVersion, 2);
      assert.deepEqual(loaded.events.map((e) => e.streamVersion), [1, 2]);
      const { createdAt, ...record } = loaded.idempotency ?? { createdAt: null };
      assert.deepEqual(record, { key, requestHash: 'h-1', response, streamId, streamVersion: 2 });
      assert.ok(createdAt instanceof Date);
      assert.equal((await store.loadStream(streamId, { idempotencyKey: randomUUID() })).idempotency, null);
      assert.equal((await store.loadStream(streamId)).idempotency, null);
    });
  });

  describe('snapshots', () => {
    it('keeps the newest snapshot of a key and replaces it when the key changes', async () => {
      const store = fixture.makeStore();
      const streamId = newId('snap');
      assert.equal(await store.loadSnapshot(streamId), null);
      await store.saveSnapshot({ streamId, streamVersion: 10, snapshotKey: 'k1', state: { total: 10 } });
      await store.saveSnapshot({ streamId, streamVersion: 5, snapshotKey: 'k1', state: { total: 5 } });
      const kept = await store.loadSnapshot(streamId);
      assert.deepEqual(kept, { streamId, streamVersion: 10, snapshotKey: 'k1', state: { total: 10 } });
      await store.saveSnapshot({ streamId, streamVersion: 7, snapshotKey: 'k2', state: [7] });
      assert.deepEqual(await store.loadSnapshot(streamId), { streamId, streamVersion: 7, snapshotKey: 'k2', state: [7] });
    });
  });
}
