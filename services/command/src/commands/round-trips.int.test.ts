import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { currentSchemaVersion } from '@orderflow/contracts';
import { createPgEventStore, type PgEventStore } from '@orderflow/event-store';
import { contextFor, pgKit, type CommandKit, type PgKit } from '../testing/command-test-kit.js';
import { createOrderInput } from '../testing/fixtures.js';

/**
 * Every statement the store sends, on the pool or on a client it checked out, is one
 * round trip to PostgreSQL. The outbox announcement runs on the store's own connection,
 * after the answer, and is not on the command's path: it is not counted.
 */
function countingPool(pool: pg.Pool) {
  const sent = { statements: 0 };
  const counted = <T extends object>(target: T, wrap: Record<string, (original: never) => unknown>): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value: unknown = Reflect.get(object, property, receiver);
        if (typeof property === 'string' && property in wrap && typeof value === 'function') {
          return wrap[property]!(value.bind(object) as never);
        }
        return typeof value === 'function' ? value.bind(object) : value;
      },
    });
  const query = (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => {
    sent.statements += 1;
    return original(...args);
  };
  const proxy = counted(pool, {
    query,
    connect: (original: () => Promise<pg.PoolClient>) => async () => counted(await original(), { query }),
  });
  return { pool: proxy, sent };
}

let db: PgKit;
let store: PgEventStore;
let kit: CommandKit;
let sent: { statements: number };

before(async () => {
  db = await pgKit();
  const counting = countingPool(db.pool);
  sent = counting.sent;
  store = createPgEventStore({ pool: counting.pool, currentSchemaVersions: currentSchemaVersion });
  kit = db.kit({ store });
});

after(async () => {
  await store.close();
  await db.close();
});

/** How many statements `run` sent to PostgreSQL. */
async function roundTrips(run: () => Promise<unknown>): Promise<number> {
  const before = sent.statements;
  await run();
  return sent.statements - before;
}

const order = () => createOrderInput({ customerId: `rt-${randomUUID()}` });

describe('round trips per command', () => {
  it('creates an order in one: nothing is read from a stream named by a fresh id', async () => {
    const input = order();
    assert.equal(await roundTrips(() => kit.commands.createOrder(input, contextFor(input))), 1);
    const keyed = order();
    const ctx = contextFor(keyed, { key: randomUUID() });
    assert.equal(await roundTrips(() => kit.commands.createOrder(keyed, ctx)), 1);
  });

  it('answers a replayed CreateOrder from the append itself, in one', async () => {
    const input = order();
    const ctx = contextFor(input, { key: randomUUID() });
    const first = await kit.commands.createOrder(input, ctx);
    let replay: Awaited<ReturnType<typeof kit.commands.createOrder>> | undefined;
    assert.equal(await roundTrips(async () => (replay = await kit.commands.createOrder(input, ctx))), 1);
    assert.deepEqual(replay, { response: first.response, replayed: true });
  });

  it('runs a command on an existing stream in two: one read (snapshot and events), one append', async () => {
    const input = order();
    const orderId = (await kit.commands.createOrder(input, contextFor(input))).response.aggregateId;
    // another instance of the service, which has never seen the stream, reads it first
    const other = db.kit({ store });
    const add = { orderId, productId: 'sku-rt', quantity: 1, unitPrice: 100 };
    assert.equal(await roundTrips(() => other.commands.addOrderItem(add, contextFor(add, { key: randomUUID() }))), 2);
    const cancel = { orderId, reason: 'changed my mind' };
    assert.equal(await roundTrips(() => db.kit({ store }).commands.cancelOrder(cancel, contextFor(cancel))), 2);
    const { events } = await kit.store.readStream(`order-${orderId}`);
    assert.deepEqual(events.map((e) => e.type), ['OrderCreated', 'OrderItemAdded', 'OrderCancelled']);
  });

  it('runs a command on a stream it wrote or read last in one, the append, which proves that state current', async () => {
    const input = order();
    const orderId = (await kit.commands.createOrder(input, contextFor(input))).response.aggregateId;
    const add = { orderId, productId: 'sku-rt', quantity: 1, unitPrice: 100 };
    assert.equal(await roundTrips(() => kit.commands.addOrderItem(add, contextFor(add, { key: randomUUID() }))), 1);
    // written elsewhere meanwhile: the append conflicts, and the command runs again from a read
    const elsewhere = { orderId, productId: 'sku-rt-2', quantity: 1, unitPrice: 100 };
    await db.kit({ store }).commands.addOrderItem(elsewhere, contextFor(elsewhere));
    const cancel = { orderId, reason: 'changed my mind' };
    assert.equal(await roundTrips(() => kit.commands.cancelOrder(cancel, contextFor(cancel))), 3);
    const { events } = await kit.store.readStream(`order-${orderId}`);
    assert.deepEqual(events.map((e) => e.type), ['OrderCreated', 'OrderItemAdded', 'OrderItemAdded', 'OrderCancelled']);
  });

  it('checks a replay and reads the state before an external call in one, then appends in one', async () => {
    const authorize = { orderId: randomUUID(), amount: 2500, currency: 'EUR', paymentMethod: { type: 'card', token: 'tok_visa' } };
    const ctx = contextFor(authorize, { key: randomUUID() });
    assert.equal(await roundTrips(() => kit.commands.authorizePayment(authorize, ctx)), 2);
    assert.equal(await roundTrips(() => kit.commands.authorizePayment(authorize, ctx)), 1, 'a replay stops at the read');
  });

  it('reserves stock of several products with one read per product, sent together, and one append', async () => {
    const products = [`rt-sku-${randomUUID()}`, `rt-sku-${randomUUID()}`];
    for (const productId of products) {
      const stock = { productId, quantity: 10 };
      assert.equal(await roundTrips(() => kit.commands.replenishStock(stock, contextFor(stock))), 2);
    }
    const reserve = { orderId: randomUUID(), lines: products.map((productId) => ({ productId, quantity: 3 })) };
    const ctx = contextFor(reserve, { key: randomUUID() });
    assert.equal(await roundTrips(() => db.kit({ store }).commands.reserveInventory(reserve, ctx)), products.length + 1);
    assert.deepEqual(await Promise.all(products.map((p) => kit.store.streamVersion(`inventory-${p}`))), [2, 2]);
    // the instance that stocked them knows both streams, though not the reservation just made elsewhere:
    // its append conflicts and it reads again
    const next = { orderId: randomUUID(), lines: products.map((productId) => ({ productId, quantity: 1 })) };
    const conflicted = await roundTrips(() => kit.commands.reserveInventory(next, contextFor(next, { key: randomUUID() })));
    assert.ok(conflicted >= 1 + products.length + 1, `a failed append, then the reads and the append: ${conflicted}`);
    const third = { orderId: randomUUID(), lines: products.map((productId) => ({ productId, quantity: 1 })) };
    assert.equal(await roundTrips(() => kit.commands.reserveInventory(third, contextFor(third, { key: randomUUID() }))), 1, 'now known: the append alone');
    assert.deepEqual(await Promise.all(products.map((p) => kit.store.streamVersion(`inventory-${p}`))), [4, 4]);
  });
});
