import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { consumerStopGuard } from '@orderflow/platform';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { testEnv } from './support/env.js';

const kafka = new Kafka({ clientId: 'stop-test', brokers: testEnv.kafkaBrokers, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 100, retries: 2 } });

/**
 * A consumer stopped while it crashes stays stopped: kafkajs would otherwise schedule its
 * restart after the disconnect, and the consumer would rejoin and keep the process alive.
 */
describe('consumer stop guard', () => {
  const topic = `stop-guard-${randomUUID()}`;
  const admin = kafka.admin();

  before(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'x' }] });
    await producer.disconnect();
  });
  after(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  it('does not restart a consumer that crashes as it is being stopped', async () => {
    const guard = consumerStopGuard(0);
    const consumer: Consumer = kafka.consumer({ groupId: `stop-guard-${randomUUID()}`, retry: guard.retry, maxWaitTimeInMs: 200 });
    const crashes: boolean[] = [];
    let joins = 0;
    consumer.on(consumer.events.CRASH, ({ payload }) => crashes.push(payload.restart));
    consumer.on(consumer.events.GROUP_JOIN, () => (joins += 1));
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let stopped: Promise<void> | null = null;
    await consumer.run({
      eachBatch: async () => {
        // the stop begins while the batch fails: the crash and the disconnect race
        stopped ??= guard.disconnect(consumer);
        throw Object.assign(new Error('broker went away'), { retriable: true });
      },
    });
    const deadline = Date.now() + 20_000;
    while ((stopped === null || crashes.length === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(stopped, 'a batch arrived');
    await stopped;
    assert.deepEqual(crashes, [false], 'the crash asked for no restart');
    const joinsAtStop = joins;
    // past kafkajs's restart delay: a restarted consumer would join its group again
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal(joins, joinsAtStop, 'the consumer did not come back');
    assert.equal(joinsAtStop, 1);
  });
});
