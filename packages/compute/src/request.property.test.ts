/**
 * Properties of the request parsers (outside input from the CLI and HTTP): any text either
 * parses or fails with an InvalidRequestError naming the parameter — nothing else escapes —
 * and one store set gives one canonical form whatever the order, duplicates or spacing.
 */
import { storeSetId } from '@prewarm/redis';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './errors.js';
import { parseDateRange, parseStoreSelection } from './request.js';

const storeId = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/).filter((s) => s !== 'all');
const date = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

describe('parseStoreSelection (property)', () => {
  it('accepts any text or refuses it with an InvalidRequestError naming the parameter', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        try {
          const parsed = parseStoreSelection(text, 'stores');
          expect(parsed === 'all' || parsed.length > 0).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidRequestError);
          expect((err as InvalidRequestError).parameter).toBe('stores');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same canonical set, and the same key, whatever the order, duplicates and spaces', () => {
    fc.assert(
      fc.property(fc.array(storeId, { minLength: 1, maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), (ids, extra) => {
        const shuffled = [...ids, ...extra.map((i) => ids[i % ids.length]!)].reverse();
        const a = parseStoreSelection(ids.join(','));
        const b = parseStoreSelection(shuffled.map((id) => ` ${id} `).join(','));
        expect(b).toEqual(a);
        expect(storeSetId(b)).toBe(storeSetId(a));
        expect(a).toEqual([...new Set(ids)].sort());
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseDateRange (property)', () => {
  it('accepts any pair of texts or refuses it with an InvalidRequestError naming from or to', () => {
    fc.assert(
      fc.property(fc.oneof(date, fc.string({ maxLength: 12 })), fc.oneof(date, fc.string({ maxLength: 12 })), (from, to) => {
        try {
          const range = parseDateRange(from, to, 366);
          expect(range).toEqual({ from, to });
          expect(from <= to).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidRequestError);
          expect(['from', 'to']).toContain((err as InvalidRequestError).parameter);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
