import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envelope, envelopeJson, type Meta } from './envelope.js';

describe('envelope around stored JSON', () => {
  const data = { orderId: 'o-1', note: 'quote " and \\ backslash', version: 2 };

  it('is the same document as the envelope of the parsed data', () => {
    const metas: Meta[] = [
      { lastUpdated: '2024-05-01T10:05:00.000Z', version: 2, cached: true, stale: false },
      { lastUpdated: null, version: null, cached: false, stale: true },
      { lastUpdated: 'needs "escaping"', version: 0, cached: true, stale: true },
    ];
    for (const meta of metas) {
      assert.deepEqual(JSON.parse(envelopeJson(JSON.stringify(data), meta)), envelope(data, meta));
    }
  });

  it('carries the stored text unchanged', () => {
    const stored = ' { "orderId" : "o-1" } ';
    assert.ok(envelopeJson(stored, { lastUpdated: null, version: 1, cached: true, stale: false }).startsWith(`{"data":${stored},`));
  });
});
