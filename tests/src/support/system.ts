import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { repoRoot, testEnv } from './env.js';
import { run } from './process.js';

/**
 * The whole system for an end-to-end test: every service as its own process, on free
 * ports, over a database of its own and topics under a prefix of its own, so tests
 * never see each other's data and can run beside a running system.
 */
export type ServiceName = 'command' | 'outbox-relay' | 'projection' | 'query' | 'saga-orchestrator';

export type System = {
  readonly databaseUrl: string;
  readonly topicPrefix: string;
  readonly url: (service: ServiceName) => string;
  readonly grpcAddress: string;
  readonly pool: pg.Pool;
  start(service: ServiceName, extraEnv?: Record<string, string>): Promise<void>;
  /** SIGTERM and wait for exit. */
  stop(service: ServiceName): Promise<number | null>;
  /** SIGKILL, no goodbye. */
  kill(service: ServiceName): Promise<void>;
  shutdown(): Promise<void>;
};

/**
 * `count` distinct free ports: every probe listener stays open until all have their port,
 * so two of them can never be handed the same one (one after the other, the kernel may
 * give a just-closed port out again).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => resolve());
      });
      const address = srv.address();
      ports.push(typeof address === 'object' && address ? address.port : 0);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
  }
}

async function waitReady(url: string, child: ChildProcess, name: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} during start`);
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} was not ready within ${timeoutMs} ms`);
}

async function deleteTopics(prefix: string): Promise<void> {
  const admin = new Kafka({ clientId: 'e2e-cleanup', brokers: testEnv.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } catch {
    // leftover topics of a finished run are harmless; never fail a test over cleanup
  } finally {
    await admin.disconnect();
  }
}

export async function startSystem(opts: { services: readonly ServiceName[]; env?: Partial<Record<ServiceName, Record<string, string>>> }): Promise<System> {
  const id = randomBytes(4).toString('hex');
  const database = `orderflow_e2e_${id}`;
  const databaseUrl = new URL(testEnv.databaseUrl);
  databaseUrl.pathname = `/${database}`;
  const topicPrefix = `e2e-${id}.`;

  const migrated = await run(process.execPath, ['scripts/migrate.mjs', databaseUrl.toString()], { cwd: repoRoot });
  if (migrated.code !== 0) throw new Error(`migration failed: ${migrated.stderr}`);
  const topics = await run(process.execPath, ['scripts/create-topics.mjs'], {
    cwd: repoRoot,
    env: { ...process.env, KAFKA_BROKERS: testEnv.kafkaBrokers.join(','), KAFKA_TOPIC_PREFIX: topicPrefix },
  });
  if (topics.code !== 0) throw new Error(`topic creation failed: ${topics.stderr}`);

  const ports = new Map<ServiceName, number>();
  const services = ['command', 'outbox-relay', 'projection', 'query', 'saga-orchestrator'] as const;
  const [grpcPort, ...httpPorts] = await freePorts(services.length + 1);
  services.forEach((s, i) => ports.set(s, httpPorts[i] ?? 0));
  const logDir = path.join(repoRoot, '.local', 'log', 'e2e', id);
  mkdirSync(logDir, { recursive: true });

  const children = new Map<ServiceName, ChildProcess>();
  const pool = new pg.Pool({ connectionString: databaseUrl.toString(), max: 4 });
  const url = (s: ServiceName) => `http://127.0.0.1:${ports.get(s)}`;

  const baseEnv = (s: ServiceName): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
    HTTP_PORT: String(ports.get(s)),
    GRPC_PORT: String(grpcPort),
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: testEnv.redisUrl,
    KAFKA_BROKERS: testEnv.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: testEnv.schemaRegistryUrl,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    COMMAND_GRPC_URL: `127.0.0.1:${grpcPort}`,
    // consumer groups span topics on the broker: a run of its own never joins another run's group
    KAFKA_CONSUMER_GROUP: `saga-e2e-${id}`,
    KAFKA_GROUP_ID: `projection-e2e-${id}`,
    SHUTDOWN_TIMEOUT_MS: '10000',
  });

  const system: System = {
    databaseUrl: databaseUrl.toString(),
    topicPrefix,
    url,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    pool,
    async start(s, extraEnv = {}) {
      const log = createWriteStream(path.join(logDir, `${s}.log`), { flags: 'a' });
      const child = spawn(process.execPath, ['--enable-source-maps', path.join(repoRoot, 'services', s, 'dist', 'main.js')], {
        cwd: repoRoot,
        env: { ...baseEnv(s), ...(opts.env?.[s] ?? {}), ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
      children.set(s, child);
      await waitReady(url(s), child, s);
    },
    async stop(s) {
      const child = children.get(s);
      if (!child || child.exitCode !== null) return child?.exitCode ?? null;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      const code = await exited;
      children.delete(s);
      return code;
    },
    async kill(s) {
      const child = children.get(s);
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      children.delete(s);
    },
    async shutdown() {
      await Promise.all([...children.keys()].map((s) => system.stop(s)));
      await pool.end();
      const admin = new URL(testEnv.databaseUrl);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => {});
      await client.end();
      await deleteTopics(topicPrefix);
    },
  };

  try {
    for (const s of opts.services) await system.start(s);
  } catch (e) {
    await system.shutdown();
    throw e;
  }
  return system;
}
