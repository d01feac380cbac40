import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.js';
import { finishCommands } from './command-outbox.js';

describe('finishCommands', () => {
  let db: TestDatabase;

  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db?.drop());

  /** A saga with pending commands of the given steps; returns their ids. */
  async function pending(...steps: string[]): Promise<string[]> {
    const sagaId = randomUUID();
    await db.pool.query(
      `INSERT INTO saga_instances (saga_id, saga_type, order_id, status, current_step, data, compensation_log, correlation_id, version)
       VALUES ($1, 'order', $2, 'RUNNING', $3, '{}', '[]', 'corr', 1)`,
      [sagaId, randomUUID(), steps[0]],
    );
    const ids = steps.map((step) => `${sagaId}:${step}`);
    await db.pool.query(
      `INSERT INTO saga_commands (command_id, saga_id, command_type, step, payload, compensation)
       SELECT id, $1, 'ReserveInventory', step, '{}', false FROM unnest($2::text[], $3::text[]) AS t (id, step)`,
      [sagaId, ids, steps],
    );
    return ids;
  }

  const rows = async (ids: readonly string[]) =>
    (
      await db.pool.query<{ command_id: string; status: string; attempts: number; last_error: string | null; sent: boolean }>(
        'SELECT command_id, status, attempts, last_error, sent_at IS NOT NULL AS sent FROM saga_commands WHERE command_id = ANY($1) ORDER BY command_id',
        [ids],
      )
    ).rows;

  it('ends several pending commands in one statement, each with its own outcome', async () => {
    const [a, b] = (await pending('reserve_inventory', 'authorize_payment')).sort();
    const answers = await finishCommands(db.pool, [
      { commandId: a as string, outcome: { status: 'SENT', attempts: 1, error: null } },
      { commandId: b as string, outcome: { status: 'FAILED', attempts: 3, error: 'PAYMENT_DECLINED: no' } },
    ]);
    assert.deepEqual(answers, [true, true]);
    assert.deepEqual(
      await rows([a as string, b as string]),
      [
        { command_id: a, status: 'SENT', attempts: 1, last_error: null, sent: true },
        { command_id: b, status: 'FAILED', attempts: 3, last_error: 'PAYMENT_DECLINED: no', sent: false },
      ],
    );
  });

  it('answers false for a command ended already, or unknown, and leaves it as it was', async () => {
    const [a] = await pending('reserve_inventory');
    await finishCommands(db.pool, [{ commandId: a as string, outcome: { status: 'FAILED', attempts: 1, error: 'X: y' } }]);
    const answers = await finishCommands(db.pool, [
      { commandId: a as string, outcome: { status: 'SENT', attempts: 2, error: null } },
      { commandId: `${randomUUID()}:reserve_inventory`, outcome: { status: 'SENT', attempts: 1, error: null } },
    ]);
    assert.deepEqual(answers, [false, false]);
    assert.equal((await rows([a as string]))[0]?.status, 'FAILED');
  });

  it('ends a command named twice by its first entry only', async () => {
    const [a] = await pending('reserve_inventory');
    const answers = await finishCommands(db.pool, [
      { commandId: a as string, outcome: { status: 'SENT', attempts: 1, error: null } },
      { commandId: a as string, outcome: { status: 'FAILED', attempts: 2, error: 'X: y' } },
    ]);
    assert.deepEqual(answers, [true, false]);
    assert.equal((await rows([a as string]))[0]?.status, 'SENT');
  });
});
