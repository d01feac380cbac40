import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { eventSchemas } from '@orderflow/contracts';
import { createSchemaRegistry, SchemaType, subjectOf } from '@orderflow/platform';
import { testRegistryUrl } from './testing/kafka-test-kit.js';

const avro = (schema: object) => ({ type: SchemaType.AVRO as const, schema: JSON.stringify(schema) });

describe('schema registry compatibility of our event schemas', () => {
  const registry = createSchemaRegistry(testRegistryUrl);
  const current = eventSchemas.OrderCreated;

  it('refuses a new OrderCreated version with a required field and no default (BACKWARD)', async () => {
    const subject = subjectOf(`compat-${randomUUID()}.orders.events`, current);
    await registry.register(avro(current), { subject });
    const breaking = { ...current, fields: [...current.fields, { name: 'loyaltyTier', type: 'string' }] };
    await assert.rejects(registry.register(avro(breaking), { subject }), (e: Error) => /409|incompatib|compatib/i.test(e.message));
  });

  it('accepts the same change as an optional field with a default, so the refusal is the rule at work', async () => {
    const subject = subjectOf(`compat-${randomUUID()}.orders.events`, current);
    const first = await registry.register(avro(current), { subject });
    const evolved = { ...current, fields: [...current.fields, { name: 'loyaltyTier', type: ['null', 'string'], default: null }] };
    const second = await registry.register(avro(evolved), { subject });
    assert.notEqual(second.id, first.id);
  });
});
