/** A dependency the service needs to do its work; ready only when every check passes. */
export type HealthCheck = Readonly<{ name: string; check: () => Promise<unknown> }>;

export type HealthReport = {
  status: 'ok' | 'unavailable';
  checks: Record<string, { status: 'ok' | 'failed'; error?: string; ms: number }>;
};

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });

export async function runHealthChecks(checks: readonly HealthCheck[], timeoutMs = 2_000): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      const started = performance.now();
      try {
        await withTimeout(check(), timeoutMs);
        return [name, { status: 'ok' as const, ms: Math.round(performance.now() - started) }] as const;
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        return [name, { status: 'failed' as const, error, ms: Math.round(performance.now() - started) }] as const;
      }
    }),
  );
  const failed = results.some(([, r]) => r.status === 'failed');
  return { status: failed ? 'unavailable' : 'ok', checks: Object.fromEntries(results) };
}
