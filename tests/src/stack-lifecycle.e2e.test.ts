import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { repoRoot } from './support/env.js';
import { run } from './support/process.js';

/**
 * `make start` / `make stop` on an isolated copy of the whole stack: its own storage
 * folder, its own databases and every port shifted by 1000, so it runs beside a
 * system (or a test run) that already holds the documented ports.
 */
const offset = 1000;
const home = path.join(repoRoot, '.local', 'stack-test');
const ports = {
  command: 8080 + offset,
  query: 8081 + offset,
  projection: 8082 + offset,
  'outbox-relay': 9101 + offset,
  'saga-orchestrator': 9102 + offset,
  kafka: 9092 + offset,
  registry: 8091 + offset,
};
const processes = ['kafka', 'registry', 'command', 'outbox-relay', 'projection', 'query', 'saga-orchestrator'];

const env = (() => {
  const e: NodeJS.ProcessEnv = { ...process.env };
  // the test runner's own infrastructure settings must not leak into the isolated copy
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'COMMAND_GRPC_URL', 'KAFKA_TOPIC_PREFIX', 'HTTP_PORT', 'GRPC_PORT']) {
    delete e[k];
  }
  return { ...e, ORDERFLOW_HOME: home, PORT_OFFSET: String(offset), DB_NAME: 'orderflow_stacktest', REGISTRY_DB: 'apicurio_stacktest' };
})();

const stack = (cmd: string) => run('bash', ['scripts/stack.sh', cmd], { cwd: repoRoot, env, timeoutMs: 300_000 });

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const pidOf = (name: string): number | undefined => {
  const file = path.join(home, 'run', `${name}.pid`);
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;
};

const alive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function assertAllReady() {
  for (const [name, port] of Object.entries(ports)) {
    if (name === 'kafka' || name === 'registry') {
      assert.ok(await portOpen(port), `${name} listens on ${port}`);
      continue;
    }
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
    assert.equal(res.status, 200, `${name} is ready`);
  }
}

async function assertAllStopped(pids: ReadonlyMap<string, number | undefined>) {
  for (const [name, pid] of pids) assert.ok(!alive(pid), `${name} (pid ${pid}) is gone`);
  for (const [name, port] of Object.entries(ports)) assert.equal(await portOpen(port), false, `${name} port ${port} is closed`);
}

describe('make start / make stop', { timeout: 900_000 }, () => {
  after(async () => {
    await stack('down');
  });

  it('starts, refuses a second copy, stops with nothing left behind, twice in a row', async (t) => {
    for (const round of [1, 2]) {
      const started = performance.now();
      const up = await stack('up');
      assert.equal(up.code, 0, `round ${round} up failed:\n${up.stdout}\n${up.stderr}`);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      t.diagnostic(`stack start round ${round}: ${seconds} s`);
      await assertAllReady();

      const pids = new Map(processes.map((p) => [p, pidOf(p)] as const));
      for (const [name, pid] of pids) assert.ok(alive(pid), `${name} runs`);

      const again = await stack('up');
      assert.equal(again.code, 0);
      assert.match(again.stdout, /already running/);
      for (const [name, pid] of pids) assert.equal(pidOf(name), pid, `${name} was not started twice`);

      const down = await stack('down');
      assert.equal(down.code, 0, down.stderr);
      // every process stopped on SIGTERM by itself; none needed SIGKILL
      assert.doesNotMatch(down.stdout, /killing it/, down.stdout);
      await assertAllStopped(pids);
    }
  });
});
