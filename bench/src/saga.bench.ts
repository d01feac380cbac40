import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { runCountedLoop, timed } from './saga/counted-loop.js';
import { dropRawSchema, prepareRawSchema, rawPool, rawSagaTransactions, runTransaction } from './saga/raw-saga.js';
import { loadSagaBenchConfig } from './saga/saga-bench-config.js';
import { startSagaSystem, type SagaSystem } from './saga/saga-system.js';
import { createSagaWatcher, type SagaWatcher } from './saga/saga-watcher.js';
import { benchPool, emptyEventStoreTables, migrateBenchDatabase } from './support/bench-database.js';
import { runClosedLoop } from './support/closed-loop.js';
import { summarise, type Measurement, type Summary } from './support/measurement.js';
import { createJsonPoster } from './support/json-post.js';
import { figure, ratio, reportSuite } from './support/report.js';

const config = loadSagaBenchConfig();
const url = config.DATABASE_URL;
const C = config.BENCH_SAGA_CONCURRENCY;
const ROUNDS = config.BENCH_ROUNDS;
const PER_ROUND = Math.ceil(config.BENCH_SAGA_ORDERS / ROUNDS);
const WARMUP = config.BENCH_SAGA_WARMUP_ORDERS;
const PRODUCTS = Array.from({ length: 8 }, (_, i) => `bench-sku-${i}`);
const TX_PER_SAGA = rawSagaTransactions('probe').length;
const RAW_POOL_MAX = 20;

const progress = (line: string) => process.stderr.write(`  ${line}\n`);
const pick = () => PRODUCTS[Math.floor(Math.random() * PRODUCTS.length)] as string;

// every client of both contenders' loops holds one connection
const poster = createJsonPoster(C);
const post = (target: string, body: unknown) => poster.accepted(target, body);

const orderBody = () => ({
  customerId: `bench-${randomUUID()}`,
  currency: 'EUR',
  items: [{ productId: pick(), quantity: 1, unitPrice: 1250 }],
  shippingAddress: { line1: '1 Rue de la Paix', city: 'Lyon', postalCode: '69001', country: 'FR' },
  paymentMethod: { type: 'card', token: 'tok_visa' },
});

/** One customer's order, from the request to the saga's completion (the saga row's change time). */
const sagaOp = (system: SagaSystem, watcher: SagaWatcher) => async (): Promise<number> => {
  const sent = Date.now();
  const accepted = await post(`${system.commandUrl}/api/v1/orders`, orderBody());
  const end = await watcher.ended(String(accepted.aggregateId));
  if (end.status !== 'COMPLETED') throw new Error(`saga of order ${String(accepted.aggregateId)} ended ${end.status}`);
  return Math.max(0, end.endedAt.getTime() - sent);
};

const rawOp = (pool: pg.Pool) =>
  timed(async () => {
    for (const sql of rawSagaTransactions(pick())) await runTransaction(pool, sql);
  });

type Contender = Readonly<{ name: string; run: (count: number) => Promise<Measurement> }>;

/** Same work per round for both, interleaved, each round starting with the other one. */
async function sagaRounds(contenders: readonly Contender[]): Promise<Map<string, Summary>> {
  for (const c of contenders) {
    progress(`warm-up ${c.name} (${WARMUP} sagas)`);
    await c.run(WARMUP);
  }
  const runs = new Map<string, Measurement[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(round + i) % contenders.length] as Contender;
      const m = await c.run(PER_ROUND);
      runs.get(c.name)?.push(m);
      progress(`round ${round + 1}/${ROUNDS} ${c.name}: ${(m.ops / m.seconds).toFixed(1)} sagas/s`);
    }
  }
  return new Map([...runs].map(([name, ms]) => [name, summarise(ms)]));
}

/** CreateOrder alone, the orchestrator stopped: the rate one command of the saga's five reaches. */
async function createOrderRate(system: SagaSystem): Promise<Summary> {
  await system.stopOrchestrator();
  const op = timed(() => post(`${system.commandUrl}/api/v1/orders`, orderBody()));
  progress(`warm-up create_order (${config.BENCH_WARMUP_SECONDS} s)`);
  await runClosedLoop(op, { concurrency: C, seconds: config.BENCH_WARMUP_SECONDS });
  const rounds: Measurement[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const m = await runClosedLoop(op, { concurrency: C, seconds: config.BENCH_SECONDS });
    rounds.push(m);
    progress(`round ${round + 1}/${ROUNDS} create_order: ${(m.ops / m.seconds).toFixed(0)} req/s`);
  }
  return summarise(rounds);
}

/** What the system wrote per completed saga, next to what the reference assumes. */
async function modelNotes(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ sagas: number; commands: number; consumed: number; events: number }>(
    `SELECT (SELECT count(*) FROM saga_instances WHERE status = 'COMPLETED')::int AS sagas,
            (SELECT count(*) FROM saga_commands)::int AS commands,
            (SELECT count(*) FROM saga_processed_events)::int AS consumed,
            (SELECT count(*) FROM events WHERE event_type <> 'StockReplenished')::int AS events`,
  );
  const r = rows[0];
  if (!r || r.sagas === 0) return ['no completed saga to compare the model with'];
  const per = (n: number) => (n / r.sagas).toFixed(2);
  const note = `per completed saga the system wrote ${per(r.events)} events, ${per(r.commands)} saga commands, ${per(r.consumed)} dedupe rows`;
  const matches = per(r.events) === '5.00' && per(r.commands) === '4.00' && per(r.consumed) === '5.00';
  return [matches ? `${note}: as the reference models it` : `${note}: the reference models 5, 4 and 5; update bench/src/saga/raw-saga.ts`];
}

async function main() {
  await migrateBenchDatabase(url);
  const admin = benchPool(url, 2);
  // at most the command service's pool: the reference gets no more connections than the system's writer
  const raw = rawPool(url, Math.min(C, RAW_POOL_MAX));
  let system: SagaSystem | undefined;
  let watcher: SagaWatcher | undefined;
  try {
    await emptyEventStoreTables(admin);
    await admin.query('TRUNCATE saga_instances, saga_steps, saga_commands, saga_processed_events');
    await prepareRawSchema(admin, PRODUCTS);
    system = await startSagaSystem(config);
    for (const p of PRODUCTS) await post(`${system.commandUrl}/api/v1/inventory/${p}/stock`, { quantity: 100_000_000 });
    watcher = createSagaWatcher(admin);

    const started = performance.now();
    const results = await sagaRounds([
      { name: 'saga', run: (total) => runCountedLoop(sagaOp(system as SagaSystem, watcher as SagaWatcher), { concurrency: C, total }) },
      { name: 'raw_pg', run: (total) => runCountedLoop(rawOp(raw), { concurrency: C, total }) },
    ]);
    const sagaSeconds = (performance.now() - started) / 1000;
    const notes = await modelNotes(admin);
    const createOrder = await createOrderRate(system);

    const saga = results.get('saga') as Summary;
    const reference = results.get('raw_pg') as Summary;
    // the reference counts sagas, each TX_PER_SAGA transactions: its tx/s over TX_PER_SAGA is its sagas/s
    const rawTxPerSecond = reference.perSecond * TX_PER_SAGA;
    const rawSagasPerSecond = reference.perSecond;
    await reportSuite(
      'saga',
      {
        sagas_per_s: figure(saga.perSecond, 'sagas/s'),
        saga_completion_p50_ms: figure(saga.p50Ms, 'ms'),
        saga_completion_p99_ms: figure(saga.p99Ms, 'ms'),
        sagas_measured: figure(saga.ops, 'sagas'),
        raw_pg_tx_per_s: figure(rawTxPerSecond, 'tx/s'),
        raw_pg_sagas_per_s: figure(rawSagasPerSecond, 'sagas/s'),
        raw_pg_saga_p99_ms: figure(reference.p99Ms, 'ms'),
        tx_per_saga: figure(TX_PER_SAGA, 'tx'),
        create_order_req_per_s: figure(createOrder.perSecond, 'req/s'),
        create_order_p99_ms: figure(createOrder.p99Ms, 'ms'),
      },
      {
        sagas_vs_raw: ratio(saga.perSecond, rawSagasPerSecond, 0.5, 'higher'),
        // a saga runs five commands: 0.1 is half of what five CreateOrder-sized commands allow
        sagas_vs_create_order: ratio(saga.perSecond, createOrder.perSecond, 0.1, 'higher'),
      },
      {
        notes: [
          `${ROUNDS} interleaved rounds of ${PER_ROUND} sagas per contender after ${WARMUP} warm-up sagas, ${C} in flight (closed loop); ${sagaSeconds.toFixed(0)} s.`,
          'saga: POST /api/v1/orders on the command service, then the order saga (reserve, authorize, ship, confirm) through the outbox relay, Kafka and the orchestrator, each its own process; completion time: request sent -> saga row COMPLETED.',
          `raw_pg: the ${TX_PER_SAGA} transactions one saga commits (5 command appends, ${TX_PER_SAGA - 5} saga-state changes), one multi-statement simple query each, on copies of the tables; sagas/s = tx/s / ${TX_PER_SAGA}.`,
          `create_order: CreateOrder alone (orchestrator stopped), ${C} clients, ${ROUNDS} rounds of ${config.BENCH_SECONDS} s.`,
          ...notes,
        ],
        resultsDir: config.BENCH_RESULTS_DIR,
      },
    );
  } finally {
    await watcher?.stop();
    await system?.stop();
    await dropRawSchema(admin).catch(() => undefined);
    await raw.end();
    await admin.end();
    poster.close();
  }
}

main().catch((error: unknown) => {
  console.error('bench saga failed:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
