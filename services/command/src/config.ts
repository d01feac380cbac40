import { z } from 'zod';
import { baseConfigShape, port, postgresUrl } from '@orderflow/platform';

const nonNegativeInt = (fallback: number, max: number) => z.coerce.number().int().min(0).max(max).default(fallback);
const rate = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);

/** Every key is an environment variable the command service reads. */
export const configSpec = z.object({
  ...baseConfigShape,
  HTTP_PORT: port(8080),
  GRPC_PORT: port(50051),
  DATABASE_URL: postgresUrl(),
  PG_POOL_MAX: z.coerce.number().int().min(1).max(200).default(20),
  /**
   * Group commit of concurrent appends (packages/event-store): statements in flight at once;
   * appends arriving meanwhile leave together in the next one. 0 turns grouping off.
   */
  APPEND_GROUP_SLOTS: nonNegativeInt(1, 64),
  /** Most appends in one group-commit statement. */
  APPEND_GROUP_MAX: z.coerce.number().int().min(1).max(1_000).default(64),
  /**
   * How long an idempotency key is kept: a retry within this window is answered from the
   * stored outcome, a later one is a new command. 0 keeps keys forever.
   */
  IDEMPOTENCY_RETENTION_HOURS: nonNegativeInt(168, 87_600),
  /** Time between two runs of the key pruning. */
  IDEMPOTENCY_PRUNE_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
  /** Events per stream between snapshots; 0 turns snapshots off. */
  SNAPSHOT_EVERY: nonNegativeInt(50, 100_000),
  /** Fresh attempts after an optimistic-concurrency conflict before answering 409 / ABORTED. */
  COMMAND_MAX_RETRIES: nonNegativeInt(5, 50),
  /** The simulated payment gateway: authorizations above this many minor units are declined. */
  PAYMENT_AMOUNT_LIMIT: nonNegativeInt(1_000_000, Number.MAX_SAFE_INTEGER),
  GATEWAY_LATENCY_MS: nonNegativeInt(0, 60_000),
  GATEWAY_ERROR_RATE: rate(0),
  GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(2_000),
  /**
   * `active`: voids of payments authorized with card token `tok_void_fails` fail with
   * GATEWAY_UNAVAILABLE, a compensation that keeps failing; `cleared`: the gateway has
   * recovered and voids them (restart the service with it to end the fault).
   */
  GATEWAY_VOID_FAULT: z.enum(['active', 'cleared']).default('active'),
  /** The simulated shipping carrier. */
  CARRIER_LATENCY_MS: nonNegativeInt(0, 60_000),
  CARRIER_ERROR_RATE: rate(0),
  CARRIER_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(2_000),
});

export type Config = z.infer<typeof configSpec>;
