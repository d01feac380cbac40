import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordedEvent } from '@orderflow/contracts';
import type { ApplyResult } from '../adapters/postgres/batch-writer.js';
import type { ReadModelWriter } from '../adapters/postgres/read-model-writer.js';
import type { Envelope } from '../envelope.js';
import { mergingWriter, splitResult } from './merged-apply.js';

const envelope = (eventId: string, streamId: string): Envelope => ({
  event: { eventId, streamId, streamType: 'Order', streamVersion: 1, type: 'OrderCreated' } as unknown as RecordedEvent,
});
const empty: ApplyResult = { applied: [], duplicates: 0, parked: [], newlyParked: [], failures: [], deferred: [], changes: [] };
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** A writer that answers each apply when the test says so, applying everything it is given. */
function controlledWriter() {
  const calls: { envelopes: readonly Envelope[]; answer: () => void; fail: (e: Error) => void }[] = [];
  const writer: ReadModelWriter = {
    apply: (envelopes) =>
      new Promise<ApplyResult>((resolve, reject) => {
        calls.push({
          envelopes,
          answer: () => resolve({ ...empty, applied: envelopes.map((e) => ({ ...e, projection: 'orders' })), duplicates: 1 }),
          fail: reject,
        });
      }),
    park: async () => undefined,
  };
  return { calls, writer };
}

describe('merged apply', () => {
  it('gives each caller the outcomes of its own envelopes and the streams it parked', () => {
    const [a1, a2, b1] = [envelope('a1', 's-a'), envelope('a2', 's-a'), envelope('b1', 's-b')];
    const failure = { envelope: b1, projection: 'orders', error: new Error('bad') };
    const merged: ApplyResult = {
      applied: [{ ...a1, projection: 'orders' }],
      duplicates: 2,
      parked: [a2],
      newlyParked: [{ projection: 'orders', streamId: 's-a', reason: 'gap', error: null, source: undefined }],
      failures: [failure],
      deferred: [b1],
      changes: [{ orderId: 'o', version: 1, revision: '1', detail: {} as never }],
    };
    const [a, b] = splitResult(merged, [[a1, a2], [b1]]);
    assert.deepEqual(a?.applied.map((e) => e.event.eventId), ['a1']);
    assert.deepEqual(a?.parked, [a2]);
    assert.deepEqual(a?.newlyParked.map((p) => p.streamId), ['s-a']);
    assert.deepEqual([a?.failures, a?.deferred], [[], []]);
    assert.deepEqual(b?.applied, []);
    assert.deepEqual(b?.failures, [failure]);
    assert.deepEqual(b?.deferred, [b1]);
    assert.deepEqual(b?.newlyParked, []);
    assert.equal((a?.duplicates ?? 0) + (b?.duplicates ?? 0), 2, 'counts are reported once');
    assert.equal((a?.changes.length ?? 0) + (b?.changes.length ?? 0), 1, 'every cache change goes to exactly one caller');
  });

  it('sends calls that arrive while a transaction runs as one, and answers each with its share', async () => {
    const { calls, writer } = controlledWriter();
    const merging = mergingWriter(writer);
    const first = merging.apply([envelope('x', 's-x')]);
    await turn();
    const waiting = [merging.apply([envelope('y', 's-y')]), merging.apply([envelope('z1', 's-z'), envelope('z2', 's-z')])];
    await turn();
    assert.equal(calls.length, 1, 'one transaction at a time');
    calls[0]?.answer();
    assert.deepEqual((await first).applied.map((e) => e.event.eventId), ['x']);
    await turn();
    assert.deepEqual(calls[1]?.envelopes.map((e) => e.event.eventId), ['y', 'z1', 'z2'], 'the waiting calls share the next one');
    calls[1]?.answer();
    const [y, z] = await Promise.all(waiting);
    assert.deepEqual(y?.applied.map((e) => e.event.eventId), ['y']);
    assert.deepEqual(z?.applied.map((e) => e.event.eventId), ['z1', 'z2']);
  });

  it('applies every caller on its own when the shared transaction fails, so each sees only its own outcome', async () => {
    const { calls, writer } = controlledWriter();
    const merging = mergingWriter(writer);
    const blocker = merging.apply([envelope('w', 's-w')]);
    await turn();
    const y = merging.apply([envelope('y', 's-y')]);
    const z = merging.apply([envelope('z', 's-z')]);
    calls[0]?.answer();
    await blocker;
    await turn();
    calls[1]?.fail(new Error('refused as a whole'));
    await turn();
    await turn();
    assert.deepEqual(calls.slice(2).map((c) => c.envelopes.map((e) => e.event.eventId)), [['y'], ['z']]);
    calls[2]?.fail(new Error('y is poison'));
    calls[3]?.answer();
    await assert.rejects(y, /y is poison/);
    assert.deepEqual((await z).applied.map((e) => e.event.eventId), ['z']);
  });
});
