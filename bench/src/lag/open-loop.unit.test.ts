import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { runOpenLoop } from './open-loop.js';

describe('open loop', () => {
  it('starts rate x seconds operations on their slots, whatever the earlier ones are doing', async () => {
    const starts: { index: number; dueAt: number; at: number }[] = [];
    let firstFinished = Infinity;
    const run = await runOpenLoop(
      async (index, dueAt) => {
        starts.push({ index, dueAt, at: performance.now() });
        // far slower than the 5 ms between slots: a closed loop would send a handful
        await sleep(400);
        firstFinished = Math.min(firstFinished, performance.now());
        return index;
      },
      { ratePerSecond: 200, seconds: 0.1 },
    );
    assert.equal(run.started, 20);
    assert.deepEqual(
      starts.map((s) => s.index),
      Array.from({ length: 20 }, (_, i) => i),
    );
    // every slot 5 ms after the previous one, from the start
    for (const [i, s] of starts.entries()) assert.ok(Math.abs(s.dueAt - (starts[0]?.dueAt ?? 0) - i * 5) < 1e-6, `slot ${i}`);
    for (const s of starts) assert.ok(s.at >= s.dueAt, 'never before its slot');
    // all were started before the first finished (the last slot is due at 95 ms, the first ends after 400)
    assert.ok((starts.at(-1)?.at ?? Infinity) < firstFinished);
    const outcomes = await run.settled;
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'fulfilled' ? o.value : null)),
      Array.from({ length: 20 }, (_, i) => i),
    );
  });

  it('reports failures among the outcomes instead of throwing them away', async () => {
    const run = await runOpenLoop(async (index) => {
      if (index === 1) throw new Error('refused');
      return index;
    }, { ratePerSecond: 100, seconds: 0.03 });
    const outcomes = await run.settled;
    assert.equal(outcomes.length, 3);
    assert.equal(outcomes[1]?.status, 'rejected');
    assert.equal(outcomes[0]?.status, 'fulfilled');
  });
});
