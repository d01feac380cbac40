import { fileURLToPath } from 'node:url';
import { BARE_PATH, prepareBareTable } from './command/bare-insert-table.js';
import { createOrderBody, probeCreateOrder, withFreshIdempotencyKey } from './command/create-order-request.js';
import { loadBenchConfig } from './support/bench-config.js';
import { benchPool, emptyEventStoreTables, migrateBenchDatabase } from './support/bench-database.js';
import { freePort, startNodeService, type ChildService } from './support/child-service.js';
import { runHttpLoad, type HttpTarget } from './support/http-load.js';
import { figuresOf, ratio, reportSuite, summaryOf } from './support/report.js';
import { measureInRounds, type Contender } from './support/rounds.js';

const config = loadBenchConfig();
const url = config.DATABASE_URL;
const connections = config.BENCH_HTTP_CONNECTIONS;
const ORDERS_PATH = '/api/v1/orders';

const commandScript = fileURLToPath(new URL('../../services/command/dist/main.js', import.meta.url));
const bareScript = fileURLToPath(new URL('./command/bare-insert.server.js', import.meta.url));

const NOTES = [
  `autocannon, ${connections} connections, ${config.BENCH_ROUNDS} interleaved rounds of ${config.BENCH_SECONDS} s after ${config.BENCH_WARMUP_SECONDS} s warm-up;`,
  'req/s: median round; p50/p99: every 2xx response. Any non-2xx answer fails the suite.',
  'Each request: CreateOrder (contracts fixture order, two lines) with a fresh Idempotency-Key.',
  `command_service: services/command/dist/main.js, its own process, LOG_LEVEL=${config.BENCH_SERVICE_LOG_LEVEL}, POST ${ORDERS_PATH} -> 202.`,
  `bare_fastify: its own process, Fastify POST ${BARE_PATH} doing one INSERT of the body as jsonb (pool of 20, like the service).`,
];

const createOrderTarget = (service: ChildService, path: string): HttpTarget => ({
  baseUrl: service.baseUrl,
  method: 'POST',
  path,
  body: createOrderBody,
  perRequest: withFreshIdempotencyKey,
});

const contender = (name: string, target: HttpTarget): Contender => ({
  name,
  measure: (seconds) => runHttpLoad(target, { connections, seconds }),
});

async function startCommandService(): Promise<ChildService> {
  const port = await freePort();
  return startNodeService(
    'command',
    commandScript,
    {
      HTTP_PORT: String(port),
      GRPC_PORT: String(await freePort()),
      DATABASE_URL: url,
      NODE_ENV: 'production',
      LOG_LEVEL: config.BENCH_SERVICE_LOG_LEVEL,
    },
    { port, readyPath: '/health/ready' },
  );
}

async function startBareServer(): Promise<ChildService> {
  const port = await freePort();
  return startNodeService('bare-insert', bareScript, { HTTP_PORT: String(port), DATABASE_URL: url }, { port, readyPath: '/health' });
}

async function main() {
  await migrateBenchDatabase(url);
  const admin = benchPool(url, 1);
  const services: ChildService[] = [];
  try {
    await emptyEventStoreTables(admin);
    await prepareBareTable(admin);
    const command = await startCommandService();
    services.push(command);
    await probeCreateOrder(command.baseUrl, ORDERS_PATH, 'the command service');
    const bare = await startBareServer();
    services.push(bare);
    await probeCreateOrder(bare.baseUrl, BARE_PATH, 'the bare Fastify server');

    const results = await measureInRounds(
      [contender('bare_fastify', createOrderTarget(bare, BARE_PATH)), contender('command_service', createOrderTarget(command, ORDERS_PATH))],
      { rounds: config.BENCH_ROUNDS, seconds: config.BENCH_SECONDS, warmupSeconds: config.BENCH_WARMUP_SECONDS },
    );
    const [bareResult, commandResult] = [summaryOf(results, 'bare_fastify'), summaryOf(results, 'command_service')];
    await reportSuite(
      'command',
      figuresOf(results, 'req_per_s', 'req/s'),
      {
        throughput_vs_bare: ratio(commandResult.perSecond, bareResult.perSecond, 0.5, 'higher'),
        p99_vs_bare: ratio(commandResult.p99Ms, bareResult.p99Ms, 2, 'lower'),
      },
      { notes: NOTES, resultsDir: config.BENCH_RESULTS_DIR },
    );
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error('bench command failed:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
