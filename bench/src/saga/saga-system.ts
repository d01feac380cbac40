import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, startNodeService, type ChildService } from '../support/child-service.js';
import type { SagaBenchConfig } from './saga-bench-config.js';

/**
 * The write side as it runs in production, each service its own process: the command
 * service, the outbox relay and the saga orchestrator, over the benchmark database, on
 * topics and a consumer group of this run's own (a running system's are never touched).
 */
export type SagaSystem = Readonly<{
  commandUrl: string;
  orchestratorUrl: string;
  /** SIGTERM to the orchestrator alone, for the CreateOrder rate without sagas. */
  stopOrchestrator: () => Promise<void>;
  stop: () => Promise<void>;
}>;

const root = new URL('../../../', import.meta.url);
const script = (service: string) => fileURLToPath(new URL(`services/${service}/dist/main.js`, root));

async function createTopics(config: SagaBenchConfig, prefix: string): Promise<void> {
  await promisify(execFile)(process.execPath, [fileURLToPath(new URL('scripts/create-topics.mjs', root))], {
    env: { ...process.env, KAFKA_BROKERS: config.KAFKA_BROKERS, KAFKA_TOPIC_PREFIX: prefix },
  });
}

async function deleteTopics(config: SagaBenchConfig, prefix: string): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-saga', brokers: config.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

export async function startSagaSystem(config: SagaBenchConfig): Promise<SagaSystem> {
  const run = randomBytes(4).toString('hex');
  const prefix = `bench-${run}.`;
  await createTopics(config, prefix);
  const [httpCommand, grpc, httpRelay, httpSaga] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const common = {
    DATABASE_URL: config.DATABASE_URL,
    KAFKA_BROKERS: config.KAFKA_BROKERS,
    SCHEMA_REGISTRY_URL: config.SCHEMA_REGISTRY_URL,
    KAFKA_TOPIC_PREFIX: prefix,
    NODE_ENV: 'production',
    LOG_LEVEL: config.BENCH_SERVICE_LOG_LEVEL,
  };
  const services: ChildService[] = [];
  const stopAll = async () => {
    // newest first: nothing is left sending to a service that has already gone
    for (const s of services.splice(0).reverse()) await s.stop();
    await deleteTopics(config, prefix).catch(() => undefined);
  };
  try {
    const command = await startNodeService('command', script('command'), { ...common, HTTP_PORT: String(httpCommand), GRPC_PORT: String(grpc) }, { port: httpCommand, readyPath: '/health/ready' });
    services.push(command);
    services.push(await startNodeService('outbox-relay', script('outbox-relay'), { ...common, HTTP_PORT: String(httpRelay) }, { port: httpRelay, readyPath: '/health/ready' }));
    const saga = await startNodeService(
      'saga-orchestrator',
      script('saga-orchestrator'),
      { ...common, HTTP_PORT: String(httpSaga), COMMAND_GRPC_URL: `127.0.0.1:${grpc}`, KAFKA_CONSUMER_GROUP: `saga-bench-${run}` },
      { port: httpSaga, readyPath: '/health/ready', timeoutMs: 90_000 },
    );
    services.push(saga);
    return {
      commandUrl: command.baseUrl,
      orchestratorUrl: saga.baseUrl,
      async stopOrchestrator() {
        const i = services.indexOf(saga);
        if (i >= 0) await services.splice(i, 1)[0]?.stop();
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
