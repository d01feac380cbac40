import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { repoRoot, testEnv } from './support/env.js';
import { run } from './support/process.js';

const schema = (name: string) => ({
  type: 'record',
  name,
  namespace: 'orderflow.test',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'amount', type: 'long' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
});

// avsc decodes into record class instances; compare their plain fields
const plain = (v: unknown) => ({ ...(v as object) });

const kafka = new Kafka({ clientId: 'infra-test', brokers: testEnv.kafkaBrokers, logLevel: logLevel.NOTHING });

async function consumeOne(topic: string): Promise<{ value: Buffer; headers: Record<string, string> }> {
  const consumer: Consumer = kafka.consumer({ groupId: `infra-test-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within 30 s')), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          resolve({ value: message.value ?? Buffer.alloc(0), headers });
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

describe('Kafka and the Schema Registry', () => {
  let producer: Producer;
  const topic = `infra-test-${randomUUID()}`;

  before(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  after(async () => {
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  it('produces a registry-encoded message and consumes it back decoded', async () => {
    const registry = new SchemaRegistry({ host: testEnv.schemaRegistryUrl });
    const subject = `${topic}-value`;
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema('Probe')) }, { subject });
    const payload = { orderId: randomUUID(), amount: 12_345, note: 'first' };
    const value = await registry.encode(id, payload);
    // Confluent wire format: magic byte 0, then the 4-byte schema id
    assert.equal(value.readUInt8(0), 0);
    assert.equal(value.readInt32BE(1), id);
    await producer.send({ topic, acks: -1, messages: [{ key: payload.orderId, value, headers: { 'event-type': 'Probe' } }] });

    const received = await consumeOne(topic);
    assert.equal(received.headers['event-type'], 'Probe');
    assert.deepEqual(plain(await new SchemaRegistry({ host: testEnv.schemaRegistryUrl }).decode(received.value)), payload);
  });

  it('still resolves a schema id after the registry restarts (schemas persist in PostgreSQL)', { timeout: 180_000 }, async () => {
    const subject = `restart-${randomUUID()}-value`;
    const before = new SchemaRegistry({ host: testEnv.schemaRegistryUrl });
    const { id } = await before.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema('Durable')) }, { subject });
    const encoded = await before.encode(id, { orderId: 'o-1', amount: 7, note: null });

    const restarted = await run('bash', ['scripts/stack.sh', 'restart-registry'], { cwd: repoRoot, timeoutMs: 150_000 });
    assert.equal(restarted.code, 0, restarted.stderr + restarted.stdout);

    // a fresh client has no cache: the id must come from the restarted registry
    const after = new SchemaRegistry({ host: testEnv.schemaRegistryUrl });
    const resolved = JSON.parse(JSON.stringify(await after.getSchema(id)));
    assert.equal(resolved.name, 'orderflow.test.Durable');
    assert.deepEqual(plain(await after.decode(encoded)), { orderId: 'o-1', amount: 7, note: null });
    assert.equal(await after.getRegistryId(subject, 1), id);
  });

  it('rejects a schema change that breaks BACKWARD compatibility', async () => {
    const registry = new SchemaRegistry({ host: testEnv.schemaRegistryUrl });
    const subject = `compat-${randomUUID()}-value`;
    await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema('Compat')) }, { subject });
    // a new required field without a default cannot read old data
    const broken = schema('Compat');
    broken.fields.push({ name: 'mandatory', type: 'string' } as never);
    await assert.rejects(
      registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(broken) }, { subject }),
      (e: Error) => /409|incompatible|compatib/i.test(e.message),
    );
  });
});
