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
    { partitions: PARTITIONS, batchSize: 10, pollIntervalMs: 20, lockIntervalMs: 15 },
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
      { partitions: PARTITIONS, batchSize: 10, pollIntervalMs: 60_000, lockIntervalMs: 60_000 },
    );
    await relay.start();
    await until(() => woken.length === PARTITIONS);
    locks.notify(5);
    await until(() => woken.length === PARTITIONS + 1);
    assert.equal(woken.at(-1), 5);
    await relay.stop();
  });

  it('comes back at once after a batch, sleeps only once a read finds nothing, and finishes before the lock goes', async () => {
    const locks = createMemoryLocks();
    const events: string[] = [];
    const queued = [5, 3]; // partition 3's two batches, then an empty read
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
      // a 10-row batch size and a one-minute poll: only an immediate loop reads three times
      { partitions: PARTITIONS, batchSize: 10, pollIntervalMs: 60_000, lockIntervalMs: 60_000 },
    );
    await relay.start();
    await until(() => events.length === 3);
    assert.deepEqual(events, ['batch:5', 'batch:3', 'batch:0'], 'partial batches do not wait for the poll');
    await sleep(30);
    assert.equal(events.length, 3, 'an empty read sleeps until woken');
    const stopped = relay.stop();
    await until(() => events.length === 4);
    assert.ok(locks.owners().has(3), 'the lock is held while the last batch is deleted');
    release();
    await stopped;
    assert.deepEqual(events.slice(3), ['finish', 'finished']);
    assert.equal(locks.owners().size, 0);
  });
});
