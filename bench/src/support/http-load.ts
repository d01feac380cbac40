import autocannon, { type Request } from 'autocannon';
import type { Measurement } from './measurement.js';

export type HttpTarget = Readonly<{
  baseUrl: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Readonly<Record<string, string>>;
  body?: string;
  /** Called before every request, e.g. for a unique idempotency key. */
  perRequest?: (request: Request) => Request;
}>;

export type HttpLoadOptions = Readonly<{ connections: number; seconds: number }>;

/**
 * autocannon against one route. Latencies are taken from every response (float
 * milliseconds, not the histogram's whole ones) so small servers' p99s stay comparable.
 * Any non-2xx answer or connection error fails the run: a rate of errors is not a rate.
 */
export async function runHttpLoad(target: HttpTarget, options: HttpLoadOptions): Promise<Measurement> {
  const latenciesMs: number[] = [];
  const instance = autocannon({
    url: target.baseUrl,
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
    requests: [
      {
        method: target.method,
        path: target.path,
        headers: { 'content-type': 'application/json', ...target.headers },
        ...(target.body === undefined ? {} : { body: target.body }),
        ...(target.perRequest === undefined ? {} : { setupRequest: target.perRequest }),
      },
    ],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode >= 200 && statusCode < 300) latenciesMs.push(responseTimeMs);
  });
  const result = await instance;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${target.method} ${target.baseUrl}${target.path}: ${result.non2xx} non-2xx answers, ${result.errors} errors ` +
        `(${result.timeouts} timeouts); status counts ${JSON.stringify(result.statusCodeStats)}`,
    );
  }
  return { ops: latenciesMs.length, seconds: result.duration, latenciesMs };
}
