import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { repoRoot } from './support/env.js';
import { run } from './support/process.js';

// Only the variables a shell always has: everything a service needs is missing or bad.
const bareEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };

const cases: ReadonlyArray<{ service: string; env: Record<string, string>; bad: readonly string[] }> = [
  { service: 'command', env: { HTTP_PORT: 'eighty', DATABASE_URL: 'mysql://x' }, bad: ['HTTP_PORT', 'DATABASE_URL'] },
  { service: 'query', env: { LOG_LEVEL: 'loud' }, bad: ['LOG_LEVEL', 'DATABASE_URL', 'REDIS_URL'] },
  {
    service: 'projection',
    env: { KAFKA_BROKERS: 'not a broker', SCHEMA_REGISTRY_URL: 'ftp://registry' },
    bad: ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL'],
  },
  { service: 'outbox-relay', env: { HTTP_PORT: '70000' }, bad: ['HTTP_PORT', 'DATABASE_URL', 'KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL'] },
  {
    service: 'saga-orchestrator',
    env: { COMMAND_GRPC_URL: 'http://nope', SHUTDOWN_TIMEOUT_MS: '-5' },
    bad: ['COMMAND_GRPC_URL', 'SHUTDOWN_TIMEOUT_MS', 'DATABASE_URL', 'KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL'],
  },
];

describe('a service started with missing or malformed environment variables', () => {
  for (const { service, env, bad } of cases) {
    it(`${service} exits non-zero with one message naming every bad variable`, async () => {
      const main = path.join(repoRoot, 'services', service, 'dist', 'main.js');
      const result = await run(process.execPath, [main], { env: { ...bareEnv, ...env }, timeoutMs: 20_000 });
      assert.equal(result.code, 1, `exit code; stderr: ${result.stderr}`);
      const lines = result.stderr.trim().split('\n').filter((l) => !l.startsWith('(node:') && !l.includes('--trace-warnings'));
      assert.equal(lines.length, 1, `one message, got:\n${result.stderr}`);
      const message = lines[0] ?? '';
      assert.match(message, new RegExp(`^${service}: invalid configuration`));
      for (const name of bad) assert.ok(message.includes(name), `${name} is named in: ${message}`);
    });
  }

  it('starts no further than the config check (no listening, no stack trace)', async () => {
    const main = path.join(repoRoot, 'services', 'query', 'dist', 'main.js');
    const result = await run(process.execPath, [main], { env: bareEnv, timeoutMs: 20_000 });
    assert.equal(result.code, 1);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    assert.doesNotMatch(result.stdout, /listening/i);
  });
});
