import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLogger, createMetricsRegistry, createSchemaRegistry, type MetricsRegistry } from '@orderflow/platform';
import pg from 'pg';
import { createRelayProducer } from '../adapters/kafka/kafka-publisher.js';
import { startRelayRuntime, type RunningRelay } from '../relay-runtime.js';
import { testKafka, testBrokers, testRegistryUrl } from './kafka-test-kit.js';

const mainJs = fileURLToPath(new URL('../main.js', import.meta.url));

export type RelaySettings = Readonly<{
  databaseUrl: string;
  topicPrefix: string;
  pollIntervalMs?: number;
  lockIntervalMs?: number;
  batchSize?: number;
}>;

export type RelayChild = Readonly<{
  child: ChildProcess;
  /** Parsed log lines so far. */
  logs: Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then the exit. */
  stop: () => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}>;

/** `node services/outbox-relay/dist/main.js`, by default resolved once it logged `relay.started`. */
export async function spawnRelay(
  settings: RelaySettings,
  extraEnv: Record<string, string> = {},
  { waitForStart = true }: { waitForStart?: boolean } = {},
): Promise<RelayChild> {
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    HTTP_PORT: '0',
    DATABASE_URL: settings.databaseUrl,
    KAFKA_BROKERS: testBrokers.join(','),
    SCHEMA_REGISTRY_URL: testRegistryUrl,
    KAFKA_TOPIC_PREFIX: settings.topicPrefix,
    RELAY_POLL_INTERVAL_MS: String(settings.pollIntervalMs ?? 1_000),
    RELAY_LOCK_INTERVAL_MS: String(settings.lockIntervalMs ?? 300),
    RELAY_BATCH_SIZE: String(settings.batchSize ?? 50),
    ...extraEnv,
  };
  const child = spawn(process.execPath, ['--enable-source-maps', mainJs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const started = Date.now();
  while (waitForStart && !logs.some((l) => l.event === 'relay.started')) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() - started > 30_000) {
      child.kill('SIGKILL');
      throw new Error(`relay did not start: ${stderr}${JSON.stringify(logs.slice(-5))}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    child,
    logs,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export type InProcessRelay = Readonly<{ running: RunningRelay; metrics: MetricsRegistry; stop: () => Promise<void> }>;

/** The relay wired as main.ts wires it, minus HTTP, inside the test process. */
export async function startInProcessRelay(settings: RelaySettings): Promise<InProcessRelay> {
  const logger = createLogger('outbox-relay-test', process.env.RELAY_TEST_LOG_LEVEL ?? 'silent');
  const metrics = createMetricsRegistry('outbox-relay-test');
  const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 4 });
  pool.on('error', () => {});
  const producer = createRelayProducer(testKafka());
  await producer.connect();
  const running = await startRelayRuntime({
    databaseUrl: settings.databaseUrl,
    pool,
    producer,
    registry: createSchemaRegistry(testRegistryUrl),
    logger,
    metrics,
    topicPrefix: settings.topicPrefix,
    batchSize: settings.batchSize ?? 100,
    pollIntervalMs: settings.pollIntervalMs ?? 1_000,
    settleMs: 100,
    lockIntervalMs: settings.lockIntervalMs ?? 1_000,
    depthSampleMs: 200,
  });
  return {
    running,
    metrics,
    stop: async () => {
      await running.stop();
      await producer.disconnect();
      await pool.end();
    },
  };
}

/** Sum of a counter's samples, e.g. `outbox_relay_events_published_total`. */
export async function metricTotal(metrics: MetricsRegistry, name: string): Promise<number> {
  const metric = metrics.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}
