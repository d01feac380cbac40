import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closeInOrder } from './shutdown.js';

describe('closeInOrder', () => {
  it('runs the steps after a failing one, in order, then rethrows the first failure', async () => {
    const ran: string[] = [];
    const first = new Error('consumer would not leave');
    await assert.rejects(
      closeInOrder([
        () => ran.push('deadlines'),
        async () => {
          ran.push('consumer');
          throw first;
        },
        () => {
          ran.push('dispatcher');
          throw new Error('second');
        },
        async () => ran.push('producer'),
      ]),
      (e) => e === first,
    );
    assert.deepEqual(ran, ['deadlines', 'consumer', 'dispatcher', 'producer']);
  });

  it('resolves when every step succeeds', async () => {
    const ran: number[] = [];
    await closeInOrder([1, 2, 3].map((n) => async () => ran.push(n)));
    assert.deepEqual(ran, [1, 2, 3]);
  });
});
