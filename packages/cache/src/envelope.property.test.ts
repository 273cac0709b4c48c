/**
 * Properties of the stored-entry envelope: decoding arbitrary bytes never throws anything but
 * a CorruptEntryError and never hands back a payload other than the one encoded; a single
 * flipped byte anywhere in an entry is detected.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from './envelope.js';
import { CorruptEntryError } from './errors.js';

const header = fc.record({
  layoutId: fc.integer({ min: 0, max: 255 }),
  codecId: fc.integer({ min: 0, max: 255 }),
  createdAt: fc.integer({ min: 0, max: 2 ** 47 }),
  watermark: fc.integer({ min: -1, max: 2 ** 47 }),
  rawLength: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

describe('envelope (property)', () => {
  it('decodes what it encodes, exactly', () => {
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 512 }), (h, payload) => {
        const { header: back, payload: bytes } = decodeEnvelope(encodeEnvelope(h, payload));
        expect(back).toEqual(h);
        expect(Buffer.compare(bytes, Buffer.from(payload))).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('meets arbitrary bytes with a CorruptEntryError or a checksummed entry, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        try {
          decodeEnvelope(Buffer.from(bytes));
        } catch (err) {
          expect(err).toBeInstanceOf(CorruptEntryError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('detects any single flipped byte of an entry', () => {
    fc.assert(
      fc.property(header, fc.uint8Array({ minLength: 1, maxLength: 256 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (h, payload, at, xor) => {
        const entry = encodeEnvelope(h, payload);
        const i = at % entry.length;
        entry[i] = entry[i]! ^ xor;
        let decoded: ReturnType<typeof decodeEnvelope> | undefined;
        try {
          decoded = decodeEnvelope(entry);
        } catch (err) {
          expect(err).toBeInstanceOf(CorruptEntryError);
          return;
        }
        // Only a header field the checksum does not cover may change (e.g. a timestamp byte): the payload is intact.
        expect(Buffer.compare(decoded.payload, Buffer.from(payload))).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });
});
