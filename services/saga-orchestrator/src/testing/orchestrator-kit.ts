import { randomUUID } from 'node:crypto';
import { eventSchemas, type OrderCreatedData } from '@orderflow/contracts';
import { createEventCodec, createLogger, createMetricsRegistry, createSchemaRegistry, loadConfig, type MetricsRegistry } from '@orderflow/platform';
import type { FastifyInstance } from 'fastify';
import type { Kafka, Producer } from 'kafkajs';
import type pg from 'pg';
import { buildApp } from '../app.js';
import { configSpec } from '../config.js';
import { startOrchestrator, type Orchestrator } from '../orchestrator.js';
import { createFakeCommandService, type FakeCommandService } from './fake-command-service.js';
import { createTopics, deleteTopics, eventPublisher, randomTopicPrefix, testKafka, testRegistryUrl, type Publish } from './kafka-kit.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** A database and topics of their own, a producer to publish events, and their cleanup. */
export type SagaEnvironment = Readonly<{
  db: TestDatabase;
  kafka: Kafka;
  prefix: string;
  producer: Producer;
  publish: Publish;
  close: () => Promise<void>;
}>;

export async function createSagaEnvironment(): Promise<SagaEnvironment> {
  const db = await createTestDatabase();
  const kafka = testKafka();
  const prefix = randomTopicPrefix();
  await createTopics(kafka, prefix);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const codec = createEventCodec(createSchemaRegistry(testRegistryUrl), eventSchemas);
  return {
    db,
    kafka,
    prefix,
    producer,
    publish: eventPublisher(producer, codec, prefix),
    async close() {
      await producer.disconnect().catch(() => {});
      await deleteTopics(kafka, prefix).catch(() => {});
      await db.drop();
    },
  };
}

export type TestOrchestrator = Readonly<{
  fake: FakeCommandService;
  metrics: MetricsRegistry;
  app: FastifyInstance;
  stop: () => Promise<void>;
}>;

/** Settings that keep tests fast; each test overrides what it exercises. */
const testSettings: Record<string, string> = {
  SAGA_STEP_TIMEOUT_MS: '20000',
  SAGA_RETRY_BUDGET: '3',
  SAGA_BACKOFF_BASE_MS: '50',
  SAGA_BACKOFF_MAX_MS: '400',
  SAGA_COMMAND_TIMEOUT_MS: '2000',
  SAGA_DEADLINE_POLL_MS: '100',
  SAGA_DISPATCH_POLL_MS: '100',
  SAGA_STUCK_AFTER_MS: '1000',
  SAGA_BREAKER_VOLUME_THRESHOLD: '1000',
  SAGA_MESSAGE_MAX_ATTEMPTS: '2',
};

/**
 * An orchestrator in this process over the environment's database and topics, talking to
 * a fake command service. Instances given the same `groupId` act as one orchestrator
 * restarted.
 */
export async function startTestOrchestrator(
  env: SagaEnvironment,
  options: Readonly<{ groupId?: string; settings?: Record<string, string>; fake?: FakeCommandService }> = {},
): Promise<TestOrchestrator> {
  const config = loadConfig('saga-orchestrator', configSpec, {
    DATABASE_URL: env.db.url,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    SCHEMA_REGISTRY_URL: testRegistryUrl,
    COMMAND_GRPC_URL: '127.0.0.1:1',
    KAFKA_TOPIC_PREFIX: env.prefix,
    KAFKA_CONSUMER_GROUP: options.groupId ?? `saga-test-${randomUUID()}`,
    ...testSettings,
    ...options.settings,
  });
  const logger = createLogger('saga-orchestrator-test', process.env.LOG_LEVEL ?? 'silent');
  const metrics = createMetricsRegistry('saga-orchestrator-test');
  const codec = createEventCodec(createSchemaRegistry(testRegistryUrl), eventSchemas);
  const fake = options.fake ?? createFakeCommandService(env.publish);
  const orchestrator: Orchestrator = await startOrchestrator({
    config,
    pool: env.db.pool,
    kafka: env.kafka,
    codec,
    gateway: fake.gateway,
    logger,
    metrics,
  });
  const app = await buildApp({ logger, metrics, checks: [], pool: env.db.pool });
  return {
    fake,
    metrics,
    app,
    async stop() {
      await app.close();
      await orchestrator.stop();
    },
  };
}

/** An order the fake command service serves happily unless `over` says otherwise. */
export function newOrder(over: Partial<OrderCreatedData> = {}): OrderCreatedData {
  const orderId = randomUUID();
  return {
    orderId,
    customerId: `cust-${orderId.slice(0, 6)}`,
    occurredAt: new Date().toISOString(),
    currency: 'EUR',
    items: [
      { productId: `SKU-${orderId.slice(0, 6)}-A`, quantity: 2, unitPrice: 1250 },
      { productId: `SKU-${orderId.slice(0, 6)}-B`, quantity: 1, unitPrice: 4999 },
    ],
    totalAmount: 7499,
    shippingAddress: { line1: '1 Rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' },
    paymentMethod: { type: 'card', token: 'tok_visa' },
    ...over,
  };
}

export type SagaRow = Readonly<{ sagaId: string; status: string; attempts: number; lastError: string | null; currentStep: string | null }>;

export async function sagaOfOrder(pool: pg.Pool, orderId: string): Promise<SagaRow | null> {
  const { rows } = await pool.query<{ saga_id: string; status: string; attempts: number; last_error: string | null; current_step: string | null }>(
    'SELECT saga_id, status, attempts, last_error, current_step FROM saga_instances WHERE order_id = $1',
    [orderId],
  );
  const r = rows[0];
  return r ? { sagaId: r.saga_id, status: r.status, attempts: r.attempts, lastError: r.last_error, currentStep: r.current_step } : null;
}
