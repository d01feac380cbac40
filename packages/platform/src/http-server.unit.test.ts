import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createHttpServer } from './http-server.js';

type Line = { level: number; msg?: string; reqId?: string; event?: string; status?: number; url?: string; step?: string; name?: string };

function capturedLogger(level: string) {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  return { logger: pino({ level, name: 'svc' }, sink), lines };
}

async function serverWithRoutes(level: string) {
  const { logger, lines } = capturedLogger(level);
  const app = createHttpServer({ logger });
  app.get('/quiet', async () => ({ ok: true }));
  app.get('/chatty', async (req) => {
    req.log.debug({ step: 'debug' }, 'below info');
    req.log.info({ step: 'info' }, 'at info');
    req.log.child({ part: 'inner' }).warn({ step: 'child' }, 'from a child');
    return { ok: true };
  });
  app.get('/muted', { logLevel: 'warn' }, async (req) => {
    req.log.info({ step: 'info' }, 'muted by the route');
    req.log.error({ step: 'error' }, 'still written');
    return { ok: true };
  });
  app.get('/level', async (req) => ({ level: req.log.level }));
  app.get('/muted-level', { logLevel: 'error' }, async (req) => ({ level: req.log.level }));
  await app.ready();
  return { app, lines };
}

describe('request loggers', () => {
  it('write lines with the request id and the parent bindings, at the levels that are on', async () => {
    const { app, lines } = await serverWithRoutes('info');
    try {
      const res = await app.inject({ method: 'GET', url: '/chatty', headers: { 'x-request-id': 'req-1' } });
      assert.equal(res.statusCode, 200);
      const own = lines.filter((l) => l.step !== undefined);
      assert.deepEqual(
        own.map((l) => [l.step, l.level, l.reqId, l.name]),
        [
          ['info', 30, 'req-1', 'svc'],
          ['child', 40, 'req-1', 'svc'],
        ],
      );
      const done = lines.find((l) => l.event === 'http.request');
      assert.equal(done?.reqId, 'req-1');
      assert.equal(done?.status, 200);
      assert.equal(done?.url, '/chatty');
    } finally {
      await app.close();
    }
  });

  it("honour a route's log level and report it", async () => {
    const { app, lines } = await serverWithRoutes('info');
    try {
      await app.inject({ method: 'GET', url: '/muted', headers: { 'x-request-id': 'req-2' } });
      const own = lines.filter((l) => l.reqId === 'req-2');
      assert.deepEqual(
        own.map((l) => [l.step, l.level]),
        [['error', 50]],
        'the info lines of the route, its own and the completion line, are muted',
      );
      assert.deepEqual((await app.inject({ method: 'GET', url: '/level' })).json(), { level: 'info' });
      assert.deepEqual((await app.inject({ method: 'GET', url: '/muted-level' })).json(), { level: 'error' });
    } finally {
      await app.close();
    }
  });

  it('write every line at debug, and none below the service level', async () => {
    const debug = await serverWithRoutes('debug');
    try {
      await debug.app.inject({ method: 'GET', url: '/chatty', headers: { 'x-request-id': 'req-3' } });
      assert.deepEqual(
        debug.lines.filter((l) => l.step !== undefined).map((l) => l.step),
        ['debug', 'info', 'child'],
      );
    } finally {
      await debug.app.close();
    }
    const error = await serverWithRoutes('error');
    try {
      await error.app.inject({ method: 'GET', url: '/chatty' });
      await error.app.inject({ method: 'GET', url: '/quiet' });
      assert.deepEqual(error.lines, []);
    } finally {
      await error.app.close();
    }
  });
});
