import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { topicName } from '@orderflow/contracts';
import { createOrderBody, withFreshIdempotencyKey } from './command/create-order-request.js';
import { createHttpClient, createOrder, ORDERS_PATH, type HttpClient } from './lag/http-client.js';
import { startKafkaRoundTrip, type KafkaRoundTrip } from './lag/kafka-round-trip.js';
import { loadLagBenchConfig } from './lag/lag-bench-config.js';
import { lagFigures, type LagRun } from './lag/lag-figures.js';
import { runLagRounds } from './lag/lag-rounds.js';
import { waitForReadModel } from './lag/read-model-drain.js';
import { listenToReadModel, type ReadModelListener } from './lag/read-model-listener.js';
import { startReadSideSystem, type ReadSideSystem } from './lag/read-side-system.js';
import { runSteadyLoad } from './lag/steady-load.js';
import { watchTopic, type TopicWatch } from './lag/topic-watch.js';
import type { Measurement } from './support/measurement.js';
import { benchPool } from './support/bench-database.js';
import { runHttpLoad } from './support/http-load.js';
import { reportSuite } from './support/report.js';

const config = loadLagBenchConfig();
const connections = config.BENCH_HTTP_CONNECTIONS;
const DRAIN_TIMEOUT_MS = 120_000;

const progress = (line: string) => process.stderr.write(`  ${line}\n`);

/** The highest CreateOrder rate of this system in this run: autocannon, a closed loop at full speed. */
async function probeMaxRate(system: ReadSideSystem) {
  const target = { baseUrl: system.commandUrl, method: 'POST' as const, path: ORDERS_PATH, body: createOrderBody, perRequest: withFreshIdempotencyKey };
  progress(`warm-up create_order (${config.BENCH_WARMUP_SECONDS} s)`);
  await runHttpLoad(target, { connections, seconds: config.BENCH_WARMUP_SECONDS });
  const probe = await runHttpLoad(target, { connections, seconds: config.BENCH_LAG_PROBE_SECONDS });
  progress(`max create_order: ${(probe.ops / probe.seconds).toFixed(0)} req/s`);
  return probe;
}

type Probes = Readonly<{ kafka: KafkaRoundTrip; listener: ReadModelListener; topic: TopicWatch }>;

/** The steady load at a share of the probed rate, in rounds interleaved with the Kafka baseline at the same rate. */
async function measure(
  clients: { command: HttpClient; query: HttpClient },
  probes: Probes,
  probe: Readonly<{ measurement: Measurement; drainSeconds: number }>,
): Promise<LagRun> {
  const { kafka, listener, topic } = probes;
  const rate = (probe.measurement.ops / probe.measurement.seconds) * config.BENCH_LAG_LOAD_FRACTION;
  const readEvery = config.BENCH_LAG_READ_SHARE > 0 ? Math.max(1, Math.round(1 / config.BENCH_LAG_READ_SHARE)) : 0;
  const seconds = config.BENCH_LAG_SECONDS / config.BENCH_ROUNDS;
  progress(`steady load and kafka baseline: ${rate.toFixed(0)}/s each, ${config.BENCH_ROUNDS} interleaved rounds of ${seconds} s`);
  const visibleTimeoutMs = config.BENCH_LAG_VISIBLE_TIMEOUT_SECONDS * 1000;
  const { load, pings } = await runLagRounds(
    {
      readSide: (s) => runSteadyLoad(clients, { listener, topic }, { ratePerSecond: rate, seconds: s, readEvery, visibleTimeoutMs }),
      kafka: (s) => kafka.measure(rate, s),
    },
    { rounds: config.BENCH_ROUNDS, seconds, warmupSeconds: config.BENCH_WARMUP_SECONDS },
  );
  return { probe: probe.measurement, drainSeconds: probe.drainSeconds, rate, load, pings };
}

/**
 * The burst leaves a queue behind: the steady load starts once the read model has caught
 * up. How long that took (seconds) tells how far the read side trails the command path.
 */
async function drain(system: ReadSideSystem): Promise<number> {
  const started = performance.now();
  const pool = benchPool(system.databaseUrl, 1);
  try {
    await waitForReadModel(pool, DRAIN_TIMEOUT_MS);
  } finally {
    await pool.end();
  }
  return (performance.now() - started) / 1000;
}

async function main() {
  const run = randomBytes(4).toString('hex');
  const groups = { ping: `bench-lag-ping-${run}`, watch: `bench-lag-watch-${run}` };
  const system = await startReadSideSystem(config, Object.values(groups));
  const clients = { command: createHttpClient(system.commandUrl), query: createHttpClient(system.queryUrl) };
  const opened: { close: () => Promise<void> }[] = [];
  const open = async <T extends { close: () => Promise<void> }>(opening: Promise<T>): Promise<T> => {
    const resource = await opening;
    opened.push(resource);
    return resource;
  };
  const brokers = config.KAFKA_BROKERS.split(',');
  try {
    // one order first: a broken route fails with the service's own answer, not mid-load
    await createOrder(clients.command);
    const listener = await open(listenToReadModel(system.databaseUrl));
    const kafka = await open(startKafkaRoundTrip(brokers, `${system.topicPrefix}lag.ping`, groups.ping));
    const measurement = await probeMaxRate(system);
    const drainSeconds = await drain(system);
    const topic = await open(watchTopic(brokers, topicName('Order', system.topicPrefix), groups.watch));
    const result = await measure(clients, { kafka, listener, topic }, { measurement, drainSeconds });
    const { figures, ratios, notes } = lagFigures(result, config);
    await reportSuite('lag', figures, ratios, { notes, resultsDir: config.BENCH_RESULTS_DIR });
  } catch (error) {
    const logged = system.loggedErrors();
    if (logged.length > 0) console.error(`errors the services logged:\n${logged.join('\n')}`);
    throw error;
  } finally {
    for (const resource of opened.reverse()) await resource.close().catch(() => undefined);
    clients.command.close();
    clients.query.close();
    await system.stop();
  }
}

main().catch((error: unknown) => {
  console.error('bench lag failed:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
