import type { z } from 'zod';
import { loadConfig, type baseConfigShape } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createMetricsRegistry, type MetricsRegistry } from './metrics.js';
import { startTracing } from './tracing.js';

type BaseConfig = { [K in keyof typeof baseConfigShape]: z.infer<(typeof baseConfigShape)[K]> };

export type Runtime<C> = Readonly<{
  config: C;
  logger: Logger;
  metrics: MetricsRegistry;
  tracing: { shutdown: () => Promise<void> };
}>;

/**
 * The first lines of every main.ts: validated config (throws ConfigError naming every
 * bad variable), logger, metrics registry and tracing.
 */
export function createRuntime<S extends z.ZodRawShape>(service: string, spec: z.ZodObject<S>): Runtime<Readonly<z.infer<z.ZodObject<S>>>> {
  const config = loadConfig(service, spec);
  const base = config as unknown as BaseConfig;
  const name = base.SERVICE_NAME ?? service;
  const logger = createLogger(name, base.LOG_LEVEL);
  const tracing = startTracing(name, base.OTEL_EXPORTER_OTLP_ENDPOINT);
  const metrics = createMetricsRegistry(name);
  return { config, logger, metrics, tracing };
}
