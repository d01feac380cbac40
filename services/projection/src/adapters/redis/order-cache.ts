import type { Redis } from 'ioredis';
import type { OrderChange } from '../postgres/order-change.js';

export const orderViewKey = (orderId: string): string => `order:view:${orderId}`;
/** The revision the cached detail was built from; kept beside it so the JSON stays the API's shape. */
export const orderRevisionKey = (orderId: string): string => `order:rev:${orderId}`;
export const LIST_GENERATION_KEY = 'orders:list:gen';

// KEYS: view, revision. ARGV: json, revision, ttl seconds.
// Revisions come from one PostgreSQL sequence, taken under the order's lock, so a
// delayed writer holding an older row loses to whoever wrote a newer one.
const WRITE_IF_NEWER = `
local current = tonumber(redis.call('GET', KEYS[2]) or '-1')
if current >= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return 1`;

// KEYS: view, revision. ARGV: revision floor, ttl seconds. Drops the detail and refuses
// any later write from a revision below the floor.
const INVALIDATE_BELOW = `
local current = tonumber(redis.call('GET', KEYS[2]) or '-1')
if current >= tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
return 1`;

type CacheCommands = {
  writeOrderIfNewer(view: string, rev: string, json: string, revision: string, ttl: number): Promise<number>;
  invalidateOrderBelow(view: string, rev: string, floor: string, ttl: number): Promise<number>;
};

export type OrderCache = {
  /** Writes each changed detail unless a newer one is cached, then bumps the list generation. */
  publish(changes: readonly OrderChange[]): Promise<void>;
  /** After a rebuild: drops these details and fences off writes computed before it. */
  invalidate(orderIds: readonly string[], revisionFloor: string): Promise<void>;
};

const CHUNK = 500;

export function createOrderCache(redis: Redis, ttlSeconds: number): OrderCache {
  redis.defineCommand('writeOrderIfNewer', { numberOfKeys: 2, lua: WRITE_IF_NEWER });
  redis.defineCommand('invalidateOrderBelow', { numberOfKeys: 2, lua: INVALIDATE_BELOW });
  const commands = redis as unknown as CacheCommands;
  return {
    async publish(changes) {
      if (changes.length === 0) return;
      // one round trip: Redis runs a connection's commands in order, so the generation is
      // bumped after every detail is written, as it was when each reply was awaited first
      const pipeline = redis.pipeline();
      const queued = pipeline as unknown as CacheCommands;
      for (const c of changes) {
        void queued.writeOrderIfNewer(orderViewKey(c.orderId), orderRevisionKey(c.orderId), JSON.stringify(c.detail), c.revision, ttlSeconds);
      }
      pipeline.incr(LIST_GENERATION_KEY);
      const failed = (await pipeline.exec())?.find(([error]) => error !== null);
      if (failed) throw failed[0];
    },
    async invalidate(orderIds, revisionFloor) {
      for (let i = 0; i < orderIds.length; i += CHUNK) {
        await Promise.all(
          orderIds.slice(i, i + CHUNK).map((id) => commands.invalidateOrderBelow(orderViewKey(id), orderRevisionKey(id), revisionFloor, ttlSeconds)),
        );
      }
      await redis.incr(LIST_GENERATION_KEY);
    },
  };
}
