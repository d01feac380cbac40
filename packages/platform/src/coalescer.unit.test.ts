import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCoalescer } from './coalescer.js';

describe('coalescer', () => {
  it('runs the calls of one turn together and answers each its own', async () => {
    const runs: number[][] = [];
    const double = createCoalescer(async (inputs: readonly number[]) => {
      runs.push([...inputs]);
      return inputs.map((n) => n * 2);
    });
    assert.deepEqual(await Promise.all([double(1), double(2), double(3)]), [2, 4, 6]);
    assert.deepEqual(runs, [[1, 2, 3]]);
  });

  it('keeps one run in flight and sends what arrived meanwhile as the next one', async () => {
    const runs: number[][] = [];
    let inFlight = 0;
    let most = 0;
    let started = () => {};
    const firstStarted = new Promise<void>((resolve) => (started = resolve));
    const echo = createCoalescer(async (inputs: readonly number[]) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      runs.push([...inputs]);
      started();
      await sleep(20);
      inFlight -= 1;
      return inputs;
    });
    const first = echo(1);
    // a sleep here would race the run's start on a busy machine
    await firstStarted;
    const later = [echo(2), echo(3)];
    assert.deepEqual(await Promise.all([first, ...later]), [1, 2, 3]);
    assert.deepEqual(runs, [[1], [2, 3]]);
    assert.equal(most, 1);
  });

  it('rejects every call of a failed run and still serves the next', async () => {
    let fail = true;
    const flaky = createCoalescer(async (inputs: readonly number[]) => {
      if (fail) throw new Error('down');
      return inputs;
    });
    const failed = await Promise.allSettled([flaky(1), flaky(2)]);
    assert.deepEqual(failed.map((r) => r.status), ['rejected', 'rejected']);
    fail = false;
    assert.equal(await flaky(3), 3);
  });
});
