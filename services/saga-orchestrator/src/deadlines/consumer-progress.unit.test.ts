import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createConsumerProgress, deadlineHorizon, type OffsetSource } from './consumer-progress.js';

/** Topic ends and committed offsets a test moves by hand, as producers and the consumer would. */
function offsets(initial: Record<string, { high: number; low?: number; committed?: number }>) {
  const state = new Map(Object.entries(initial).map(([key, o]) => [key, { high: o.high, low: o.low ?? 0, committed: o.committed ?? -1 }]));
  const source: OffsetSource = {
    ends: async () => new Map([...state].map(([key, o]) => [key, { high: o.high, low: o.low }])),
    committed: async () => new Map([...state].map(([key, o]) => [key, o.committed])),
  };
  const at = (key: string) => state.get(key) as { high: number; low: number; committed: number };
  return {
    source,
    produce: (key: string, n = 1) => void (at(key).high += n),
    consume: (key: string, upTo?: number) => void (at(key).committed = upTo ?? at(key).high),
  };
}

const t = (seconds: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, seconds));

describe('consumer progress', () => {
  it('is the time of the last look when the group has read everything', async () => {
    const o = offsets({ 'orders:0': { high: 5, committed: 5 }, 'payments:0': { high: 0 } });
    const progress = createConsumerProgress(o.source);
    assert.deepEqual(await progress.consumedThrough(t(10)), t(10));
    assert.deepEqual(await progress.consumedThrough(t(11)), t(11));
  });

  it('stays at the last time the group had caught up while it works through a backlog', async () => {
    const o = offsets({ 'inventory:0': { high: 3, committed: 3 }, 'inventory:1': { high: 7, committed: 7 } });
    const progress = createConsumerProgress(o.source);
    assert.deepEqual(await progress.consumedThrough(t(10)), t(10));
    o.produce('inventory:1', 40);
    assert.deepEqual(await progress.consumedThrough(t(11)), t(10), 'the answers written before 11 s are not all read');
    o.produce('inventory:1', 5);
    o.consume('inventory:1', 47);
    assert.deepEqual(await progress.consumedThrough(t(12)), t(11), 'what was there at 11 s is read, what came later is not');
    o.consume('inventory:1');
    assert.deepEqual(await progress.consumedThrough(t(13)), t(13));
  });

  it('counts a partition the group never committed on as read only when it is empty', async () => {
    const o = offsets({ 'orders:0': { high: 4, low: 4 }, 'orders:1': { high: 2, low: 0 } });
    const progress = createConsumerProgress(o.source);
    assert.equal(await progress.consumedThrough(t(1)), null, 'two messages on orders:1 were never read');
    o.consume('orders:1');
    assert.deepEqual(await progress.consumedThrough(t(2)), t(2));
  });

  it('remembers only a bounded number of looks while the group lags', async () => {
    const o = offsets({ 'orders:0': { high: 0, committed: 0 } });
    const progress = createConsumerProgress(o.source);
    for (let s = 0; s < 500; s++) {
      o.produce('orders:0');
      await progress.consumedThrough(t(s));
    }
    o.consume('orders:0', 250);
    const through = await progress.consumedThrough(t(600));
    assert.ok(through !== null && through <= t(250) && through >= t(200), `close behind what was read, got ${through?.toISOString()}`);
  });
});

describe('deadline horizon', () => {
  it('is how far the group has read, but never further behind the clock than the longest deferral', async () => {
    const o = offsets({ 'orders:0': { high: 1, committed: 1 } });
    const horizon = deadlineHorizon(createConsumerProgress(o.source), 30_000, () => assert.fail('no error expected'));
    assert.deepEqual(await horizon(t(100)), t(100));
    o.produce('orders:0');
    assert.deepEqual(await horizon(t(110)), t(100), 'deadlines after 100 s wait for the message written since');
    assert.deepEqual(await horizon(t(140)), t(110), 'a stalled partition delays deadlines by 30 s at most');
  });

  it('falls back to the longest deferral when the offsets cannot be read', async () => {
    const errors: unknown[] = [];
    const broken: OffsetSource = {
      ends: () => Promise.reject(new Error('broker down')),
      committed: async () => new Map(),
    };
    const horizon = deadlineHorizon(createConsumerProgress(broken), 5_000, (e) => errors.push(e));
    assert.deepEqual(await horizon(t(60)), t(55));
    assert.equal(errors.length, 1);
  });
});
