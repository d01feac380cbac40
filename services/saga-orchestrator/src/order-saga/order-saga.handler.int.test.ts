import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Pool, PoolClient } from '@orderflow/platform';
import { newOrder } from '../testing/orchestrator-kit.js';
import { postponeDeadlines } from '../adapters/postgres/saga-store.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { createOrderSaga } from './order-saga.decide.js';
import { createSagaHandler, type SagaHandler, type SagaTransition } from './order-saga.handler.js';
import type { SagaInput } from './order-saga.types.js';

/** The pool, recording each statement's name (or text) and every statement that failed. */
function recordingPool(pool: Pool) {
  const names: string[] = [];
  const failures: string[] = [];
  const record = async (config: unknown, run: () => Promise<unknown>) => {
    const name = typeof config === 'string' ? config : String((config as { name?: string; text?: string }).name ?? (config as { text?: string }).text);
    names.push(name);
    try {
      return await run();
    } catch (error) {
      failures.push(`${name}: ${String((error as { code?: string }).code)}`);
      throw error;
    }
  };
  type Query = (config: unknown, values?: unknown) => Promise<unknown>;
  const recording = <T extends object>(target: T, extra: (p: string | symbol) => unknown = () => undefined): T =>
    new Proxy(target, {
      get(t, p) {
        if (p === 'query') return (config: unknown, values?: unknown) => record(config, () => (t as unknown as { query: Query }).query(config, values));
        const replaced = extra(p);
        if (replaced !== undefined) return replaced;
        const value: unknown = Reflect.get(t, p);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(t) : value;
      },
    });
  const recorded = recording(pool, (p) => (p === 'connect' ? async () => recording(await pool.connect()) : undefined)) as Pool & { connect: () => Promise<PoolClient> };
  return { pool: recorded, names, failures };
}

/** The transaction around the decider, against PostgreSQL, without Kafka or a dispatcher. */
describe('saga handler', () => {
  let db: TestDatabase;
  let handler: SagaHandler;

  before(async () => {
    db = await createTestDatabase();
    handler = createSagaHandler({ pool: db.pool, decider: createOrderSaga({ stepTimeoutMs: 60_000 }) });
  });
  after(async () => db?.drop());

  const started = (orderId = randomUUID()): Extract<SagaInput, { type: 'OrderCreated' }> => ({
    type: 'OrderCreated',
    data: newOrder({ orderId }),
    metadata: { now: new Date(), sagaId: randomUUID(), paymentId: randomUUID(), shipmentId: randomUUID(), correlationId: `corr-${orderId}` },
  });
  const source = (eventId: string = randomUUID(), consumer = 'saga') => ({ consumer, eventId, streamId: null, streamVersion: null });
  const count = async (sql: string, params: unknown[]) => Number((await db.pool.query<{ n: string }>(sql, params)).rows[0]?.n);
  const sagaOf = async (orderId: string) =>
    (await db.pool.query<{ saga_id: string; status: string; version: number }>('SELECT saga_id, status, version FROM saga_instances WHERE order_id = $1', [orderId]))
      .rows[0];

  it('writes the saga, its history and the command to send in one go', async () => {
    const input = started();
    assert.equal(await handler.handleEvent(input, source()), 'applied');
    const orderId = (input.data as { orderId: string }).orderId;
    const saga = await sagaOf(orderId);
    assert.equal(saga?.status, 'RUNNING');
    assert.equal(saga?.version, 2);
    assert.equal(await count('SELECT count(*) AS n FROM saga_steps WHERE saga_id = $1', [saga?.saga_id]), 2);
    const { rows } = await db.pool.query<{ command_id: string; status: string; compensation: boolean }>(
      'SELECT command_id, status, compensation FROM saga_commands WHERE saga_id = $1',
      [saga?.saga_id],
    );
    assert.deepEqual(rows, [{ command_id: `${saga?.saga_id}:reserve_inventory`, status: 'PENDING', compensation: false }]);
  });

  it('applies an event once per consumer, however often it is delivered', async () => {
    const input = started();
    const eventId = randomUUID();
    assert.equal(await handler.handleEvent(input, source(eventId)), 'applied');
    assert.equal(await handler.handleEvent(input, source(eventId)), 'duplicate');
    const orderId = (input.data as { orderId: string }).orderId;
    assert.equal(await count('SELECT count(*) AS n FROM saga_steps s JOIN saga_instances i USING (saga_id) WHERE i.order_id = $1', [orderId]), 2);
  });

  it('starts one saga per order, even from an OrderCreated re-published under a new event id', async () => {
    const orderId = randomUUID();
    await handler.handleEvent(started(orderId), source());
    await handler.handleEvent(started(orderId), source());
    assert.equal(await count('SELECT count(*) AS n FROM saga_instances WHERE order_id = $1', [orderId]), 1);
    assert.equal(await count('SELECT count(*) AS n FROM saga_commands c JOIN saga_instances i USING (saga_id) WHERE i.order_id = $1', [orderId]), 1);
  });

  it('ignores, and records nothing for, results of orders without a saga', async () => {
    const eventId = randomUUID();
    const input: SagaInput = {
      type: 'PaymentDeclined',
      data: { paymentId: 'p', orderId: randomUUID(), amount: 1, currency: 'EUR', occurredAt: new Date().toISOString(), methodType: 'card', declineCode: 'x', reason: 'y' },
      metadata: { now: new Date() },
    };
    assert.equal(await handler.handleEvent(input, source(eventId)), 'no_saga');
    assert.equal(await count('SELECT count(*) AS n FROM saga_processed_events WHERE event_id = $1', [eventId]), 0);
  });

  it('records a command\'s result once, and only while it is pending', async () => {
    const input = started();
    await handler.handleEvent(input, source());
    const saga = await sagaOf((input.data as { orderId: string }).orderId);
    assert.ok(saga);
    const commandId = `${saga.saga_id}:reserve_inventory`;
    const failure = { commandId, code: 'INVENTORY_NOT_FOUND', kind: 'not_found', message: 'no such product', transient: false };
    const first = await handler.handleCommandResult({ sagaId: saga.saga_id, commandId }, { ok: false, attempts: 1, failure }, new Date());
    assert.equal(first?.after.status, 'COMPENSATING');
    assert.equal(await handler.handleCommandResult({ sagaId: saga.saga_id, commandId }, { ok: true, attempts: 2 }, new Date()), null);
    const { rows } = await db.pool.query<{ status: string; attempts: number }>('SELECT status, attempts FROM saga_commands WHERE command_id = $1', [commandId]);
    assert.deepEqual(rows[0], { status: 'FAILED', attempts: 1 });
  });

  it('records the result of a command it handed over in one statement, once, and only while it is pending', async () => {
    const input = started();
    await handler.handleEvent(input, source());
    const saga = await sagaOf(input.data.orderId);
    assert.ok(saga);
    const command = { sagaId: saga.saga_id, commandId: `${saga.saga_id}:reserve_inventory`, awaited: false };
    const failure = { commandId: command.commandId, code: 'INVENTORY_NOT_FOUND', kind: 'not_found', message: 'no such product', transient: false };
    const first = await handler.handleCommandResult(command, { ok: false, attempts: 1, failure }, new Date());
    assert.equal(first?.after.status, 'COMPENSATING');
    assert.equal(await handler.handleCommandResult(command, { ok: false, attempts: 2, failure }, new Date()), null);
    const { rows } = await db.pool.query<{ status: string; attempts: number }>('SELECT status, attempts FROM saga_commands WHERE command_id = $1', [command.commandId]);
    assert.deepEqual(rows[0], { status: 'FAILED', attempts: 1 });
    const after = await sagaOf(input.data.orderId);
    assert.equal(after?.status, 'COMPENSATING');
    assert.equal(after?.version, await count('SELECT count(*) AS n FROM saga_steps WHERE saga_id = $1', [saga.saga_id]));
  });

  it('records a result against the stored saga when the one known here is out of date', async () => {
    const input = started();
    await handler.handleEvent(input, source());
    const saga = await sagaOf(input.data.orderId);
    assert.ok(saga);
    const commandId = `${saga.saga_id}:reserve_inventory`;
    // another instance sees the step succeed meanwhile; this handler still knows the saga at its start
    const other = createSagaHandler({ pool: db.pool, decider: createOrderSaga({ stepTimeoutMs: 60_000 }) });
    for (const item of input.data.items) await other.handleEvent(reserved(input.data.orderId, item.productId), source());
    const moved = await sagaOf(input.data.orderId);
    assert.ok((moved?.version ?? 0) > saga.version);
    const failure = { commandId, code: 'INVENTORY_NOT_FOUND', kind: 'not_found', message: 'no such product', transient: false };
    assert.equal(await handler.handleCommandResult({ sagaId: saga.saga_id, commandId, awaited: false }, { ok: false, attempts: 1, failure }, new Date()), null);
    assert.deepEqual(await sagaOf(input.data.orderId), moved, 'a result for a step that ended changes nothing');
    const { rows } = await db.pool.query<{ status: string; attempts: number }>('SELECT status, attempts FROM saga_commands WHERE command_id = $1', [commandId]);
    assert.deepEqual(rows[0], { status: 'FAILED', attempts: 1 });
  });

  it('hands over each new command saying whether the saga awaits its answer, and ends an unawaited one with one update', async () => {
    const seen: SagaTransition[] = [];
    const watching = createSagaHandler({ pool: db.pool, decider: createOrderSaga({ stepTimeoutMs: 60_000 }), onCommitted: (t) => seen.push(t) });
    const input = started();
    await watching.handleEvent(input, source());
    const [reserve] = seen.flatMap((t) => t.commands);
    assert.equal(reserve?.command.type, 'ReserveInventory');
    assert.equal(reserve?.awaited, false, 'a reservation ends on InventoryReserved events');
    const before = await sagaOf(input.data.orderId);
    assert.equal(await watching.handleCommandResult({ sagaId: reserve?.sagaId ?? '', commandId: reserve?.command.commandId ?? '', awaited: false }, { ok: true, attempts: 1 }, new Date()), null);
    const { rows } = await db.pool.query<{ status: string }>('SELECT status FROM saga_commands WHERE command_id = $1', [reserve?.command.commandId]);
    assert.equal(rows[0]?.status, 'SENT');
    assert.deepEqual(await sagaOf(input.data.orderId), before, 'the saga is left alone');

    // cancelled by its customer mid-way: the reservation is undone, and that undo is awaited
    await watching.handleEvent({ type: 'OrderCancelled', data: { orderId: input.data.orderId, customerId: 'c', occurredAt: new Date().toISOString(), reason: 'changed my mind', previousStatus: 'pending' }, metadata: { now: new Date() } }, source());
    const release = seen.flatMap((t) => t.commands).find((c) => c.command.type === 'ReleaseInventory');
    assert.equal(release?.awaited, true, 'a compensation ends on its answer');
  });

  const reserved = (orderId: string, productId: string): SagaInput => ({
    type: 'InventoryReserved',
    data: { orderId, productId, quantity: 1, availableQuantity: 5, occurredAt: new Date().toISOString() },
    metadata: { now: new Date() },
  });
  const sourced = (input: SagaInput, eventId: string = randomUUID()) => ({ input, eventId, streamId: null, streamVersion: null });

  it('applies a batch in one transaction: a saga started and moved on, a duplicate, an order without a saga', async () => {
    const [a, b] = [started(), started()];
    const orderA = a.data.orderId;
    const lineA = a.data.items[0]?.productId ?? '';
    const twice = randomUUID();
    const outcomes = await handler.handleEvents('saga', [
      sourced(a),
      sourced(reserved(orderA, lineA), twice),
      sourced(reserved(orderA, lineA), twice),
      sourced(reserved(randomUUID(), 'SKU-X')),
      sourced(b),
    ]);
    assert.deepEqual(outcomes, ['applied', 'applied', 'duplicate', 'no_saga', 'applied']);
    const saga = await sagaOf(orderA);
    assert.equal(saga?.version, 3, 'started, its first step, one line reserved');
    const { rows } = await db.pool.query<{ seq: number; event_type: string }>('SELECT seq, event_type FROM saga_steps WHERE saga_id = $1 ORDER BY seq', [saga?.saga_id]);
    assert.deepEqual(rows, [
      { seq: 1, event_type: 'SagaStarted' },
      { seq: 2, event_type: 'StepStarted' },
      { seq: 3, event_type: 'InventoryLineReserved' },
    ]);
    assert.equal((await sagaOf(b.data.orderId))?.status, 'RUNNING');
  });

  it('never writes over a change it did not see: a state known here but changed elsewhere is read again under lock', async () => {
    const input = started();
    const orderId = input.data.orderId;
    const [first, second] = input.data.items.map((i) => i.productId);
    await handler.handleEvent(input, source());
    // another instance moves the saga on; this handler still knows it at its start
    const other = createSagaHandler({ pool: db.pool, decider: createOrderSaga({ stepTimeoutMs: 60_000 }) });
    assert.equal(await other.handleEvent(reserved(orderId, first ?? ''), source()), 'applied');
    assert.equal((await sagaOf(orderId))?.version, 3);
    assert.equal(await handler.handleEvent(reserved(orderId, second ?? ''), source()), 'applied');
    assert.equal(await handler.handleEvent(reserved(orderId, first ?? ''), source()), 'applied', 'already reserved: applied, changing nothing');
    const saga = await sagaOf(orderId);
    const { rows } = await db.pool.query<{ seq: number; event_type: string }>('SELECT seq, event_type FROM saga_steps WHERE saga_id = $1 ORDER BY seq', [saga?.saga_id]);
    assert.deepEqual(
      rows.map((r) => r.event_type),
      ['SagaStarted', 'StepStarted', 'InventoryLineReserved', 'InventoryLineReserved', 'StepSucceeded', 'StepStarted'],
    );
    assert.equal(saga?.version, rows.length);
  });

  it('refuses a repeated event on the way that skips the read', async () => {
    const input = started();
    const eventId = randomUUID();
    assert.equal(await handler.handleEvent(input, source()), 'applied');
    const line = reserved(input.data.orderId, input.data.items[0]?.productId ?? '');
    assert.equal(await handler.handleEvent(line, source(eventId)), 'applied');
    assert.equal(await handler.handleEvent(line, source(eventId)), 'duplicate');
    assert.equal((await sagaOf(input.data.orderId))?.version, 3);
  });

  it('starts one saga per order when starts race each other, and applies every one of them', async () => {
    const orderId = randomUUID();
    const events = Array.from({ length: 5 }, () => sourced(started(orderId)));
    const first = await Promise.allSettled(events.map((e) => handler.handleEvents('saga', [e])));
    // a start that lost the race was rolled back whole; tried again, it finds the winner's saga
    for (const [i, r] of first.entries()) if (r.status === 'rejected') await handler.handleEvents('saga', [events[i] as (typeof events)[number]]);
    assert.equal(await count('SELECT count(*) AS n FROM saga_instances WHERE order_id = $1', [orderId]), 1);
    assert.equal(await count('SELECT count(*) AS n FROM saga_commands c JOIN saga_instances i USING (saga_id) WHERE i.order_id = $1', [orderId]), 1);
    assert.equal(await count('SELECT count(*) AS n FROM saga_processed_events WHERE event_id = ANY($1)', [events.map((e) => e.eventId)]), 5);
  });

  it('keeps a deadline postponed at start while its step runs, and takes the next step\'s own', async () => {
    const input = started();
    const orderId = input.data.orderId;
    const [first, second] = input.data.items.map((i) => i.productId);
    await handler.handleEvent(input, source());
    const later = new Date(Date.now() + 3_600_000);
    assert.ok((await postponeDeadlines(db.pool, later)) >= 1);
    const deadline = async () =>
      (await db.pool.query<{ next_deadline: Date; deadline_step: string }>('SELECT next_deadline, deadline_step FROM saga_instances WHERE order_id = $1', [orderId]))
        .rows[0];
    await handler.handleEvent(reserved(orderId, first ?? ''), source());
    assert.deepEqual(await deadline(), { next_deadline: later, deadline_step: 'reserve_inventory' }, 'one line of two: the same step, still postponed');
    await handler.handleEvent(reserved(orderId, second ?? ''), source());
    const next = await deadline();
    assert.equal(next?.deadline_step, 'authorize_payment');
    assert.ok((next?.next_deadline.getTime() ?? Infinity) < later.getTime(), 'the new step has its own deadline');
  });

  it('fires one saga\'s deadline while another saga\'s row is held by someone else', async () => {
    const hasty = createSagaHandler({ pool: db.pool, decider: createOrderSaga({ stepTimeoutMs: 1 }) });
    const [a, b] = [started(), started()];
    await hasty.handleEvent(a, source());
    await hasty.handleEvent(b, source());
    const sagaA = await sagaOf((a.data as { orderId: string }).orderId);
    const sagaB = await sagaOf((b.data as { orderId: string }).orderId);
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM saga_instances WHERE saga_id = $1 FOR UPDATE', [sagaA?.saga_id]);
      const later = new Date(Date.now() + 1_000);
      const startedAt = Date.now();
      assert.equal(await hasty.fireDueDeadline(later), true);
      assert.equal(await hasty.fireDueDeadline(later), false, 'the held saga is skipped, not waited for');
      assert.ok(Date.now() - startedAt < 2_000);
      assert.equal((await sagaOf((b.data as { orderId: string }).orderId))?.status, 'COMPENSATING');
      assert.equal((await sagaOf((a.data as { orderId: string }).orderId))?.status, 'RUNNING');
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    assert.equal(await hasty.fireDueDeadline(new Date(Date.now() + 1_000)), true);
    assert.equal((await sagaOf((a.data as { orderId: string }).orderId))?.status, 'COMPENSATING');
    assert.ok(sagaB);
  });

  it('decides a command\'s answer and an event of the same saga arriving together one after the other: neither loses a race', async () => {
    const recorded = recordingPool(db.pool);
    const seen: SagaTransition[] = [];
    const watching = createSagaHandler({ pool: recorded.pool, decider: createOrderSaga({ stepTimeoutMs: 60_000 }), onCommitted: (t) => seen.push(t) });
    const input = started();
    const { orderId, customerId, totalAmount, currency } = input.data;
    const { paymentId, shipmentId } = input.metadata;
    const occurredAt = new Date().toISOString();
    const meta = () => ({ now: new Date() });
    await watching.handleEvent(input, source());
    for (const item of input.data.items) await watching.handleEvent(reserved(orderId, item.productId), source());
    const payment = { paymentId, orderId, amount: totalAmount, currency, occurredAt, methodType: 'card', authorizationCode: 'A1', gatewayReference: 'g1' };
    await watching.handleEvent({ type: 'PaymentAuthorized', data: payment, metadata: meta() }, source());
    const shipment = { shipmentId, orderId, occurredAt, carrier: 'sim', trackingNumber: 'TRK-1', labelUrl: null, shippingAddress: input.data.shippingAddress };
    await watching.handleEvent({ type: 'ShipmentCreated', data: shipment, metadata: meta() }, source());
    const confirm = seen.flatMap((t) => t.commands).find((c) => c.command.type === 'ConfirmOrder');
    assert.ok(confirm);
    assert.equal(confirm.awaited, true, 'the saga completes on ConfirmOrder\'s success');
    recorded.names.length = 0;

    // ConfirmOrder's success and OrderConfirmed, each of which completes the saga, at once
    const confirmed: SagaInput = { type: 'OrderConfirmed', data: { orderId, customerId, occurredAt, totalAmount, currency, paymentId, shipmentId }, metadata: meta() };
    const [answer, outcomes] = await Promise.all([
      watching.handleCommandResult({ sagaId: confirm.sagaId, commandId: confirm.command.commandId, awaited: true }, { ok: true, attempts: 1 }, new Date()),
      watching.handleEvents('saga', [sourced(confirmed)]),
    ]);
    assert.equal(answer?.after.status, 'COMPLETED');
    assert.deepEqual(outcomes, ['applied']);
    assert.deepEqual(recorded.failures, [], 'no guarded write lost a race');
    assert.deepEqual(recorded.names, ['saga.write_if_unchanged', 'saga.write_if_unchanged'], 'one statement each, nothing decided again under lock');
    const saga = await sagaOf(orderId);
    assert.equal(saga?.status, 'COMPLETED');
    assert.equal(saga?.version, await count('SELECT count(*) AS n FROM saga_steps WHERE saga_id = $1', [saga?.saga_id]));
    assert.equal(await count(`SELECT count(*) AS n FROM saga_steps WHERE saga_id = $1 AND event_type = 'SagaCompleted'`, [saga?.saga_id]), 1);
  });
});
