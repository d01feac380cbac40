import { z } from 'zod';
import { baseConfigShape, brokerList, httpUrl, postgresUrl } from '@orderflow/platform';

/** Fault hooks exist for failure tests only; `none` is the only value for real deployments. */
export const relayFaults = ['none', 'kill-after-publish'] as const;
export type RelayFault = (typeof relayFaults)[number];

const millis = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** Every key is an environment variable the outbox relay reads. */
export const configSpec = z.object({
  ...baseConfigShape,
  // 0 picks an ephemeral port (tests run several relays side by side)
  HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(9101),
  DATABASE_URL: postgresUrl(),
  KAFKA_BROKERS: brokerList(),
  SCHEMA_REGISTRY_URL: httpUrl(),
  // isolates a test run's topics from a running system's on the same broker
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[\w.-]*$/).default(''),
  // outbox rows read, encoded and sent per round trip; a full batch loops without waiting
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  // fallback when a NOTIFY is missed: bounds the extra publish lag, not the usual one
  RELAY_POLL_INTERVAL_MS: millis(10, 600_000, 1_000),
  // after a partial batch, how long its sent rows may wait for the next wake-up's read to
  // delete them (one read instead of two under load); 0 deletes them at once
  RELAY_SETTLE_MS: millis(0, 10_000, 100),
  // how often a relay rebalances partitions and retries the locks it does not hold
  RELAY_LOCK_INTERVAL_MS: millis(50, 60_000, 2_000),
  RELAY_DEPTH_SAMPLE_MS: millis(100, 600_000, 5_000),
  // test-only: `kill-after-publish` SIGKILLs the process after the broker acked a batch
  // and before its outbox rows are deleted
  RELAY_FAULT: z.enum(relayFaults).default('none'),
});

export type Config = z.infer<typeof configSpec>;
