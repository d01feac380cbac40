import { loadConfig } from '@orderflow/platform/config';
import { z } from 'zod';
import { benchConfigSpec } from '../support/bench-config.js';

const seconds = (fallback: number) => z.coerce.number().min(0.5).max(600).default(fallback);

/** The knobs every suite reads, plus the broker, the registry and the shape of the lag run. */
export const lagBenchConfigSpec = benchConfigSpec.extend({
  // handed to the services as they are: they validate them at start
  KAFKA_BROKERS: z.string().regex(/^[\w.-]+:\d{1,5}(,[\w.-]+:\d{1,5})*$/).default('127.0.0.1:9092'),
  SCHEMA_REGISTRY_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8091/apis/ccompat/v7'),
  /** The closed-loop burst that finds the highest CreateOrder rate of this run. */
  BENCH_LAG_PROBE_SECONDS: seconds(4),
  /** The steady load measured, over all rounds together (and as long again for the Kafka baseline). */
  BENCH_LAG_SECONDS: seconds(20),
  /** The steady load's share of the probed maximum rate. */
  BENCH_LAG_LOAD_FRACTION: z.coerce.number().gt(0).max(1).default(0.5),
  /** Share of the steady load's orders also read back through the query API with minVersion. */
  BENCH_LAG_READ_SHARE: z.coerce.number().min(0).max(1).default(0.1),
  /** Longest one order may take to become visible before the suite gives up on the pipeline. */
  BENCH_LAG_VISIBLE_TIMEOUT_SECONDS: seconds(30),
});

export type LagBenchConfig = z.infer<typeof lagBenchConfigSpec>;

export const loadLagBenchConfig = (): LagBenchConfig => loadConfig('bench', lagBenchConfigSpec);
