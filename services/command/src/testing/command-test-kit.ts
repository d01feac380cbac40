import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { currentSchemaVersion } from '@orderflow/contracts';
import { createMemoryEventStore, createPgEventStore, type EventStore } from '@orderflow/event-store';
import { createTestPool, migrateTestDatabase } from '@orderflow/event-store/pg-test-database';
import { createLogger, createMetricsRegistry, type MetricsRegistry } from '@orderflow/platform';
import { buildApp } from '../app.js';
import { buildCommandContext, type Clock } from '../commands/command-context.js';
import { requestHashOf } from '../commands/request-hash.js';
import type { CommandResult } from '../commands/command-response.js';
import type { PaymentGateway } from '../external/payment-gateway.js';
import type { ShippingCarrier } from '../external/shipping-carrier.js';
import { createSimulatedPaymentGateway } from '../external/simulated-payment-gateway.js';
import { createSimulatedShippingCarrier } from '../external/simulated-shipping-carrier.js';
import { createUseCases, type CommandUseCases, type UseCaseSettings } from '../use-cases.js';

export type KitOptions = Readonly<{
  /** Replaces the kit's store, e.g. with one wrapping it. */
  store?: EventStore;
  gateway?: PaymentGateway;
  carrier?: ShippingCarrier;
  settings?: Partial<UseCaseSettings>;
}>;

export type CommandKit = Readonly<{
  store: EventStore;
  commands: CommandUseCases;
  metrics: MetricsRegistry;
  clock: Clock;
  app: () => Promise<FastifyInstance>;
}>;

const defaults: UseCaseSettings = { snapshotEvery: 50, maxRetries: 5, gatewayTimeoutMs: 2_000, carrierTimeoutMs: 2_000 };

export const testClock: Clock = { now: () => new Date(), newId: randomUUID };

/** Fresh per test: ids that no other test or run can produce. */
export const uniqueId = (label: string) => `${label}-${randomUUID().slice(0, 13)}`;

function kitOver(base: EventStore, options: KitOptions, tracked: Set<string>): CommandKit {
  const store = options.store ?? base;
  const metrics = createMetricsRegistry('command-test');
  const logger = createLogger('command-test', 'silent');
  const commands = createUseCases({
    store,
    gateway: options.gateway ?? createSimulatedPaymentGateway(),
    carrier: options.carrier ?? createSimulatedShippingCarrier(),
    clock: testClock,
    logger,
    metrics,
    settings: { ...defaults, ...options.settings },
  });
  const track = (result: CommandResult) => {
    for (const s of result.response.streams) tracked.add(s.streamId);
    return result;
  };
  // every write goes through a use case: remembering the streams answered lets a test clean up after itself
  const trackedCommands = Object.fromEntries(
    Object.entries(commands).map(([name, handler]) => [
      name,
      (input: never, ctx: never) => (handler as (i: never, c: never) => Promise<CommandResult>)(input, ctx).then(track),
    ]),
  ) as unknown as CommandUseCases;
  return {
    store,
    commands: trackedCommands,
    metrics,
    clock: testClock,
    app: () => buildApp({ logger, metrics, checks: [], commands: trackedCommands, clock: testClock }),
  };
}

/** Use cases over the in-memory event store: unit tests, no I/O. */
export const memoryKit = (options: KitOptions = {}): CommandKit =>
  kitOver(createMemoryEventStore({ currentSchemaVersions: currentSchemaVersion }), options, new Set());

export type PgKit = Readonly<{ pool: pg.Pool; kit: (options?: KitOptions) => CommandKit; close: () => Promise<void> }>;

/**
 * Use cases over the real PostgreSQL test database. `close` removes the outbox rows of
 * every stream the tests wrote, so a relay pointed at the test database never publishes
 * them, and closes the pool.
 */
export async function pgKit(): Promise<PgKit> {
  await migrateTestDatabase();
  const pool = createTestPool(30);
  const store = createPgEventStore({ pool, currentSchemaVersions: currentSchemaVersion });
  const tracked = new Set<string>();
  return {
    pool,
    kit: (options = {}) => kitOver(store, options, tracked),
    close: async () => {
      await pool.query('DELETE FROM outbox WHERE stream_id = ANY($1::text[])', [[...tracked]]);
      await pool.end();
    },
  };
}

/** A command context as a transport would build it; the request hash defaults to one per input. */
export function contextFor(input: unknown, over: Readonly<{ key?: string; expectedVersion?: number; signal?: AbortSignal }> = {}) {
  return buildCommandContext(
    {
      idempotencyKey: over.key ?? null,
      trace: { traceparent: null, tracestate: null },
      requestHash: requestHashOf('test', input),
      ...(over.expectedVersion === undefined ? {} : { expectedVersion: over.expectedVersion }),
      ...(over.signal === undefined ? {} : { signal: over.signal }),
    },
    testClock,
  );
}
