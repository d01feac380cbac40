import { z } from 'zod';
import { baseConfigShape, brokerList, hostPort, httpUrl, port, postgresUrl } from '@orderflow/platform';

const ms = (fallback: number, min = 1, max = 86_400_000) => z.coerce.number().int().min(min).max(max).default(fallback);
const count = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** Every key is an environment variable the saga orchestrator reads. */
export const configSpec = z
  .object({
    ...baseConfigShape,
    // admin API (/api/v1/admin/sagas) and ops routes
    HTTP_PORT: port(9102),
    DATABASE_URL: postgresUrl(),
    // the consumer's partitions at once, the dispatcher's answers and the timer share it
    PG_POOL_MAX: count(12, 2, 200),
    KAFKA_BROKERS: brokerList(),
    SCHEMA_REGISTRY_URL: httpUrl(),
    // isolates a test run's topics from a running system's on the same broker
    KAFKA_TOPIC_PREFIX: z.string().regex(/^[\w.-]*$/).default(''),
    // `saga` in production; tests isolate their runs with their own group id
    KAFKA_CONSUMER_GROUP: z.string().regex(/^[\w.-]+$/).default('saga'),
    // a killed instance's partitions (and the answers waiting on them) stay unread this long;
    // the broker's minimum is 6 s
    KAFKA_SESSION_TIMEOUT_MS: ms(10_000, 6_000, 300_000),
    KAFKA_HEARTBEAT_INTERVAL_MS: ms(3_000, 100, 100_000),
    // partitions whose batches are taken at once; they share one transaction, so this
    // costs no connections: enough to take every partition's batch of a fetch round
    SAGA_CONSUMER_CONCURRENCY: count(32, 1, 256),
    // a fetch is answered once this much is waiting or SAGA_FETCH_MAX_WAIT_MS has passed:
    // under load the orchestrator takes events in fewer, larger batches (fewer transactions,
    // fetches and wake-ups per saga), at the price of at most that wait per event
    SAGA_FETCH_MIN_BYTES: count(16_384, 1, 10_485_760),
    SAGA_FETCH_MAX_WAIT_MS: ms(25, 1, 10_000),
    COMMAND_GRPC_URL: hostPort(),
    // a step without an answer for this long fails and the saga compensates
    SAGA_STEP_TIMEOUT_MS: ms(30_000, 100),
    // tries of a forward command on transient failures before its step fails
    SAGA_RETRY_BUDGET: count(5, 1, 100),
    SAGA_BACKOFF_BASE_MS: ms(200),
    SAGA_BACKOFF_MAX_MS: ms(10_000),
    // one call to the command service; also the gRPC deadline
    SAGA_COMMAND_TIMEOUT_MS: ms(5_000, 50, 120_000),
    SAGA_BREAKER_ERROR_PERCENT: count(50, 1, 100),
    SAGA_BREAKER_VOLUME_THRESHOLD: count(10, 1, 10_000),
    SAGA_BREAKER_RESET_MS: ms(5_000),
    SAGA_BREAKER_WINDOW_MS: ms(10_000, 100),
    SAGA_DEADLINE_POLL_MS: ms(500, 10, 60_000),
    // on start, once the consumer has its partitions, every deadline is at least this far away
    SAGA_RESTART_GRACE_MS: ms(10_000, 0),
    // a passed deadline waits while the consumer group may still hold its answer unread, at
    // most this long; 0 fires deadlines by the clock alone
    SAGA_DEADLINE_MAX_DEFER_MS: ms(30_000, 0),
    SAGA_DISPATCH_POLL_MS: ms(250, 10, 60_000),
    SAGA_DISPATCH_CONCURRENCY: count(16, 1, 1_000),
    // running or compensating without a change for this long counts as stuck (metric saga_stuck)
    SAGA_STUCK_AFTER_MS: ms(60_000, 1_000),
    // tries of a Kafka message that keeps failing before it is parked in the dead-letter topic
    SAGA_MESSAGE_MAX_ATTEMPTS: count(5, 1, 100),
    // consumed-event dedupe rows older than this are deleted (0 keeps them forever)
    SAGA_DEDUPE_RETENTION_HOURS: count(168, 0, 87_600),
    SAGA_DEDUPE_PRUNE_INTERVAL_MS: ms(60_000, 1_000),
  })
  .refine((c) => c.SAGA_BACKOFF_BASE_MS <= c.SAGA_BACKOFF_MAX_MS, {
    path: ['SAGA_BACKOFF_BASE_MS'],
    message: 'must not exceed SAGA_BACKOFF_MAX_MS',
  })
  // the broker counts a member dead after one session without a heartbeat: several must fit
  .refine((c) => c.KAFKA_HEARTBEAT_INTERVAL_MS * 3 <= c.KAFKA_SESSION_TIMEOUT_MS, {
    path: ['KAFKA_HEARTBEAT_INTERVAL_MS'],
    message: 'must be at most a third of KAFKA_SESSION_TIMEOUT_MS',
  });

export type Config = z.infer<typeof configSpec>;
