import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from '@orderflow/platform';
import type { OrderDetail } from '../../orders/order-view.js';
import { testEnv } from '../../testing/test-env.js';
import { createOrderCache, LIST_GENERATION_KEY, orderRevisionKey, orderViewKey } from './order-cache.js';

const redis = new Redis(testEnv.redisUrl);
const cache = createOrderCache(redis, 120);

const detail = (orderId: string, version: number) => ({ orderId, version, status: 'PENDING' }) as unknown as OrderDetail;
const cached = async (orderId: string) => JSON.parse((await redis.get(orderViewKey(orderId))) ?? 'null') as { version: number } | null;

describe('order detail cache (Redis)', () => {
  after(() => redis.quit());

  it('writes a detail with its TTL and bumps the list generation', async () => {
    const orderId = randomUUID();
    const generation = Number((await redis.get(LIST_GENERATION_KEY)) ?? 0);
    await cache.publish([{ orderId, version: 1, revision: '10', detail: detail(orderId, 1) }]);
    assert.equal((await cached(orderId))?.version, 1);
    assert.equal(await redis.get(orderRevisionKey(orderId)), '10');
    const ttl = await redis.ttl(orderViewKey(orderId));
    assert.ok(ttl > 0 && ttl <= 120);
    assert.ok(Number(await redis.get(LIST_GENERATION_KEY)) > generation);
  });

  it('never lets an older revision overwrite a newer one, whatever the order of arrival', async () => {
    const orderId = randomUUID();
    await cache.publish([{ orderId, version: 3, revision: '30', detail: detail(orderId, 3) }]);
    await cache.publish([{ orderId, version: 2, revision: '20', detail: detail(orderId, 2) }]);
    await cache.publish([{ orderId, version: 3, revision: '30', detail: { ...detail(orderId, 3), status: 'CANCELLED' } }]);
    assert.deepEqual(await cached(orderId), { orderId, version: 3, status: 'PENDING' });
    await cache.publish([{ orderId, version: 3, revision: '31', detail: { ...detail(orderId, 3), status: 'PAID' } }]);
    assert.deepEqual(await cached(orderId), { orderId, version: 3, status: 'PAID' });
  });

  it('invalidation drops the detail and fences off writes below the floor', async () => {
    const orderId = randomUUID();
    await cache.publish([{ orderId, version: 1, revision: '5', detail: detail(orderId, 1) }]);
    await cache.invalidate([orderId], '100');
    assert.equal(await redis.get(orderViewKey(orderId)), null);
    await cache.publish([{ orderId, version: 2, revision: '99', detail: detail(orderId, 2) }]);
    assert.equal(await redis.get(orderViewKey(orderId)), null);
    await cache.publish([{ orderId, version: 2, revision: '101', detail: detail(orderId, 2) }]);
    assert.equal((await cached(orderId))?.version, 2);
  });
});
