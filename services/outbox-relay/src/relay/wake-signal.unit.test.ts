import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createWakeSignal } from './wake-signal.js';

const elapsed = async (work: () => Promise<void>): Promise<number> => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

describe('wake signal', () => {
  it('keeps a notification that arrives while nobody waits', async () => {
    const signal = createWakeSignal();
    signal.notify();
    assert.ok((await elapsed(() => signal.wait(5_000))) < 100);
  });

  it('wakes a waiter early and times out otherwise', async () => {
    const signal = createWakeSignal();
    setTimeout(() => signal.notify(), 10);
    assert.ok((await elapsed(() => signal.wait(5_000))) < 1_000);
    assert.ok((await elapsed(() => signal.wait(30))) >= 25);
  });

  it('consumes a kept notification once', async () => {
    const signal = createWakeSignal();
    signal.notify();
    signal.notify();
    await signal.wait(5_000);
    assert.ok((await elapsed(() => signal.wait(30))) >= 25);
  });
});
