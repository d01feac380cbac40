import { z } from 'zod';
import { baseConfigShape, port, postgresUrl, redisUrl } from '@orderflow/platform';

/** Every key is an environment variable the query service reads. */
export const configSpec = z.object({
  ...baseConfigShape,
  HTTP_PORT: port(8081),
  DATABASE_URL: postgresUrl(),
  REDIS_URL: redisUrl(),
});

export type Config = z.infer<typeof configSpec>;
