import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import { stockTypes } from '../support/pg-types.js';

/**
 * The reference: the database transactions one completed order saga costs, as raw SQL,
 * each one multi-statement simple query (one round trip, values as escaped literals):
 *
 * - five command transactions (CreateOrder, ReserveInventory, AuthorizePayment,
 *   CreateShipment, ConfirmOrder): the streams row, the event, its outbox row and the
 *   idempotency key, as `append_events` writes them;
 * - nine saga-state changes, as the orchestrator makes them: the saga started by
 *   OrderCreated; per command its answer (the command row ended, and for ConfirmOrder,
 *   whose success the saga awaits, the saga completed with it); the three result events
 *   (state, history rows, next command, dedupe row); and OrderConfirmed's dedupe row.
 *   A command needs no claim: the transaction that decides it leases it to the process
 *   that then sends it.
 *
 * They run against copies of the tables in a schema of their own (same columns,
 * constraints, indexes and foreign keys), which no relay or orchestrator reads.
 */
export const RAW_SCHEMA = 'bench_raw_saga';

const TABLES = ['events', 'streams', 'outbox', 'idempotency_keys', 'saga_instances', 'saga_steps', 'saga_commands', 'saga_processed_events'];

export async function prepareRawSchema(pool: pg.Pool, products: readonly string[]): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS ${RAW_SCHEMA} CASCADE; CREATE SCHEMA ${RAW_SCHEMA}`);
  for (const t of TABLES) await pool.query(`CREATE TABLE ${RAW_SCHEMA}.${t} (LIKE public.${t} INCLUDING ALL)`);
  await pool.query(`
    ALTER TABLE ${RAW_SCHEMA}.saga_steps ADD FOREIGN KEY (saga_id) REFERENCES ${RAW_SCHEMA}.saga_instances (saga_id) ON DELETE CASCADE;
    ALTER TABLE ${RAW_SCHEMA}.saga_commands ADD FOREIGN KEY (saga_id) REFERENCES ${RAW_SCHEMA}.saga_instances (saga_id) ON DELETE CASCADE`);
  // stocked products: their stream rows exist, as after a replenishment
  await pool.query(
    `INSERT INTO ${RAW_SCHEMA}.streams (stream_id, stream_type, version) SELECT 'inventory-' || p, 'Inventory', 1 FROM unnest($1::text[]) p`,
    [products],
  );
}

export const dropRawSchema = (pool: pg.Pool) => pool.query(`DROP SCHEMA IF EXISTS ${RAW_SCHEMA} CASCADE`);

export const rawPool = (databaseUrl: string, max: number): pg.Pool =>
  new pg.Pool({ connectionString: databaseUrl, max, types: stockTypes, options: `-c search_path=${RAW_SCHEMA}` });

const lit = pg.escapeLiteral;
const json = (value: unknown) => lit(JSON.stringify(value));
const tx = (...statements: string[]) => `${['BEGIN', ...statements, 'COMMIT'].join(';\n')};`;

type Append = Readonly<{ streamId: string; streamType: string; eventType: string; data: object; commandId: string; fresh: boolean }>;

/** One command's append: the streams row, event + outbox row, idempotency key. */
function appendSql(a: Append): string {
  const stream = lit(a.streamId);
  const version = a.fresh ? '1' : `(SELECT version FROM streams WHERE stream_id = ${stream})`;
  return tx(
    a.fresh
      ? `INSERT INTO streams (stream_id, stream_type, version) VALUES (${stream}, ${lit(a.streamType)}, 1)`
      : `UPDATE streams SET version = version + 1 WHERE stream_id = ${stream}`,
    `WITH e AS (
       INSERT INTO events (stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata)
       VALUES (${stream}, ${lit(a.streamType)}, ${version}, ${lit(randomUUID())}, ${lit(a.eventType)}, 1, ${json(a.data)},
               ${json({ commandId: a.commandId, correlationId: a.commandId, causationId: null })})
       RETURNING global_position)
     INSERT INTO outbox (global_position, stream_id) SELECT global_position, ${stream} FROM e`,
    `INSERT INTO idempotency_keys (key, request_hash, response, stream_id, stream_version)
     VALUES (${lit(a.commandId)}, ${lit(createHash('sha256').update(a.commandId).digest('hex'))},
             ${json({ status: 'accepted', aggregateId: a.streamId })}, ${stream}, ${version})`,
  );
}

type Ids = Readonly<{ sagaId: string; orderId: string; paymentId: string; shipmentId: string; correlationId: string; productId: string }>;
type Step = 'reserve_inventory' | 'authorize_payment' | 'create_shipment' | 'confirm_order';

const lockByOrder = (ids: Ids) => `SELECT saga_id, data, version FROM saga_instances WHERE saga_type = 'order' AND order_id = ${lit(ids.orderId)} FOR UPDATE`;
const processed = (ids: Ids, streamId: string, version: number) =>
  `INSERT INTO saga_processed_events (consumer, event_id, stream_id, stream_version) VALUES ('saga', ${lit(randomUUID())}, ${lit(streamId)}, ${version})`;
const history = (ids: Ids, from: number, types: readonly string[], step: Step | null) =>
  `INSERT INTO saga_steps (saga_id, seq, event_type, step, data, occurred_at) VALUES ${types
    .map((t, i) => `(${lit(ids.sagaId)}, ${from + i + 1}, ${lit(t)}, ${step ? lit(step) : 'NULL'}, ${json({ step, at: new Date().toISOString() })}, now())`)
    .join(', ')}`;
const commandId = (ids: Ids, step: Step) => `${ids.sagaId}:${step}`;
const enqueue = (ids: Ids, step: Step, type: string) =>
  `INSERT INTO saga_commands (command_id, saga_id, command_type, step, payload, compensation)
   VALUES (${lit(commandId(ids, step))}, ${lit(ids.sagaId)}, ${lit(type)}, ${lit(step)}, ${json({ type, commandId: commandId(ids, step), data: ids })}, false)`;

/** The saga row's state document, the size and shape of the orchestrator's. */
const state = (ids: Ids, status: string, step: Step | null, completed: readonly Step[]) => ({
  status,
  ...ids,
  order: {
    customerId: `customer-${ids.orderId.slice(0, 8)}`,
    currency: 'EUR',
    totalAmount: 1250,
    lines: [{ productId: ids.productId, quantity: 1 }],
    shippingAddress: { line1: '1 Rue de la Paix', city: 'Lyon', postalCode: '69001', country: 'FR' },
    paymentMethod: { type: 'card', token: 'tok_visa' },
  },
  step,
  commandId: step ? commandId(ids, step) : null,
  stepStartedAt: new Date().toISOString(),
  deadline: step ? { step, at: new Date(Date.now() + 30_000).toISOString() } : null,
  reserved: completed.length > 0 ? [ids.productId] : [],
  completed,
  toUndo: [],
  compensated: [],
  orderCancelled: false,
  failure: null,
  compensationLog: [],
});

const updateSaga = (ids: Ids, version: number, s: ReturnType<typeof state>) =>
  `UPDATE saga_instances SET status = ${lit(s.status)}, current_step = ${s.step ? lit(s.step) : 'NULL'}, data = ${json(s)}, compensation_log = '[]',
          next_deadline = ${s.deadline ? `${lit(s.deadline.at)}::timestamptz` : 'NULL'}, deadline_step = ${s.step ? lit(s.step) : 'NULL'},
          version = ${version}, last_error = NULL, last_error_at = NULL, attempts = 0, updated_at = now()
    WHERE saga_id = ${lit(ids.sagaId)}`;

const finish = (ids: Ids, step: Step) =>
  `UPDATE saga_commands SET status = 'SENT', attempts = 1, last_error = NULL, sent_at = now()
    WHERE command_id = ${lit(commandId(ids, step))} AND status = 'PENDING'`;
/** A command's answer: one statement ending its row, unless the saga awaits it. */
const answer = (ids: Ids, step: Step, ...then: string[]) => (then.length === 0 ? `${finish(ids, step)};` : tx(finish(ids, step), ...then));
/** One event moving the saga to the next step, in the consumer's transaction. */
const advance = (ids: Ids, streamId: string, from: number, types: readonly string[], done: readonly Step[], next: Step, nextType: string) =>
  tx(
    lockByOrder(ids),
    processed(ids, streamId, 1),
    updateSaga(ids, from + types.length, state(ids, 'RUNNING', next, done)),
    history(ids, from, types, next),
    enqueue(ids, next, nextType),
  );

/** Every transaction of one completed saga, in the order the system runs them. */
export function rawSagaTransactions(productId: string): string[] {
  const ids: Ids = { sagaId: randomUUID(), orderId: randomUUID(), paymentId: randomUUID(), shipmentId: randomUUID(), correlationId: randomUUID(), productId };
  const order = `order-${ids.orderId}`;
  const facts = { orderId: ids.orderId, occurredAt: new Date().toISOString() };
  const started = state(ids, 'RUNNING', 'reserve_inventory', []);
  return [
    appendSql({ streamId: order, streamType: 'Order', eventType: 'OrderCreated', data: { ...facts, ...started.order }, commandId: randomUUID(), fresh: true }),
    tx(
      lockByOrder(ids),
      processed(ids, order, 1),
      `INSERT INTO saga_instances (saga_id, saga_type, order_id, status, current_step, data, compensation_log, next_deadline, deadline_step, correlation_id, version)
       VALUES (${lit(ids.sagaId)}, 'order', ${lit(ids.orderId)}, 'RUNNING', 'reserve_inventory', ${json(started)}, '[]', ${lit(started.deadline?.at ?? '')}::timestamptz,
               'reserve_inventory', ${lit(ids.correlationId)}, 2)`,
      history(ids, 0, ['SagaStarted', 'StepStarted'], 'reserve_inventory'),
      enqueue(ids, 'reserve_inventory', 'ReserveInventory'),
    ),
    appendSql({ streamId: `inventory-${productId}`, streamType: 'Inventory', eventType: 'InventoryReserved', data: { ...facts, productId, quantity: 1 }, commandId: commandId(ids, 'reserve_inventory'), fresh: false }),
    answer(ids, 'reserve_inventory'),
    advance(ids, `inventory-${productId}`, 2, ['InventoryLineReserved', 'StepSucceeded', 'StepStarted'], ['reserve_inventory'], 'authorize_payment', 'AuthorizePayment'),
    appendSql({ streamId: `payment-${ids.paymentId}`, streamType: 'Payment', eventType: 'PaymentAuthorized', data: { ...facts, paymentId: ids.paymentId, amount: 1250 }, commandId: commandId(ids, 'authorize_payment'), fresh: true }),
    answer(ids, 'authorize_payment'),
    advance(ids, `payment-${ids.paymentId}`, 5, ['StepSucceeded', 'StepStarted'], ['reserve_inventory', 'authorize_payment'], 'create_shipment', 'CreateShipment'),
    appendSql({ streamId: `shipment-${ids.shipmentId}`, streamType: 'Shipment', eventType: 'ShipmentCreated', data: { ...facts, shipmentId: ids.shipmentId }, commandId: commandId(ids, 'create_shipment'), fresh: true }),
    answer(ids, 'create_shipment'),
    advance(ids, `shipment-${ids.shipmentId}`, 7, ['StepSucceeded', 'StepStarted'], ['reserve_inventory', 'authorize_payment', 'create_shipment'], 'confirm_order', 'ConfirmOrder'),
    appendSql({ streamId: order, streamType: 'Order', eventType: 'OrderConfirmed', data: facts, commandId: commandId(ids, 'confirm_order'), fresh: false }),
    answer(
      ids,
      'confirm_order',
      updateSaga(ids, 11, state(ids, 'COMPLETED', null, ['reserve_inventory', 'authorize_payment', 'create_shipment', 'confirm_order'])),
      history(ids, 9, ['StepSucceeded', 'SagaCompleted'], null),
    ),
    tx(lockByOrder(ids), processed(ids, order, 2)),
  ];
}

/** Runs one transaction; a failure rolls back and discards a connection left unusable. */
export async function runTransaction(pool: pg.Pool, sql: string): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(sql);
  } catch (error) {
    await client.query('ROLLBACK').catch((e: unknown) => {
      broken = e instanceof Error ? e : new Error(String(e));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
