import { randomUUID } from 'node:crypto';
import http from 'node:http';

/**
 * POSTs JSON over kept-alive connections with node:http. The load generator shares the
 * machine with what it measures: `fetch` spends several times the CPU per request
 * (WHATWG streams and headers objects), and that CPU would be taken from the system.
 */
export function createJsonPoster(maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return {
    /** Resolves with the parsed body of a 202; anything else rejects with the answer. */
    accepted(target: string, body: unknown): Promise<Record<string, unknown>> {
      const payload = Buffer.from(JSON.stringify(body));
      return new Promise((resolve, reject) => {
        const req = http.request(
          target,
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': payload.length, 'idempotency-key': randomUUID() },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', reject);
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              if (res.statusCode !== 202) reject(new Error(`POST ${target} answered ${res.statusCode}: ${text.slice(0, 300)}`));
              else {
                try {
                  resolve(JSON.parse(text) as Record<string, unknown>);
                } catch (error) {
                  reject(error instanceof Error ? error : new Error(String(error)));
                }
              }
            });
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

export type JsonPoster = ReturnType<typeof createJsonPoster>;
