import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMemoryLocks, type MemoryLocks } from '../testing/memory-locks.js';
import { silentLogger, testMetrics } from '../testing/relay-fixtures.js';
import { createOutboxRelay, type OutboxRelay } from './outbox-relay.js';

const PARTITIONS = 16;

/** Fails the test if two batches of one partition ever run at the same time. */
function exclusiveBatches() {
  const running = new Set<number>();
  const overlaps: number[] = [];
  const batches = new Map<number, number>();
  const runBatch = async (partition: number, _limit: number, confirm: () => Promise<void>) => {
    if (running.has(partition)) overlaps.push(partition);
    running.add(partition);
    try {
      await confirm();
      await sleep(1);
      batches.set(partition, (batches.get(partition) ?? 0) + 1);
      return 0;
    } finally {
      running.delete(partition);
    }
  };
  return { runBatch, overlaps, batches };
}

function relayOn(locks: MemoryLocks, runBatch: ReturnType<typeof exclusiveBatches>['runBatch']): OutboxRelay {
  return createOutboxRelay(
    { openSession: (handlers) => locks.open(handlers), runBatch, metrics: testMetrics(), logger: silentLogger },
    { partitions: PARTITIONS, batchSize: 10, pollIntervalMs: 20, settleMs: 0, lockIntervalMs: 15 },
  );
}

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

const all = Array.from({ length: PARTITIONS }, (_, p) => p);

describe('outbox relay partition assignment', () => {
  it('takes every partition when it runs alone and releases them on stop', async () => {
    const locks = createMemoryLocks();
    const batches = exclusiveBatches();
    const relay = relayOn(locks, batches.runBatch);
    await relay.start();
    assert.deepEqual(relay.heldPartitions(), all);
    await until(() => batches.batches.size === PARTITIONS);
    await relay.stop();
    assert.equal(locks.owners().size, 0);
    assert.deepEqual(relay.heldPartitions(), []);
  });

  it('shares the partitions with a second relay, never running one partition twice', async () => {
    const locks = createMemoryLocks();
    const batches = exclusiveBatches();
    const first = relayOn(locks, batches.runBatch);
    const second = relayOn(locks, batches.runBatch);
    await first.start();
    await second.start();
    await until(() => first.heldPartitions().length === 8 && second.heldPartitions().length === 8);
    const together = [...first.heldPartitions(), ...second.heldPartitions()].sort((a, b) => a - b);
    assert.deepEqual(together, all);

    await first.stop();
    await until(() => second.heldPartitions().length === PARTITIONS);
    await second.stop();
    assert.deepEqual(batches.overlaps, []);
  });

  it('stops publishing when its lock session dies and takes the partitions again on a new one', async () => {
    const locks = createMemoryLocks();
    const batches = exclusiveBatches();
    const relay = relayOn(locks, batches.runBatch);
    await relay.start();
    const [session] = new Set(locks.owners().values());
    assert.ok(session !== undefined);
    locks.kill(session);
    await until(() => [...locks.owners().values()].some((owner) => owner !== session));
    await until(() => relay.heldPartitions().length === PARTITIONS);
    assert.ok([...locks.owners().values()].every((owner) => owner !== session));
    await relay.stop();
    assert.deepEqual(batches.overlaps, []);
  });

  it('wakes the partition a notification names before its poll interval', async () => {
    const locks = createMemoryLocks();
    const woken: number[] = [];
    const relay = createOutboxRelay(
      {
        openSession: (handlers) => locks.open(handlers),
        runBatch: async (partition) => {
          woken.push(partition);
          return 0;
        },
        metrics: testMetrics(),
        logger: silentLogger,
      },
      { partitions: PARTITIONS, batchSize: 10, pollIntervalMs: 60_000, settleMs: 0, lockIntervalMs: 60_000 },
    );
    await relay.start();
    await until(() => woken.length === PARTITIONS);
    locks.notify(5);
    await until(() => woken.length === PARTITIONS + 1);
    assert.equal(woken.at(-1), 5);
    await relay.stop();
  });

  /** Partition 3 runs the batches `queued` gives it (rows handled each), then empty reads. */
  function scriptedRelay(locks: MemoryLocks, queued: number[], settleMs: number) {
    const events: string[] = [];
    let release = () => {};
    const relay = createOutboxRelay(
      {
        openSession: (handlers) => locks.open(handlers),
        runBatch: async (partition) => {
          if (partition !== 3) return 0;
          const handled = queued.shift() ?? 0;
          events.push(`batch:${handled}`);
          return handled;
        },
        finish: async (partition) => {
          if (partition !== 3) return;
          events.push('finish');
          await new Promise<void>((resolve) => (release = resolve));
          events.push('finished');
        },
        metrics: testMetrics(),
        logger: silentLogger,
      },
      // a 10-row batch size and a one-minute poll: only a loop or a wake-up reads again
      { partitions: PARTITIONS, batchSize: 10, pollIntervalMs: 60_000, settleMs, lockIntervalMs: 60_000 },
    );
    return { relay, events, release: () => release() };
  }

  it('comes back at once after a full batch, waits for a wake-up after a partial one, and finishes before the lock goes', async () => {
    const locks = createMemoryLocks();
    const { relay, events, release } = scriptedRelay(locks, [10, 3, 2], 60_000);
    await relay.start();
    await until(() => events.length === 2);
    assert.deepEqual(events, ['batch:10', 'batch:3'], 'a full batch does not wait');
    await sleep(30);
    assert.equal(events.length, 2, 'a partial batch waits for the next wake-up');
    locks.notify(3);
    await until(() => events.length === 3);
    assert.equal(events[2], 'batch:2', 'a wake-up reads (and deletes what was sent) at once');
    locks.notify(3);
    await until(() => events.length === 4);
    assert.equal(events[3], 'batch:0');
    await sleep(30);
    assert.equal(events.length, 4, 'an empty read sleeps until woken');
    const stopped = relay.stop();
    await until(() => events.length === 5);
    assert.ok(locks.owners().has(3), 'the lock is held while the last batch is deleted');
    release();
    await stopped;
    assert.deepEqual(events.slice(4), ['finish', 'finished']);
    assert.equal(locks.owners().size, 0);
  });

  it('reads again after settleMs when no wake-up follows a partial batch, so sent rows are deleted', async () => {
    const locks = createMemoryLocks();
    const { relay, events, release } = scriptedRelay(locks, [4], 25);
    await relay.start();
    await until(() => events.length === 2);
    assert.deepEqual(events, ['batch:4', 'batch:0']);
    await sleep(60);
    assert.equal(events.length, 2, 'then it sleeps for the poll interval');
    const stopped = relay.stop();
    await until(() => events.length === 3);
    release();
    await stopped;
    assert.deepEqual(events, ['batch:4', 'batch:0', 'finish', 'finished']);
  });

  it('with settleMs 0 reads again at once after a partial batch', async () => {
    const locks = createMemoryLocks();
    const { relay, events, release } = scriptedRelay(locks, [5, 3], 0);
    await relay.start();
    await until(() => events.length === 3);
    assert.deepEqual(events, ['batch:5', 'batch:3', 'batch:0']);
    const stopped = relay.stop();
    await until(() => events.length === 4);
    release();
    await stopped;
  });
});
