import { nextAppendInput, type AppendInput } from './append/append-input.js';
import { EMMETT_SCHEMA, emmettAppender, emmettPool } from './append/emmett-append.js';
import { eventStoreAppender } from './append/event-store-append.js';
import { rawSqlAppender } from './append/raw-sql-append.js';
import { loadBenchConfig } from './support/bench-config.js';
import { benchPool, emptyEventStoreTables, migrateBenchDatabase } from './support/bench-database.js';
import { runClosedLoop } from './support/closed-loop.js';
import { figuresOf, ratio, reportSuite, summaryOf } from './support/report.js';
import { measureInRounds, type Contender } from './support/rounds.js';

const config = loadBenchConfig();
const url = config.DATABASE_URL;
const clients = config.BENCH_CONCURRENCY;

const NOTES = [
  `${clients} concurrent clients, each contender with its own pool of ${clients} connections; ${config.BENCH_ROUNDS} interleaved`,
  `rounds of ${config.BENCH_SECONDS} s after ${config.BENCH_WARMUP_SECONDS} s warm-up. appends/s: median round; p50/p99: every append.`,
  'Each append: one OrderCreated event (contracts fixture) to a fresh stream.',
  'raw_sql: BEGIN; event + outbox row (one CTE statement); idempotency row; COMMIT, sent as ONE',
  '  multi-statement simple query per transaction (one round trip, literals escaped by pg).',
  'raw_sql_streams_row: raw_sql plus the streams row insert.',
  'raw_sql_same_writes: raw_sql_streams_row plus pg_notify: every write append_events makes.',
  "eventstore: @orderflow/event-store appendToStream, expectedVersion 'no_stream', with an idempotency key,",
  '  group commit as configured by default (concurrent appends share one statement and transaction).',
  'eventstore_no_group_commit: the same with groupCommit: false (one statement and transaction per append).',
  `emmett: @event-driven-io/emmett-postgresql appendToStream (STREAM_DOES_NOT_EXIST), schema "${EMMETT_SCHEMA}"; no outbox, no idempotency.`,
];

const contender = (name: string, append: (input: AppendInput) => Promise<void>): Contender => ({
  name,
  measure: (seconds) => runClosedLoop(() => append(nextAppendInput()), { concurrency: clients, seconds }),
});

async function main() {
  await migrateBenchDatabase(url);
  const pool = () => benchPool(url, clients);
  const [rawPool, streamsRowPool, sameWritesPool, storePool, singleStorePool] = [pool(), pool(), pool(), pool(), pool()];
  const emmettConnections = emmettPool(url, clients);
  const pools = [rawPool, streamsRowPool, sameWritesPool, storePool, singleStorePool, emmettConnections];
  try {
    await emptyEventStoreTables(rawPool);
    await rawPool.query(`CREATE SCHEMA IF NOT EXISTS ${EMMETT_SCHEMA}`);
    const emmett = await emmettAppender(emmettConnections, url);
    await emmett.truncate();

    const results = await measureInRounds(
      [
        contender('raw_sql', rawSqlAppender(rawPool, { streamsRow: false, notify: false })),
        contender('raw_sql_streams_row', rawSqlAppender(streamsRowPool, { streamsRow: true, notify: false })),
        contender('raw_sql_same_writes', rawSqlAppender(sameWritesPool, { streamsRow: true, notify: true })),
        contender('eventstore', eventStoreAppender(storePool)),
        contender('eventstore_no_group_commit', eventStoreAppender(singleStorePool, { groupCommit: false })),
        contender('emmett', emmett.append),
      ],
      { rounds: config.BENCH_ROUNDS, seconds: config.BENCH_SECONDS, warmupSeconds: config.BENCH_WARMUP_SECONDS },
    );
    const rateOf = (name: string) => summaryOf(results, name).perSecond;
    const store = rateOf('eventstore');
    await reportSuite(
      'append',
      figuresOf(results, 'appends_per_s', 'appends/s'),
      {
        eventstore_vs_raw: ratio(store, rateOf('raw_sql'), 0.8, 'higher'),
        eventstore_vs_emmett: ratio(store, rateOf('emmett'), 1.5, 'higher'),
      },
      { notes: NOTES, resultsDir: config.BENCH_RESULTS_DIR },
    );
  } finally {
    await Promise.all(pools.map((pool) => pool.end()));
  }
}

main().catch((error: unknown) => {
  console.error('bench append failed:', error);
  process.exitCode = 1;
});
