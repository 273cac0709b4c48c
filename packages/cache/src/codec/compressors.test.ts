import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { COMPRESSOR_IDS, type Compressor, identityCompressor } from './compressor.js';
import { compressorById, compressorByName } from './compressor-registry.js';
import { CodecError, CodecUnavailableError, CorruptPayloadError, UnknownCodecError } from './errors.js';
import { brotliCompressor, gzipCompressor } from './zlib-compressors.js';
import { zstdAvailable, zstdCompressor } from './zstd-compressor.js';

const COMPRESSORS: Compressor[] = [
  identityCompressor,
  gzipCompressor(1),
  gzipCompressor(6),
  gzipCompressor(9),
  brotliCompressor(4),
  brotliCompressor(5),
  zstdCompressor(1),
  zstdCompressor(3),
];

const text = Buffer.from('{"store_id":"S001","orders":12,"by_channel":{"美团":{"orders":7}}}'.repeat(500));
const PAYLOADS: [string, Uint8Array][] = [
  ['empty', new Uint8Array(0)],
  ['one byte', Uint8Array.of(0x7f)],
  ['repetitive JSON, 34 KB', text],
  ['random 64 KB', randomBytes(65_536)],
  ['1 MB of one byte', new Uint8Array(1_000_000).fill(7)],
  ['a view into a larger buffer', new Uint8Array(text.buffer, text.byteOffset + 3, 1000)],
];

describe('compressors', () => {
  it('has the zstd binding in this build (zstd-napi is a dependency)', () => {
    expect(zstdAvailable()).toBe(true);
  });

  describe.each(COMPRESSORS.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    it.each(PAYLOADS)('round-trips %s, sync and async', async (_name, data) => {
      const packed = c.compress(data);
      expect(Buffer.isBuffer(packed)).toBe(true);
      expect(c.decompress(packed).equals(Buffer.from(data))).toBe(true);
      const packedAsync = await c.compressAsync(data);
      expect((await c.decompressAsync(packedAsync)).equals(Buffer.from(data))).toBe(true);
      expect(c.decompress(packedAsync).equals(Buffer.from(data))).toBe(true);
    });

    it('is read back by the registry instance of its id, whatever the level', () => {
      const packed = c.compress(text);
      expect(compressorById(c.id).name).toBe(c.name);
      expect(compressorById(c.id).decompress(packed).equals(text)).toBe(true);
    });

    it('does not share its output with the input buffer', () => {
      const input = Buffer.from('abc');
      const packed = c.compress(input);
      input.fill(0);
      expect(c.decompress(packed).toString()).toBe('abc');
    });
  });

  it('shrinks repetitive data', () => {
    for (const c of COMPRESSORS.filter((x) => x.name !== 'identity')) {
      expect(c.compress(text).length, c.label).toBeLessThan(text.length / 10);
    }
  });

  it('labels each compressor with its name and level', () => {
    expect(COMPRESSORS.map((c) => c.label)).toEqual(['identity', 'gzip-1', 'gzip-6', 'gzip-9', 'brotli-4', 'brotli-5', 'zstd-1', 'zstd-3']);
    expect(gzipCompressor().level).toBe(6);
    expect(brotliCompressor().level).toBe(5);
    expect(zstdCompressor().level).toBe(3);
  });

  it('says which async methods leave the event loop', () => {
    expect(gzipCompressor().offloaded).toBe(true);
    expect(brotliCompressor().offloaded).toBe(true);
    expect(zstdCompressor().offloaded).toBe(false);
    expect(identityCompressor.offloaded).toBe(false);
  });

  it('refuses levels outside each format', () => {
    expect(() => gzipCompressor(0)).toThrow(RangeError);
    expect(() => gzipCompressor(10)).toThrow(RangeError);
    expect(() => gzipCompressor(1.5)).toThrow(RangeError);
    expect(() => brotliCompressor(12)).toThrow(RangeError);
    expect(() => zstdCompressor(0)).toThrow(RangeError);
    expect(() => zstdCompressor(20)).toThrow(RangeError);
  });
});

describe('corrupt compressed input', () => {
  const original = Buffer.from(JSON.stringify({ values: Array.from({ length: 2000 }, (_, i) => i * 7) }));
  const formats = COMPRESSORS.filter((c) => c.name !== 'identity');

  describe.each(formats.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    const packed = c.compress(original);

    it('rejects truncation with CorruptPayloadError, sync and async', async () => {
      for (const cut of [0, 1, Math.floor(packed.length / 2), packed.length - 1]) {
        const truncated = packed.subarray(0, cut);
        expect(() => c.decompress(truncated), `cut at ${cut}`).toThrow(CorruptPayloadError);
        await expect(c.decompressAsync(truncated), `cut at ${cut}`).rejects.toThrow(CorruptPayloadError);
      }
    });

    it('rejects bytes of another format', () => {
      expect(() => c.decompress(Buffer.from('{"not":"compressed"}'))).toThrow(CorruptPayloadError);
    });

    it('names the compressor in the error', () => {
      expect(() => c.decompress(packed.subarray(0, 1))).toThrow(new RegExp(`corrupt ${c.label} payload`));
    });
  });

  it('catches a flipped content byte in gzip (its CRC-32)', () => {
    const packed = Buffer.from(gzipCompressor(6).compress(original));
    packed[packed.length - 9]! ^= 0xff; // inside the stored CRC-32
    expect(() => gzipCompressor(6).decompress(packed)).toThrow(CorruptPayloadError);
  });
});

describe('compressor registry', () => {
  it('maps every stored id to its compressor', () => {
    for (const [name, id] of Object.entries(COMPRESSOR_IDS)) {
      expect(compressorById(id).name).toBe(name);
      expect(compressorById(id).id).toBe(id);
    }
    expect(COMPRESSOR_IDS).toEqual({ identity: 0, gzip: 1, brotli: 2, zstd: 3 });
  });

  it('turns an unknown id into UnknownCodecError, a CodecError', () => {
    for (const id of [4, 255, -1, 1.5, Number.NaN]) {
      expect(() => compressorById(id)).toThrow(UnknownCodecError);
      expect(() => compressorById(id)).toThrow(CodecError);
    }
    const error = (() => {
      try {
        compressorById(200);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ kind: 'compressor', key: 200, message: 'unknown compressor id 200' });
  });

  it('finds compressors by name, at a given level', () => {
    expect(compressorByName('gzip').label).toBe('gzip-6');
    expect(compressorByName('gzip', 1).label).toBe('gzip-1');
    expect(compressorByName('brotli', 4).label).toBe('brotli-4');
    expect(compressorByName('zstd', 1).label).toBe('zstd-1');
    expect(compressorByName('identity').label).toBe('identity');
  });

  it('refuses unknown names, including inherited object keys', () => {
    for (const name of ['lz4', 'GZIP', 'toString', '__proto__', 'constructor', '']) {
      expect(() => compressorByName(name), name).toThrow(UnknownCodecError);
    }
  });
});

describe('zstd without its native binding', () => {
  const missing = zstdCompressor(3, () => {
    throw new Error('Cannot find module zstd-napi');
  });

  it('can be created but fails on use with CodecUnavailableError', async () => {
    expect(missing.label).toBe('zstd-3');
    expect(() => missing.compress(text)).toThrow(CodecUnavailableError);
    expect(() => missing.decompress(zstdCompressor(3).compress(text))).toThrow(CodecUnavailableError);
    await expect(missing.decompressAsync(text)).rejects.toThrow(CodecError);
  });

  it('keeps the loading error as the cause', () => {
    try {
      missing.compress(text);
      expect.unreachable('compress should throw');
    } catch (error) {
      expect(error).toBeInstanceOf(CodecUnavailableError);
      expect((error as Error).cause).toMatchObject({ message: 'Cannot find module zstd-napi' });
    }
  });
});
