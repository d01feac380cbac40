import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino, { type Logger } from 'pino';
import { lazyChild } from './request-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Record<string, unknown>);
      done();
    },
  });
  const parent = pino({ level, base: { service: 't' } }, sink);
  let children = 0;
  const child = parent.child.bind(parent);
  (parent as { child: Logger['child'] }).child = ((...args: Parameters<Logger['child']>) => {
    children += 1;
    return child(...args);
  }) as Logger['child'];
  return { parent, lines, children: () => children };
}

describe('lazyChild', () => {
  it('makes no child while it only gets lines below the level', () => {
    const { parent, lines, children } = capture('info');
    const log = lazyChild(parent, { commandId: 'c-1' });
    log.debug({ event: 'x' }, 'hidden');
    log.trace('hidden too');
    assert.equal(children(), 0);
    assert.equal(lines.length, 0);
  });

  it('writes lines at the levels that are on with the parent and its own bindings, from one child', () => {
    const { parent, lines, children } = capture('debug');
    const log = lazyChild(parent, { commandId: 'c-2', sagaId: 's-2' });
    log.debug({ event: 'saga.command_sent', attempt: 1 }, 'command accepted');
    log.warn({ event: 'saga.command_retry' }, 'retry');
    assert.equal(children(), 1);
    assert.deepEqual(
      lines.map((l) => [l.level, l.service, l.commandId, l.sagaId, l.event, l.msg]),
      [
        [20, 't', 'c-2', 's-2', 'saga.command_sent', 'command accepted'],
        [40, 't', 'c-2', 's-2', 'saga.command_retry', 'retry'],
      ],
    );
  });
});
