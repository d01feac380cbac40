import { loadConfig } from '@orderflow/platform/config';
import { z } from 'zod';
import { benchConfigSpec } from '../support/bench-config.js';

const count = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** The knobs every suite reads, plus the broker, the registry and the saga load. */
export const sagaBenchConfigSpec = benchConfigSpec.extend({
  // handed to the services as they are: they validate them at start
  KAFKA_BROKERS: z.string().regex(/^[\w.-]+:\d{1,5}(,[\w.-]+:\d{1,5})*$/).default('127.0.0.1:9092'),
  SCHEMA_REGISTRY_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8091/apis/ccompat/v7'),
  /** Sagas measured over all rounds together (the 2,000), split evenly between the rounds. */
  BENCH_SAGA_ORDERS: count(2_000, 10, 1_000_000),
  /**
   * Sagas in flight at once: customers that each wait for their saga before ordering
   * again. 32: a saga is five hops through the relay, Kafka and the orchestrator, and with
   * fewer in flight its rate says more about that latency than about the throughput the
   * reference is measured at (16 gave 0.35-0.39 of the reference where 32 gave 0.40-0.47,
   * and 48 or more gave no further gain). The reference runs with the same number of
   * clients, on at most 20 connections.
   */
  BENCH_SAGA_CONCURRENCY: count(32, 1, 512),
  /**
   * Sagas each contender runs before the measured rounds, as many as are measured. The
   * system starts cold: three Node processes and the broker's JVM compile their hot paths
   * as they go. In consecutive blocks of 600 sagas the first ran at about 100 sagas/s and
   * the next ones at 115-135; with a broker just started, the first round after 800
   * warm-up sagas still ran at 102 against 114-124 for the others. The reference, one
   * client process, is warm within a few dozen.
   */
  BENCH_SAGA_WARMUP_ORDERS: count(2_000, 0, 1_000_000),
});

export type SagaBenchConfig = z.infer<typeof sagaBenchConfigSpec>;

export const loadSagaBenchConfig = (): SagaBenchConfig => loadConfig('bench', sagaBenchConfigSpec);
