import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export type ChildService = Readonly<{ name: string; baseUrl: string; logFile: string; stop: () => Promise<void> }>;

/** A port nothing listens on right now (the documented ports may be held by a running system). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/**
 * Extra node flags for every service started here, for diagnostics only, e.g.
 * `BENCH_SERVICE_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof/{name}'`; `{name}` is the
 * service's name, so each one writes its own profile.
 */
const extraNodeFlags = (name: string): string[] =>
  (process.env.BENCH_SERVICE_NODE_FLAGS ?? '')
    .split(/\s+/)
    .filter((flag) => flag !== '')
    .map((flag) => flag.replaceAll('{name}', name));

const tail = (file: string, lines = 25) => readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');

async function waitReady(child: ChildProcess, url: string, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`${url}: the process exited during start; log ${logFile}:\n${tail(logFile)}`);
    const status = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await sleep(200);
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms; log ${logFile}:\n${tail(logFile)}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const gone = await Promise.race([done.then(() => true), sleep(15_000).then(() => false)]);
  if (!gone) {
    child.kill('SIGKILL');
    await done;
  }
}

/**
 * Runs a Node script as its own process (as in production, and so it never shares an
 * event loop with the load generator), writing its output straight to a log file, and
 * waits until `readyPath` answers 200. `stop` ends it with SIGTERM (its graceful shutdown)
 * and removes the log.
 */
export async function startNodeService(
  name: string,
  script: string,
  env: Readonly<Record<string, string>>,
  options: Readonly<{ port: number; readyPath: string; timeoutMs?: number }>,
): Promise<ChildService> {
  const logFile = path.join(tmpdir(), `orderflow-bench-${name}-${process.pid}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--enable-source-maps', ...extraNodeFlags(name), script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const baseUrl = `http://127.0.0.1:${options.port}`;
  try {
    await waitReady(child, `${baseUrl}${options.readyPath}`, logFile, options.timeoutMs ?? 30_000);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  // the log only matters when something went wrong, and then the error carries its tail
  const stop = () => stopChild(child).then(() => rmSync(logFile, { force: true }));
  return { name, baseUrl, logFile, stop };
}
