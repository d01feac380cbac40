import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCoalescingNotifier } from './outbox-notifier.js';

/** An announcer whose calls the test completes or fails one by one. */
function controlledAnnouncer() {
  const calls: { partitions: readonly number[]; settle: (error?: Error) => void }[] = [];
  const announce = (partitions: readonly number[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ partitions, settle: (error) => (error === undefined ? resolve() : reject(error)) });
    });
  /** Completes the oldest open call and lets the notifier react. */
  const finish = async (index: number, error?: Error) => {
    calls[index]?.settle(error);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { calls, announce, finish };
}

const unexpected = (error: unknown) => {
  throw new Error(`no announcement may fail here: ${String(error)}`);
};

describe('coalescing outbox notifier', () => {
  it('keeps one announcement in flight and sends what piled up meanwhile as one', async () => {
    const announcer = controlledAnnouncer();
    const notifier = createCoalescingNotifier({ announce: announcer.announce, onError: unexpected });
    notifier.appended([3]);
    notifier.appended([9]);
    notifier.appended([1, 9]);
    notifier.appended([3]);
    assert.deepEqual(announcer.calls.map((c) => c.partitions), [[3]], 'only the first append starts an announcement');

    await announcer.finish(0);
    assert.deepEqual(announcer.calls.map((c) => c.partitions), [[3], [1, 3, 9]]);
    await announcer.finish(1);
    await notifier.settled();
    assert.equal(announcer.calls.length, 2, 'nothing is sent when nothing is dirty');

    notifier.appended([4]);
    assert.deepEqual(announcer.calls.at(-1)?.partitions, [4], 'an idle notifier announces at once');
    await announcer.finish(2);
  });

  it('spaces announcements by the minimum interval, sending the first after a quiet spell at once', async () => {
    const starts: { at: number; partitions: readonly number[] }[] = [];
    const notifier = createCoalescingNotifier({
      announce: async (partitions) => {
        starts.push({ at: performance.now(), partitions });
      },
      onError: unexpected,
      minIntervalMs: 80,
    });
    const quietStart = performance.now();
    notifier.appended([1]);
    assert.equal(starts.length, 1, 'no wait after a quiet spell');
    assert.ok(starts[0]!.at - quietStart < 20);
    await new Promise((resolve) => setImmediate(resolve));
    notifier.appended([2]);
    notifier.appended([3]);
    await notifier.settled();
    assert.deepEqual(starts.map((s) => s.partitions), [[1], [2, 3]]);
    assert.ok(starts[1]!.at - starts[0]!.at >= 79, `second announcement ${starts[1]!.at - starts[0]!.at} ms after the first`);
  });

  it('never makes an append wait, even for an announcement that never returns', () => {
    const notifier = createCoalescingNotifier({ announce: () => new Promise(() => {}), onError: unexpected });
    const started = performance.now();
    for (let i = 0; i < 1_000; i += 1) notifier.appended([i % 16]);
    assert.ok(performance.now() - started < 500);
  });

  it('reports a failed announcement and sends its partitions with the next append, without retrying on its own', async () => {
    const announcer = controlledAnnouncer();
    const errors: unknown[] = [];
    const notifier = createCoalescingNotifier({ announce: announcer.announce, onError: (e) => errors.push(e) });
    notifier.appended([5]);
    notifier.appended([6]);
    await announcer.finish(0, new Error('connection lost'));
    assert.equal(errors.length, 1);
    assert.equal(announcer.calls.length, 1, 'a failure does not start a loop against a broken database');

    notifier.appended([7]);
    assert.deepEqual(announcer.calls[1]?.partitions, [5, 6, 7]);
    await announcer.finish(1);
    await notifier.settled();
  });

  it('announces what is left on close, then closes its connection and ignores later appends', async () => {
    const sent: number[][] = [];
    let closed = 0;
    let failNext = true;
    const notifier = createCoalescingNotifier({
      announce: async (partitions) => {
        if (failNext) {
          failNext = false;
          throw new Error('transient');
        }
        sent.push([...partitions]);
      },
      onError: () => {},
      close: async () => {
        closed += 1;
      },
    });
    notifier.appended([2]);
    await notifier.settled();
    assert.deepEqual(sent, []);
    await notifier.close();
    assert.deepEqual(sent, [[2]]);
    assert.equal(closed, 1);
    notifier.appended([8]);
    await notifier.settled();
    assert.deepEqual(sent, [[2]]);
  });
});
