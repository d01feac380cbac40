import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventMetadata } from '@orderflow/contracts';
import { aggregateStream, saveSnapshotIfDue, type SnapshotPolicy } from './aggregate-stream.js';
import type { EventStore } from './event-store.js';
import { createMemoryEventStore } from './memory-event-store.js';

type Added = { type: 'Added'; data: { n: number } };
const metadata: EventMetadata = { correlationId: 'c-1', causationId: null };

async function streamOf(store: EventStore, ...numbers: number[]) {
  const events = numbers.map((n) => ({ type: 'Added', data: { n }, metadata }));
  await store.appendToStream('sum-1', events, { streamType: 'Sum', expectedVersion: 'no_stream' });
}

function folding(snapshot?: SnapshotPolicy<number>) {
  const seen: number[] = [];
  const evolve = (sum: number, event: Added) => {
    seen.push(event.data.n);
    return sum + event.data.n;
  };
  return { seen, options: { streamId: 'sum-1', evolve, initialState: () => 0, ...(snapshot ? { snapshot } : {}) } };
}

describe('aggregateStream', () => {
  it('folds the whole stream without a snapshot policy', async () => {
    const store = createMemoryEventStore();
    await streamOf(store, 1, 2, 3);
    const { seen, options } = folding();
    assert.deepEqual(await aggregateStream(store, options), { state: 6, streamVersion: 3, snapshotVersion: null });
    assert.deepEqual(seen, [1, 2, 3]);
  });

  it('starts from a snapshot with the current key and folds only the later events', async () => {
    const store = createMemoryEventStore();
    await streamOf(store, 1, 2, 3, 4);
    await store.saveSnapshot({ streamId: 'sum-1', streamVersion: 3, snapshotKey: 'v2', state: 6 });
    const { seen, options } = folding({ key: 'v2', every: 3 });
    assert.deepEqual(await aggregateStream(store, options), { state: 10, streamVersion: 4, snapshotVersion: 3 });
    assert.deepEqual(seen, [4]);
  });

  it('ignores a snapshot with a stale key and replays from the start', async () => {
    const store = createMemoryEventStore();
    await streamOf(store, 1, 2);
    await store.saveSnapshot({ streamId: 'sum-1', streamVersion: 2, snapshotKey: 'v1', state: { legacy: true } });
    const { seen, options } = folding({ key: 'v2', every: 3 });
    assert.deepEqual(await aggregateStream(store, options), { state: 3, streamVersion: 2, snapshotVersion: null });
    assert.deepEqual(seen, [1, 2]);
  });

  it('decodes the snapshot through the codec', async () => {
    const store = createMemoryEventStore();
    await streamOf(store, 5);
    const codec = {
      encode: (n: number) => ({ total: String(n) }),
      decode: (json: unknown) => Number((json as { total: string }).total),
    };
    const snapshot = { key: 'k', every: 1, codec };
    await saveSnapshotIfDue(store, { streamId: 'sum-1', state: 5, streamVersion: 1, snapshotVersion: null, snapshot });
    assert.deepEqual((await store.loadSnapshot('sum-1'))?.state, { total: '5' });
    const { options } = folding({ key: 'k', every: 1, codec });
    assert.deepEqual(await aggregateStream(store, options), { state: 5, streamVersion: 1, snapshotVersion: 1 });
  });
});

describe('saveSnapshotIfDue', () => {
  it('saves once `every` events were written since the snapshot in use', async () => {
    const store = createMemoryEventStore();
    const snapshot = { key: 'k', every: 3 };
    const due = (streamVersion: number, snapshotVersion: number | null) =>
      saveSnapshotIfDue(store, { streamId: 'sum-2', state: streamVersion, streamVersion, snapshotVersion, snapshot });
    assert.equal(await due(2, null), false);
    assert.equal(await store.loadSnapshot('sum-2'), null);
    assert.equal(await due(3, null), true);
    assert.equal(await due(5, 3), false);
    assert.equal(await due(6, 3), true);
    assert.equal((await store.loadSnapshot('sum-2'))?.streamVersion, 6);
  });
});
