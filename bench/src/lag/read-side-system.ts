import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { migrateBenchDatabase } from '../support/bench-database.js';
import { freePort, startNodeService, type ChildService } from '../support/child-service.js';
import type { LagBenchConfig } from './lag-bench-config.js';

/**
 * The path of an order from the command to the read model, each service its own process
 * as in production: command, outbox relay, projection and query, over a database created
 * for this run alone and on topics and consumer groups of its own, so neither a running
 * system nor another run's leftovers are seen or touched.
 */
export type ReadSideSystem = Readonly<{
  run: string;
  databaseUrl: string;
  topicPrefix: string;
  commandUrl: string;
  queryUrl: string;
  /** The services' error lines so far (pino level 50 and up), for a failure's report. */
  loggedErrors: () => string[];
  stop: () => Promise<void>;
}>;

const root = new URL('../../../', import.meta.url);
const script = (service: string) => fileURLToPath(new URL(`services/${service}/dist/main.js`, root));

const kafkaOf = (config: LagBenchConfig, clientId: string) =>
  new Kafka({ clientId, brokers: config.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });

async function createTopics(config: LagBenchConfig, prefix: string): Promise<void> {
  await promisify(execFile)(process.execPath, [fileURLToPath(new URL('scripts/create-topics.mjs', root))], {
    env: { ...process.env, KAFKA_BROKERS: config.KAFKA_BROKERS, KAFKA_TOPIC_PREFIX: prefix },
  });
}

/** Best effort: a leftover topic or group of a finished run harms nobody, a failed cleanup must not hide the figures. */
async function removeKafkaState(config: LagBenchConfig, prefix: string, groups: readonly string[]): Promise<void> {
  const admin = kafkaOf(config, 'bench-lag-cleanup').admin();
  await admin.connect();
  try {
    await admin.deleteGroups([...groups]).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

const ERROR_LINE = /"level":(50|60)\b/;

function errorLines(services: readonly ChildService[], perService = 5): string[] {
  return services.flatMap((s) =>
    existsSync(s.logFile)
      ? readFileSync(s.logFile, 'utf8')
          .split('\n')
          .filter((line) => ERROR_LINE.test(line))
          .slice(-perService)
          .map((line) => `${s.name}: ${line.slice(0, 2_000)}`)
      : [],
  );
}

function databaseUrlFor(baseUrl: string, database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function dropDatabase(baseUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrlFor(baseUrl, 'postgres') });
  await client.connect();
  try {
    // the name is ours, made of hex digits: no quoting issue
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** `benchGroups`: consumer groups the suite itself opens, removed with the system's. */
export async function startReadSideSystem(config: LagBenchConfig, benchGroups: readonly string[]): Promise<ReadSideSystem> {
  const run = randomBytes(4).toString('hex');
  const database = `orderflow_bench_lag_${run}`;
  const databaseUrl = databaseUrlFor(config.DATABASE_URL, database);
  const topicPrefix = `bench-lag-${run}.`;
  const projectionGroup = `projection-bench-lag-${run}`;
  await migrateBenchDatabase(databaseUrl);
  await createTopics(config, topicPrefix);

  const common = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: config.REDIS_URL,
    KAFKA_BROKERS: config.KAFKA_BROKERS,
    SCHEMA_REGISTRY_URL: config.SCHEMA_REGISTRY_URL,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    NODE_ENV: 'production',
    LOG_LEVEL: config.BENCH_SERVICE_LOG_LEVEL,
  };
  const services: ChildService[] = [];
  const stop = async () => {
    // newest first: nothing is left sending to a service that has already gone
    for (const s of services.splice(0).reverse()) await s.stop();
    await removeKafkaState(config, topicPrefix, [projectionGroup, ...benchGroups]).catch(() => undefined);
    await dropDatabase(config.DATABASE_URL, database).catch(() => undefined);
  };
  const start = async (name: string, env: Record<string, string>, timeoutMs = 30_000) => {
    const port = await freePort();
    const service = await startNodeService(name, script(name), { ...common, ...env, HTTP_PORT: String(port) }, { port, readyPath: '/health/ready', timeoutMs });
    services.push(service);
    return service;
  };
  try {
    const query = await start('query', {});
    // ready only once it has joined its group: the first events must not wait for a rebalance
    await start('projection', { KAFKA_GROUP_ID: projectionGroup }, 90_000);
    await start('outbox-relay', {});
    const command = await start('command', { GRPC_PORT: String(await freePort()) });
    const loggedErrors = () => errorLines(services);
    return { run, databaseUrl, topicPrefix, commandUrl: command.baseUrl, queryUrl: query.baseUrl, loggedErrors, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
