import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { removeOrderViews, seedOrderViews } from './query/order-view-seed.js';
import { loadBenchConfig } from './support/bench-config.js';
import { benchPool, migrateBenchDatabase } from './support/bench-database.js';
import { freePort, startNodeService, type ChildService } from './support/child-service.js';
import { runHttpLoad, type HttpTarget } from './support/http-load.js';
import { figuresOf, ratio, reportSuite, summaryOf } from './support/report.js';
import { measureInRounds, type Contender } from './support/rounds.js';

const config = loadBenchConfig();
const url = config.DATABASE_URL;
const connections = config.BENCH_HTTP_CONNECTIONS;
const ORDERS = 64;

const queryScript = fileURLToPath(new URL('../../services/query/dist/main.js', import.meta.url));
const bareScript = fileURLToPath(new URL('./query/bare-redis.server.js', import.meta.url));

const NOTES = [
  `autocannon, ${connections} connections, ${config.BENCH_ROUNDS} interleaved rounds of ${config.BENCH_SECONDS} s after ${config.BENCH_WARMUP_SECONDS} s warm-up;`,
  'req/s: median round; p50/p99: every 2xx response. Any non-2xx answer fails the suite.',
  `Each request: GET one of ${ORDERS} seeded orders in turn, each in Redis (order:view:<id>) and in order_views.`,
  `query_service: services/query/dist/main.js, its own process, LOG_LEVEL=${config.BENCH_SERVICE_LOG_LEVEL}, GET /api/v1/orders/{id}`,
  '  (checked to answer meta.cached = true before and after the load).',
  'bare_fastify: its own process, Fastify GET /orders/:id doing one ioredis GET, the stored JSON sent as is.',
];

const contender = (name: string, target: HttpTarget): Contender => ({
  name,
  measure: (seconds) => runHttpLoad(target, { connections, seconds }),
});

/** Every request the next seeded order, so neither server answers one hot key only. */
function rotatingTarget(service: ChildService, pathOf: (orderId: string) => string, orderIds: readonly string[]): HttpTarget {
  let next = 0;
  return {
    baseUrl: service.baseUrl,
    method: 'GET',
    path: pathOf(orderIds[0] ?? ''),
    perRequest: (request) => ({ ...request, path: pathOf(orderIds[next++ % orderIds.length] ?? '') }),
  };
}

/** The figure is only a cache figure if the service answered from the cache. */
async function expectCachedAnswer(service: ChildService, orderId: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${service.baseUrl}/api/v1/orders/${orderId}`);
    const body = (await response.json().catch(() => null)) as { meta?: { cached?: unknown } } | null;
    if (response.status === 200 && body?.meta?.cached === true) return;
    // Redis is not a readiness condition of the service: its connection may still be opening
    if (attempt >= 20) {
      throw new Error(`query service: GET /api/v1/orders/${orderId} answered ${response.status} ${JSON.stringify(body)}; expected 200 from the cache`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startServices(): Promise<{ query: ChildService; bare: ChildService }> {
  const [queryPort, barePort] = [await freePort(), await freePort()];
  const query = await startNodeService(
    'query',
    queryScript,
    { HTTP_PORT: String(queryPort), DATABASE_URL: url, REDIS_URL: config.REDIS_URL, NODE_ENV: 'production', LOG_LEVEL: config.BENCH_SERVICE_LOG_LEVEL },
    { port: queryPort, readyPath: '/health/ready' },
  );
  const bare = await startNodeService(
    'bare-redis',
    bareScript,
    { HTTP_PORT: String(barePort), REDIS_URL: config.REDIS_URL },
    { port: barePort, readyPath: '/health' },
  ).catch(async (error: unknown) => {
    await query.stop();
    throw error;
  });
  return { query, bare };
}

async function main() {
  await migrateBenchDatabase(url);
  const pool = benchPool(url, 2);
  const redis = new Redis(config.REDIS_URL);
  let orderIds: string[] = [];
  const services: ChildService[] = [];
  try {
    orderIds = await seedOrderViews(pool, redis, ORDERS);
    const { query, bare } = await startServices();
    services.push(query, bare);
    const first = orderIds[0] ?? '';
    await expectCachedAnswer(query, first);

    const results = await measureInRounds(
      [
        contender('bare_fastify', rotatingTarget(bare, (id) => `/orders/${id}`, orderIds)),
        contender('query_service', rotatingTarget(query, (id) => `/api/v1/orders/${id}`, orderIds)),
      ],
      { rounds: config.BENCH_ROUNDS, seconds: config.BENCH_SECONDS, warmupSeconds: config.BENCH_WARMUP_SECONDS },
    );
    await expectCachedAnswer(query, orderIds.at(-1) ?? first);
    const [bareResult, queryResult] = [summaryOf(results, 'bare_fastify'), summaryOf(results, 'query_service')];
    await reportSuite(
      'query',
      figuresOf(results, 'req_per_s', 'req/s'),
      {
        rps_vs_bare: ratio(queryResult.perSecond, bareResult.perSecond, 0.8, 'higher'),
        p99_vs_bare: ratio(queryResult.p99Ms, bareResult.p99Ms, 1.25, 'lower'),
      },
      { notes: NOTES, resultsDir: config.BENCH_RESULTS_DIR },
    );
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    await removeOrderViews(pool, redis, orderIds);
    await Promise.all([pool.end(), redis.quit()]);
  }
}

main().catch((error: unknown) => {
  console.error('bench query failed:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
