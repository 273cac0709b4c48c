/**
 * Properties of the access-log entry (read back by every analyzer from a shared stream):
 * decoding any text never throws — it is an entry or null — and an encoded entry decodes to
 * itself.
 */
import { LEVELS } from '@prewarm/redis';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAccessEntry, encodeAccessEntry } from './access-log.js';

const entry = fc.record({
  level: fc.constantFrom(...LEVELS),
  hit: fc.boolean(),
  tier: fc.constantFrom('l4' as const, 'redis' as const, 'stale' as const, 'compute' as const),
  reads: fc.integer({ min: 1, max: 1_000_000 }),
  latencyUs: fc.integer({ min: 0, max: 10_000_000 }),
  at: fc.integer({ min: 0, max: 2 ** 45 }),
  from: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  to: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  stores: fc.oneof(fc.constant('all'), fc.array(fc.stringMatching(/^[A-Za-z0-9_-]{1,10}$/), { minLength: 1, maxLength: 8 }).map((a) => a.join(','))),
});

describe('access entry (property)', () => {
  it('decodes what it encodes', () => {
    fc.assert(
      fc.property(entry, (e) => {
        expect(decodeAccessEntry(encodeAccessEntry(e))).toEqual(e);
      }),
      { numRuns: 1000 },
    );
  });

  it('meets any text with an entry or null, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 120 }), entry.map((e) => encodeAccessEntry(e)).chain((s) => fc.nat(s.length).map((n) => s.slice(0, n)))), (text) => {
        const decoded = decodeAccessEntry(text);
        if (decoded) expect(decoded.reads).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 3000 },
    );
  });
});
