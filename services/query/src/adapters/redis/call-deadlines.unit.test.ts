import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { callDeadlines } from './call-deadlines.js';

describe('call deadlines', () => {
  it('fires the deadline of a call that was not settled in time, once, and not before its time', async () => {
    const deadlines = callDeadlines(30);
    const started = performance.now();
    let fired = 0;
    let firedAfterMs = 0;
    const deadline = deadlines.add(() => {
      fired++;
      firedAfterMs = performance.now() - started;
    });
    await sleep(80);
    assert.equal(fired, 1);
    assert.ok(firedAfterMs >= 29, `fired after ${firedAfterMs} ms`);
    assert.equal(deadlines.settle(deadline), false, 'a late answer finds the deadline fired');
  });

  it('never fires for a call settled in time, whatever the order calls settle in', async () => {
    const deadlines = callDeadlines(30);
    const fired: number[] = [];
    const calls = [0, 1, 2, 3].map((i) => deadlines.add(() => fired.push(i)));
    assert.equal(deadlines.settle(calls[2]!), true);
    assert.equal(deadlines.settle(calls[0]!), true);
    assert.equal(deadlines.settle(calls[0]!), false, 'settled once');
    await sleep(80);
    assert.deepEqual(fired, [1, 3]);
  });

  it('keeps serving deadlines after the queue emptied, and fires them oldest first', async () => {
    const deadlines = callDeadlines(20);
    for (let i = 0; i < 3_000; i++) deadlines.settle(deadlines.add(() => assert.fail('settled in time')));
    const fired: string[] = [];
    deadlines.add(() => fired.push('first'));
    await sleep(5);
    deadlines.add(() => fired.push('second'));
    const settled = deadlines.add(() => fired.push('settled'));
    deadlines.settle(settled);
    await sleep(70);
    assert.deepEqual(fired, ['first', 'second']);
  });
});
