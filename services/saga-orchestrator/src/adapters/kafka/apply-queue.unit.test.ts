import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApplyQueue } from './apply-queue.js';

/** Records what was applied how; items named `poison` fail any transaction they are in. */
function recorder(options: Readonly<{ maxItems?: number; fatal?: boolean }> = {}) {
  const together: string[][] = [];
  const alone: string[][] = [];
  const check = (items: readonly string[]) => {
    if (items.includes('poison')) throw options.fatal ? new Error('database down') : new Error('cannot apply poison');
  };
  const queue = createApplyQueue<string, string>({
    applyTogether: async (items) => {
      together.push([...items]);
      check(items);
      return items.map((i) => `${i}:ok`);
    },
    applyAlone: async (items) => {
      alone.push([...items]);
      return items.map((i) => (i === 'poison' ? 'poison:parked' : `${i}:ok`));
    },
    isFatal: () => options.fatal ?? false,
    maxItems: options.maxItems ?? 100,
  });
  return { queue, together, alone };
}

describe('apply queue', () => {
  it('applies submissions made together in one transaction, each getting its own results in order', async () => {
    const { queue, together } = recorder();
    const [a, b] = await Promise.all([queue.apply(['a1', 'a2']), queue.apply(['b1'])]);
    assert.deepEqual(together, [['a1', 'a2', 'b1']]);
    assert.deepEqual(a, ['a1:ok', 'a2:ok']);
    assert.deepEqual(b, ['b1:ok']);
  });

  it('gathers what is submitted during a transaction into the next one', async () => {
    const { queue, together } = recorder();
    const first = queue.apply(['a']);
    await new Promise((resolve) => setImmediate(resolve));
    const [second, third] = [queue.apply(['b']), queue.apply(['c'])];
    await Promise.all([first, second, third]);
    assert.deepEqual(together, [['a'], ['b', 'c']]);
  });

  it('caps a transaction at maxItems, never splitting a submission', async () => {
    const { queue, together } = recorder({ maxItems: 3 });
    await Promise.all([queue.apply(['a1', 'a2']), queue.apply(['b1', 'b2']), queue.apply(['c1']), queue.apply(['d1', 'd2', 'd3', 'd4'])]);
    assert.deepEqual(together, [['a1', 'a2'], ['b1', 'b2', 'c1'], ['d1', 'd2', 'd3', 'd4']]);
  });

  it('applies each submission alone when the shared transaction fails, so only the poisoned one is held up', async () => {
    const { queue, together, alone } = recorder();
    const [a, b] = await Promise.all([queue.apply(['a1', 'poison']), queue.apply(['b1'])]);
    assert.deepEqual(together, [['a1', 'poison', 'b1']]);
    assert.deepEqual(alone.sort(), [['a1', 'poison'], ['b1']]);
    assert.deepEqual(a, ['a1:ok', 'poison:parked']);
    assert.deepEqual(b, ['b1:ok']);
  });

  it('fails every submission at once when the failure is not theirs (the database is down)', async () => {
    const { queue, alone } = recorder({ fatal: true });
    const results = await Promise.allSettled([queue.apply(['poison']), queue.apply(['b1'])]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.deepEqual(alone, []);
  });

  it('is idle once everything submitted was applied', async () => {
    const { queue } = recorder();
    let done = false;
    void queue.apply(['a', 'poison']).then(() => (done = true));
    await queue.idle();
    assert.equal(done, true);
  });
});
