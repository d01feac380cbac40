import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventMetadata } from '@orderflow/contracts';
import { ConcurrencyError, precondition } from '@orderflow/platform/errors';
import type { EventStore } from './event-store.js';
import { handleCommand, type HandleCommandOptions } from './handle-command.js';
import { createMemoryEventStore } from './memory-event-store.js';

type Command = { type: 'Add'; data: { n: number } } | { type: 'Close' } | { type: 'Touch' };
type Event = { type: 'Added'; data: { n: number } } | { type: 'Closed'; data: Record<string, never> };
type State = { total: number; closed: boolean };

const decide = (command: Command, state: State): Event[] => {
  if (state.closed) throw precondition('TALLY_CLOSED', 'the tally is closed');
  switch (command.type) {
    case 'Add':
      return [{ type: 'Added', data: { n: command.data.n } }];
    case 'Close':
      return [{ type: 'Closed', data: {} }];
    case 'Touch':
      return [];
  }
};
const evolve = (state: State, event: Event): State =>
  event.type === 'Added' ? { ...state, total: state.total + event.data.n } : { ...state, closed: true };

const metadata: EventMetadata = { correlationId: 'corr-1', causationId: 'cmd-1' };
const handle = (store: EventStore, command: Command, extra: Partial<HandleCommandOptions<Command, State, Event>> = {}) =>
  handleCommand(store, {
    streamId: 'tally-1',
    streamType: 'Tally',
    decide,
    evolve,
    initialState: () => ({ total: 0, closed: false }),
    command,
    metadata,
    ...extra,
  });
const add = (n: number): Command => ({ type: 'Add', data: { n } });
const concurrentAdd = (store: EventStore) =>
  store.appendToStream('tally-1', [{ type: 'Added', data: { n: 100 }, metadata }], {
    streamType: 'Tally',
    expectedVersion: 'any',
  });

describe('handleCommand', () => {
  it('folds, decides and appends expecting the version it read', async () => {
    const store = createMemoryEventStore();
    await handle(store, add(2));
    const result = await handle(store, add(3));
    assert.equal(result.status, 'appended');
    assert.equal(result.streamVersion, 2);
    assert.deepEqual(result.status === 'appended' ? result.state : null, { total: 5, closed: false });
    assert.deepEqual(result.response, { streamId: 'tally-1', streamVersion: 2 });
    const { events } = await store.readStream('tally-1');
    assert.deepEqual(events.map((e) => [e.type, e.data, e.metadata]), [
      ['Added', { n: 2 }, metadata],
      ['Added', { n: 3 }, metadata],
    ]);
  });

  it('retries from a fresh read after a concurrent writer moved the stream', async () => {
    const store = createMemoryEventStore();
    let decisions = 0;
    const result = await handle(store, add(1), {
      decide: raceOnce(() => concurrentAdd(store), (command, state) => {
        decisions += 1;
        return decide(command, state);
      }),
    });
    assert.equal(decisions, 2);
    assert.equal(result.streamVersion, 2);
    assert.deepEqual(result.status === 'appended' ? result.state : null, { total: 101, closed: false });
  });

  it('gives up with the ConcurrencyError after the bounded retries', async () => {
    const store = createMemoryEventStore();
    let decisions = 0;
    const racing = (command: Command, state: State) => {
      decisions += 1;
      void concurrentAdd(store);
      return decide(command, state);
    };
    await assert.rejects(handle(store, add(1), { decide: racing, maxRetries: 2 }), ConcurrencyError);
    assert.equal(decisions, 3);
  });

  it('does not retry a refused command', async () => {
    const store = createMemoryEventStore();
    await handle(store, { type: 'Close' });
    let decisions = 0;
    const counting = (command: Command, state: State) => {
      decisions += 1;
      return decide(command, state);
    };
    await assert.rejects(handle(store, add(1), { decide: counting }), { code: 'TALLY_CLOSED' });
    assert.equal(decisions, 1);
  });

  it('answers a replayed command with the stored response, even once the state refuses it', async () => {
    const store = createMemoryEventStore();
    const idempotency = { key: 'cmd-close-1', requestHash: 'h-1' };
    const first = await handle(store, { type: 'Close' }, { idempotency, toResponse: (o) => ({ closedAt: o.streamVersion }) });
    assert.deepEqual(first.response, { closedAt: 1 });
    const replay = await handle(store, { type: 'Close' }, { idempotency });
    assert.deepEqual(replay, { status: 'duplicate', streamId: 'tally-1', streamVersion: 1, response: { closedAt: 1 } });
    await assert.rejects(handle(store, add(1), { idempotency: { ...idempotency, requestHash: 'h-2' } }), {
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    assert.equal(await store.streamVersion('tally-1'), 1);
  });

  it('appends nothing when the decision is empty', async () => {
    const store = createMemoryEventStore();
    await handle(store, add(4));
    const result = await handle(store, { type: 'Touch' });
    assert.equal(result.status, 'unchanged');
    assert.equal(result.streamVersion, 1);
    assert.equal(await store.streamVersion('tally-1'), 1);
  });

  it('decides on a state the caller supplies without reading the stream', async () => {
    const store = createMemoryEventStore();
    let reads = 0;
    const counting: EventStore = { ...store, loadStream: (...args) => ((reads += 1), store.loadStream(...args)) };
    const current = { state: { total: 0, closed: false }, streamVersion: 0, snapshotVersion: null };
    const result = await handle(counting, add(7), { current });
    assert.equal(reads, 0);
    assert.equal(result.streamVersion, 1);
    assert.deepEqual((await store.readStream('tally-1')).events.map((e) => e.data), [{ n: 7 }]);
  });

  it('treats a stale supplied state as a conflict and retries from a fresh read', async () => {
    const store = createMemoryEventStore();
    await handle(store, add(5));
    const stale = { state: { total: 0, closed: false }, streamVersion: 0, snapshotVersion: null };
    const result = await handle(store, add(1), { current: stale });
    assert.equal(result.streamVersion, 2);
    assert.deepEqual(result.status === 'appended' ? result.state : null, { total: 6, closed: false });
    await assert.rejects(handle(store, add(1), { current: stale, maxRetries: 0 }), ConcurrencyError);
    assert.equal(await store.streamVersion('tally-1'), 2);
  });

  it('saves a snapshot every N events and survives a failing save', async () => {
    const store = createMemoryEventStore();
    const snapshot = { key: 'tally-v1', every: 2 };
    for (const n of [1, 2, 3, 4, 5]) await handle(store, add(n), { snapshot });
    assert.deepEqual(await store.loadSnapshot('tally-1'), {
      streamId: 'tally-1',
      streamVersion: 4,
      snapshotKey: 'tally-v1',
      state: { total: 10, closed: false },
    });
    const failures: unknown[] = [];
    const broken: EventStore = { ...store, saveSnapshot: () => Promise.reject(new Error('disk full')) };
    const result = await handle(broken, add(6), { snapshot, onSnapshotError: (e) => failures.push(e) });
    assert.equal(result.streamVersion, 6);
    assert.equal(failures.length, 1);
  });
});

/** A decide that lets a concurrent writer commit before its first decision only. */
function raceOnce(race: () => Promise<unknown>, inner: (command: Command, state: State) => Event[]) {
  let raced = false;
  return (command: Command, state: State) => {
    if (!raced) {
      raced = true;
      void race();
    }
    return inner(command, state);
  };
}
