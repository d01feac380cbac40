import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { pino } from 'pino';
import { createPool, queryKeepingConnection } from './postgres.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/orderflow_test';

describe('queryKeepingConnection', () => {
  let pool: pg.Pool;
  let created = 0;

  before(() => {
    // one connection: whether the next statement gets a new one is then plain to see
    pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('connect', () => created++);
  });

  after(async () => {
    await pool.end();
  });

  const backendPid = async () => (await queryKeepingConnection<{ pid: number }>(pool, { text: 'SELECT pg_backend_pid() AS pid' })).rows[0]?.pid;

  it('keeps the connection when the server refuses a statement, and the connection still works', async () => {
    const pid = await backendPid();
    await assert.rejects(queryKeepingConnection(pool, { text: 'SELECT 1 / $1::int AS x', values: [0] }), (e: unknown) => e instanceof pg.DatabaseError && e.code === '22012');
    assert.equal(await backendPid(), pid);
    assert.equal(created, 1);
  });

  it('keeps a prepared statement across the refusal', async () => {
    const named = (divisor: number) => queryKeepingConnection<{ x: number }>(pool, { name: 'keeping.divide', text: 'SELECT 10 / $1::int AS x', values: [divisor] });
    assert.equal((await named(2)).rows[0]?.x, 5);
    await assert.rejects(named(0), pg.DatabaseError);
    const { rows } = await queryKeepingConnection<{ n: number }>(pool, { text: `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = 'keeping.divide'` });
    assert.equal(rows[0]?.n, 1);
    assert.equal((await named(5)).rows[0]?.x, 2);
  });

  it('closes a connection that broke under the statement, and the next statement gets a new one', async () => {
    const before = created;
    const pid = await backendPid();
    // the server process ends mid-statement: a FATAL error response, or only the socket closing
    await assert.rejects(queryKeepingConnection(pool, { text: 'SELECT pg_terminate_backend(pg_backend_pid())' }));
    const next = await backendPid();
    assert.notEqual(next, pid);
    assert.equal(created, before + 1);
  });
});

describe('createPool with preferIndexes', () => {
  /** The generic plan of a key lookup prepared on one session of a new pool, over a small table. */
  async function genericPlan(preferIndexes: boolean): Promise<string> {
    const pool = createPool(url, pino({ level: 'silent' }), { max: 1, preferIndexes });
    const client = await pool.connect();
    try {
      await client.query('CREATE TEMP TABLE plan_probe (id int PRIMARY KEY, payload text)');
      await client.query(`INSERT INTO plan_probe SELECT g, repeat('x', 100) FROM generate_series(1, 20) g`);
      await client.query('ANALYZE plan_probe');
      await client.query('SET plan_cache_mode = force_generic_plan');
      await client.query('PREPARE probe(int[]) AS SELECT payload FROM plan_probe WHERE id = ANY($1)');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>('EXPLAIN EXECUTE probe(ARRAY[1, 2])');
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      client.release();
      await pool.end();
    }
  }

  it('scans a small table in a generic plan by default: the plan every later execution of the statement would get', async () => {
    assert.match(await genericPlan(false), /Seq Scan on plan_probe/);
  });

  it('keeps that plan on the index', async () => {
    const plan = await genericPlan(true);
    assert.match(plan, /Index.* on plan_probe|Bitmap Index Scan on plan_probe_pkey/);
    assert.doesNotMatch(plan, /Seq Scan/);
  });
});

