import { randomUUID } from 'node:crypto';
import { createLogger, createSchemaRegistry, prom, type Pool } from '@orderflow/platform';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { createProjectionService, type ProjectionService, type ProjectionServiceOptions } from '../projection-service.js';
import { testEnv } from './test-env.js';

export type InstanceOptions = Readonly<{
  pool: Pool;
  redis: Redis;
  kafka: Kafka;
  prefix: string;
  groupId?: string;
  retry?: { attempts: number; backoffMs: number };
  wrapWriter?: ProjectionServiceOptions['wrapWriter'];
  sessionTimeoutMs?: number;
}>;

/** A projection service in this process, with its own metrics registry; logs only with TEST_LOG_LEVEL. */
export function projectionInstance(opts: InstanceOptions): ProjectionService & { metrics: prom.Registry } {
  const metrics = new prom.Registry();
  const service = createProjectionService({
    pool: opts.pool,
    redis: opts.redis,
    kafka: opts.kafka,
    registry: createSchemaRegistry(testEnv.schemaRegistryUrl),
    logger: createLogger('projection-test', process.env.TEST_LOG_LEVEL ?? 'silent'),
    metrics,
    topicPrefix: opts.prefix,
    groupId: opts.groupId ?? `projection-test-${randomUUID()}`,
    concurrency: 4,
    retry: opts.retry ?? { attempts: 2, backoffMs: 20 },
    cacheTtlSeconds: 600,
    rebuildPageSize: 1_000,
    rebuildLockTimeoutMs: 2_000,
    wrapWriter: opts.wrapWriter,
    sessionTimeoutMs: opts.sessionTimeoutMs,
  });
  return Object.assign(service, { metrics });
}
