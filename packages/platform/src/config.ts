import { z } from 'zod';

/**
 * Configuration comes only from environment variables, validated once at start. Every
 * problem is reported in one message so an operator fixes them all in one go.
 */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(service: string, problems: readonly string[]) {
    super(`${service}: invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Variables every service reads. */
export const baseConfigShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  SERVICE_NAME: z.string().min(1).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
};

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback);

export const postgresUrl = () =>
  z.string().refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v), 'must be a postgres:// URL');

export const redisUrl = () =>
  z.string().refine((v) => /^rediss?:\/\/[^\s]+$/.test(v) && URL.canParse(v), 'must be a redis:// URL');

/** Comma-separated host:port list. */
export const brokerList = () =>
  z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .refine((l) => l.length > 0 && l.every((b) => /^[\w.-]+:\d{1,5}$/.test(b)), 'must be a comma-separated list of host:port');

export const httpUrl = () => z.url({ protocol: /^https?$/ });

export const hostPort = () => z.string().regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port');

/**
 * Parses `env` against `spec`. Unknown variables are ignored (the process environment
 * holds many); a missing or malformed one is named with the reason.
 */
export function loadConfig<S extends z.ZodRawShape>(
  service: string,
  spec: z.ZodObject<S>,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.infer<z.ZodObject<S>>> {
  // empty strings count as unset so `FOO=` behaves like a missing FOO
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = spec.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const name = i.path.join('.') || '(root)';
      const reason = i.code === 'invalid_type' && cleaned[name] === undefined ? 'is required' : i.message;
      return `${name} ${reason}`;
    });
    throw new ConfigError(service, problems);
  }
  return Object.freeze(result.data);
}
