import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createVersionWaiters, parseVersionNotification } from './version-waiters.js';

describe('version waiters', () => {
  it('wakes a waiter when its order reaches the minimum version', async () => {
    const waiters = createVersionWaiters();
    const waiter = waiters.register('o-1', 3);
    const woken = waiter.wait(10_000);
    assert.equal(waiters.notify('o-1', 3), 1);
    assert.equal(await woken, true);
    assert.equal(waiters.size(), 0);
  });

  it('keeps waiting on a lower version and on other orders', async () => {
    const waiters = createVersionWaiters();
    const waiter = waiters.register('o-1', 3);
    assert.equal(waiters.notify('o-1', 2), 0);
    assert.equal(waiters.notify('o-2', 9), 0);
    assert.equal(await waiter.wait(20), false);
    waiter.cancel();
    assert.equal(waiters.size(), 0);
  });

  it('remembers a notification that arrived between registering and waiting', async () => {
    const waiters = createVersionWaiters();
    const waiter = waiters.register('o-1', 2);
    waiters.notify('o-1', 5);
    const started = performance.now();
    assert.equal(await waiter.wait(10_000), true);
    assert.ok(performance.now() - started < 1_000);
  });

  it('wakes only the waiters whose minimum is reached', async () => {
    const waiters = createVersionWaiters();
    const low = waiters.register('o-1', 2);
    const high = waiters.register('o-1', 4);
    assert.equal(waiters.notify('o-1', 3), 1);
    assert.equal(await low.wait(10_000), true);
    assert.equal(waiters.size(), 1);
    assert.equal(await high.wait(10), false);
  });

  it('wakes everyone on wakeAll, and answers later waits at once as timeouts after close', async () => {
    const waiters = createVersionWaiters();
    const a = waiters.register('o-1', 2);
    const b = waiters.register('o-2', 7);
    assert.equal(waiters.wakeAll(), 2);
    assert.deepEqual(await Promise.all([a.wait(10_000), b.wait(10_000)]), [true, true]);
    waiters.close();
    const started = performance.now();
    assert.equal(await waiters.register('o-3', 1).wait(10_000), false);
    assert.ok(performance.now() - started < 1_000);
    assert.equal(waiters.size(), 0);
  });
});

describe('parseVersionNotification', () => {
  it('splits at the last colon, so order ids may contain colons', () => {
    assert.deepEqual(parseVersionNotification('a:b:12'), { orderId: 'a:b', version: 12 });
    assert.deepEqual(parseVersionNotification('3f2a-11:1'), { orderId: '3f2a-11', version: 1 });
  });

  it('rejects payloads without an id or a numeric version', () => {
    for (const payload of [undefined, '', ':3', 'abc', 'abc:', 'abc:x1', 'abc:-1', 'abc:1.5', 'abc:99999999999']) {
      assert.equal(parseVersionNotification(payload), null, String(payload));
    }
  });
});
