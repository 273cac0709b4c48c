import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { COMPRESSOR_IDS, type Compressor } from './compressor.js';
import { CorruptPayloadError } from './errors.js';

const gzipAsync = promisify(zlib.gzip);
const gunzipAsync = promisify(zlib.gunzip);
const brotliCompressAsync = promisify(zlib.brotliCompress);
const brotliDecompressAsync = promisify(zlib.brotliDecompress);

export const DEFAULT_GZIP_LEVEL = 6;
export const DEFAULT_BROTLI_QUALITY = 5;

function checkLevel(name: string, level: number, min: number, max: number): void {
  if (!Number.isInteger(level) || level < min || level > max) {
    throw new RangeError(`${name} level must be an integer ${min}–${max}, got ${level}`);
  }
}

function corrupt(label: string, error: unknown): CorruptPayloadError {
  return new CorruptPayloadError(label, error instanceof Error ? error.message : String(error), { cause: error });
}

/** gzip (RFC 1952, with its CRC-32 of the content), levels 1–9. */
export function gzipCompressor(level: number = DEFAULT_GZIP_LEVEL): Compressor {
  checkLevel('gzip', level, 1, 9);
  const options: zlib.ZlibOptions = { level };
  const label = `gzip-${level}`;
  return Object.freeze({
    id: COMPRESSOR_IDS.gzip,
    name: 'gzip',
    level,
    label,
    offloaded: true,
    compress: (data: Uint8Array) => zlib.gzipSync(data, options),
    decompress(data: Uint8Array): Buffer {
      try {
        return zlib.gunzipSync(data);
      } catch (error) {
        throw corrupt(label, error);
      }
    },
    compressAsync: (data: Uint8Array) => gzipAsync(data, options),
    decompressAsync: (data: Uint8Array) => gunzipAsync(data).catch((error: unknown) => Promise.reject(corrupt(label, error))),
  });
}

/** brotli (RFC 7932), qualities 0–11. The payload size is passed as a hint. */
export function brotliCompressor(quality: number = DEFAULT_BROTLI_QUALITY): Compressor {
  checkLevel('brotli', quality, 0, 11);
  const label = `brotli-${quality}`;
  const optionsFor = (data: Uint8Array): zlib.BrotliOptions => ({
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: quality,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.byteLength,
    },
  });
  return Object.freeze({
    id: COMPRESSOR_IDS.brotli,
    name: 'brotli',
    level: quality,
    label,
    offloaded: true,
    compress: (data: Uint8Array) => zlib.brotliCompressSync(data, optionsFor(data)),
    decompress(data: Uint8Array): Buffer {
      try {
        return zlib.brotliDecompressSync(data);
      } catch (error) {
        throw corrupt(label, error);
      }
    },
    compressAsync: (data: Uint8Array) => brotliCompressAsync(data, optionsFor(data)),
    decompressAsync: (data: Uint8Array) =>
      brotliDecompressAsync(data).catch((error: unknown) => Promise.reject(corrupt(label, error))),
  });
}
