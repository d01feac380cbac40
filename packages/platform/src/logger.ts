import { pino, type Logger } from 'pino';

export type { Logger };

/** Secrets never reach a log line, whatever object they hide in. */
const redact = {
  paths: [
    'password',
    '*.password',
    'req.headers.authorization',
    'req.headers.cookie',
    'headers.authorization',
    'paymentMethod.token',
    '*.paymentMethod.token',
    'connectionString',
    '*.connectionString',
  ],
  censor: '[redacted]',
};

export function createLogger(service: string, level: string): Logger {
  return pino({
    name: service,
    level,
    redact,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
