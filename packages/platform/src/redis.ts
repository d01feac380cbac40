import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export { Redis };

export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  redis.on('error', (err) => logger.warn({ event: 'redis.error', err: err.message }, 'redis error'));
  return redis;
}

export const redisCheck = (redis: Redis) => ({ name: 'redis', check: () => redis.ping() });
