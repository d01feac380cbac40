#!/usr/bin/env node
// Container healthcheck for images without curl: exits 0 only on a 2xx answer within the
// timeout, so a hung event loop counts as unhealthy rather than as a slow success.
// Usage: node deployments/docker/healthcheck.mjs http://127.0.0.1:8080/health/ready [timeoutMs]
const [url, timeoutArg] = process.argv.slice(2);
if (!url) {
  console.error('usage: healthcheck.mjs <url> [timeoutMs]');
  process.exit(2);
}
const timeoutMs = Number(timeoutArg ?? 3000);
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) console.error(`${url} answered ${res.status}`);
  process.exit(res.ok ? 0 : 1);
} catch (e) {
  console.error(`${url} failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
