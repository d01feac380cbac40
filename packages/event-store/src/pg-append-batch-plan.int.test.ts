import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { PoolClient } from 'pg';
import { appendBatchStatement, type BatchedAppend } from './pg-append-batch.js';
import { createIsolatedDatabase, type IsolatedDatabase } from './pg-test-database.js';

/**
 * PL/pgSQL keeps a statement's plan for the life of the connection, so a plan made while
 * the tables are empty (a new database) is the plan every later append pays for. This
 * needs a database of its own: the shared test database is never empty.
 */
describe('append_batch planned on an empty database', () => {
  let db: IsolatedDatabase;
  // one session: the plan cache and the auto_explain settings are per connection
  let client: PoolClient;

  before(async () => {
    db = await createIsolatedDatabase('plan');
    client = await db.pool.connect();
  });

  after(async () => {
    client.release();
    await db.drop();
  });

  const group = (): BatchedAppend[] =>
    Array.from({ length: 3 }, () => ({
      streamId: `plan-${randomUUID()}`,
      streamType: 'PlanTest',
      expectedVersion: 0,
      events: [{ eventId: randomUUID(), type: 'PlanTested', data: {}, schemaVersion: 1, metadata: { correlationId: randomUUID(), causationId: null } }],
      idempotency: { key: randomUUID(), requestHash: 'h', response: { ok: true } },
    }));

  it('looks each idempotency key up by its primary key, never by scanning the table', async () => {
    // the first executions plan the statement while the tables are (almost) empty
    for (let i = 0; i < 8; i += 1) await appendBatchStatement(client, group());

    const plans: string[] = [];
    client.on('notice', (n) => plans.push(n.message ?? ''));
    await client.query("LOAD 'auto_explain'");
    await client.query('SET auto_explain.log_min_duration = 0');
    await client.query('SET auto_explain.log_nested_statements = on');
    await client.query('SET auto_explain.log_level = notice');
    const rows = await appendBatchStatement(client, group());
    assert.deepEqual(rows.map((r) => r.status), ['appended', 'appended', 'appended']);

    const plan = plans.find((p) => p.includes('INSERT INTO idempotency_keys'));
    assert.ok(plan, `auto_explain showed the group statement's plan (got ${plans.length} plans)`);
    assert.match(plan, /Index Scan using idempotency_keys_pkey/);
    assert.doesNotMatch(plan, /Seq Scan on idempotency_keys/);
  });
});
