import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { orderStreamId } from '@orderflow/contracts';
import type { EventStore } from '@orderflow/event-store';
import { collectMessages, type ReceivedMessage } from './testing/kafka-test-kit.js';
import { orderProblems, repeatCount } from './testing/order-check.js';
import { relayEnvironment } from './testing/relay-environment.js';
import { spawnRelay, type RelayChild } from './testing/relay-process.js';
import { appendOrderEvent, orderStore, outboxDepth, waitFor } from './testing/test-events.js';

const distinctEvents = (messages: readonly ReceivedMessage[]) => new Set(messages.map((m) => m.headers['event-id'])).size;

const acquired = (relay: RelayChild) => relay.logs.filter((l) => l.event === 'relay.partition_acquired').length;

/** Appends versions `from..to` of every order, each round racing all orders at once. */
async function appendRounds(store: EventStore, orders: readonly string[], from: number, to: number) {
  for (let version = from; version <= to; version += 1) {
    await Promise.all(orders.map((id) => appendOrderEvent(store, id, version)));
  }
}

describe('outbox relay: several processes and crashes', () => {
  it('keeps per-aggregate order while two relay processes share, hand over and take back partitions', async (t) => {
    const { db, kafka, prefix, defer } = await relayEnvironment(t);
    const store = orderStore(db.pool);
    const orders = Array.from({ length: 30 }, () => randomUUID());
    const collector = await collectMessages(kafka, prefix);
    defer(() => collector.stop());

    const settings = { databaseUrl: db.url, topicPrefix: prefix, batchSize: 20 };
    const first = await spawnRelay(settings);
    defer(() => first.stop());
    const second = await spawnRelay(settings);
    defer(() => second.stop());
    // each settles on its fair share of the 16 partitions
    await waitFor(async () => acquired(second) >= 8, 15_000, 'second relay takes half the partitions');

    const address = second.logs.find((l) => l.event === 'relay.started')?.address as string;
    const ready = await fetch(`${address.replace('0.0.0.0', '127.0.0.1')}/health/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(Object.keys(((await ready.json()) as { checks: object }).checks).sort(), ['kafka', 'postgres', 'schema-registry']);

    await appendRounds(store, orders, 1, 4);
    // graceful stop: finishes its batches, deletes what it sent, releases its locks
    const stopped = await first.stop();
    const trouble = first.logs.filter((l) => String(l['event']).startsWith('shutdown') || Number(l['level']) >= 40).slice(-8);
    assert.deepEqual(stopped, { code: 0, signal: null }, `the first relay's shutdown: ${JSON.stringify(trouble)}`);
    await appendRounds(store, orders, 5, 6);
    const third = await spawnRelay(settings);
    defer(() => third.stop());
    await waitFor(async () => acquired(third) >= 8, 15_000, 'restarted relay takes back half the partitions');
    await appendRounds(store, orders, 7, 8);

    await collector.until((m) => distinctEvents(m) >= orders.length * 8, 60_000);
    await waitFor(async () => (await outboxDepth(db.pool)) === 0, 15_000, 'outbox drained');
    const expected = new Map(orders.map((id) => [orderStreamId(id), 8]));
    assert.deepEqual(orderProblems(collector.messages, expected, { allowRepeats: false }), []);
  });

  it('after a crash between the ack and the delete, a restarted relay publishes everything, in order, at least once', async (t) => {
    const { db, kafka, prefix, defer } = await relayEnvironment(t);
    const store = orderStore(db.pool);
    const orders = Array.from({ length: 10 }, () => randomUUID());
    await appendRounds(store, orders, 1, 5);
    const collector = await collectMessages(kafka, prefix);
    defer(() => collector.stop());

    const settings = { databaseUrl: db.url, topicPrefix: prefix, batchSize: 20 };
    const doomed = await spawnRelay(settings, { RELAY_FAULT: 'kill-after-publish' }, { waitForStart: false });
    defer(() => doomed.stop());
    assert.deepEqual(await doomed.exited, { code: null, signal: 'SIGKILL' });
    await collector.until((m) => m.length > 0);
    assert.ok((await outboxDepth(db.pool)) > 0, 'the acked batch is still in the outbox');

    const restarted = await spawnRelay(settings);
    defer(() => restarted.stop());
    await collector.until((m) => distinctEvents(m) >= orders.length * 5, 30_000);
    await waitFor(async () => (await outboxDepth(db.pool)) === 0, 15_000, 'outbox drained');

    const expected = new Map(orders.map((id) => [orderStreamId(id), 5]));
    assert.deepEqual(orderProblems(collector.messages, expected, { allowRepeats: true }), []);
    assert.ok(repeatCount(collector.messages) > 0, 'the batch acked before the crash was published again');
  });
});
