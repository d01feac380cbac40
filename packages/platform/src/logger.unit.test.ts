import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { LOG_FLUSH_MS } from './logger.js';

const loggerUrl = new URL('./logger.js', import.meta.url).href;

/** Runs `body` in a child process with `log` (a logger of the service `t`) and collects its stdout. */
function child(body: string) {
  const script = `import(${JSON.stringify(loggerUrl)}).then(({ createLogger, flushLogs }) => { const log = createLogger('t', 'info'); ${body} });`;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: { msg: string; at: number }[] = [];
  let partial = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) lines.push({ msg: (JSON.parse(p) as { msg: string }).msg, at: Date.now() });
  });
  // 'close': the process ended and its stdout was read to the end
  const exited = new Promise<number | null>((resolve) => proc.once('close', (code) => resolve(code)));
  return { lines, exited, kill: () => proc.kill('SIGKILL') };
}

describe('logger', () => {
  it('writes a lone line of an idle process within the flush interval, not only once 4 KiB are buffered', async () => {
    const c = child(`log.info('alone'); setInterval(() => {}, 1000);`);
    const started = Date.now();
    while (c.lines.length === 0 && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 10));
    c.kill();
    assert.deepEqual(c.lines.map((l) => l.msg), ['alone']);
    // the child's start-up is included: generous, but far below "never"
    assert.ok((c.lines[0]?.at ?? Infinity) - started < 2_000 + LOG_FLUSH_MS);
  });

  for (const [how, ending] of [
    ['a natural exit', ''],
    ['process.exit after flushLogs, as the shutdown does', 'flushLogs().then(() => process.exit(0));'],
  ] as const) {
    it(`writes every line, in order, on ${how}`, async () => {
      const c = child(`for (let i = 0; i < 200; i++) log.info('line ' + i); ${ending}`);
      assert.equal(await c.exited, 0);
      assert.deepEqual(
        c.lines.map((l) => l.msg),
        Array.from({ length: 200 }, (_, i) => `line ${i}`),
      );
    });
  }
});
