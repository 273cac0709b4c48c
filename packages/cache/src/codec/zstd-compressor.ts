import { createRequire } from 'node:module';
import type * as ZstdNapi from 'zstd-napi';
import { COMPRESSOR_IDS, type Compressor } from './compressor.js';
import { CodecUnavailableError, CorruptPayloadError } from './errors.js';

export const DEFAULT_ZSTD_LEVEL = 3;

export type ZstdBinding = typeof ZstdNapi;
type Loaded = { ok: true; zstd: ZstdBinding } | { ok: false; error: unknown };
let shared: Loaded | undefined;

function attempt(load: () => ZstdBinding): Loaded {
  try {
    return { ok: true, zstd: load() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The native binding, loaded once per process; a missing or unbuilt one is remembered, not retried. */
function sharedBinding(): Loaded {
  shared ??= attempt(() => createRequire(import.meta.url)('zstd-napi') as ZstdBinding);
  return shared;
}

/** Whether the native zstd binding loads in this process. */
export function zstdAvailable(): boolean {
  return sharedBinding().ok;
}

/**
 * Zstandard (RFC 8878) through the `zstd-napi` binding, levels 1–19. The binding has no
 * threadpool API, so the async methods run on the calling thread (`offloaded: false`).
 * Creating one is always possible; using it throws `CodecUnavailableError` when the binding
 * is missing, which a reader treats as a cache miss.
 */
export function zstdCompressor(
  level: number = DEFAULT_ZSTD_LEVEL,
  /** Loads the binding instead of `require('zstd-napi')` (tests simulate a missing one). */
  load?: () => ZstdBinding,
): Compressor {
  if (!Number.isInteger(level) || level < 1 || level > 19) {
    throw new RangeError(`zstd level must be an integer 1–19, got ${level}`);
  }
  const label = `zstd-${level}`;
  let loaded: Loaded | undefined;
  const zstdModule = (): ZstdBinding => {
    loaded ??= load === undefined ? sharedBinding() : attempt(load);
    if (!loaded.ok) throw new CodecUnavailableError('zstd', { cause: loaded.error });
    return loaded.zstd;
  };
  let compressor: ZstdNapi.Compressor | undefined;
  let decompressor: ZstdNapi.Decompressor | undefined;
  const compress = (data: Uint8Array): Buffer => {
    if (compressor === undefined) {
      const zstd = zstdModule();
      compressor = new zstd.Compressor();
      compressor.setParameters({ compressionLevel: level });
    }
    return compressor.compress(data);
  };
  const decompress = (data: Uint8Array): Buffer => {
    decompressor ??= new (zstdModule().Decompressor)();
    // The binding turns empty input into empty output; a frame is never empty.
    if (data.length === 0) throw new CorruptPayloadError(label, 'empty input');
    try {
      return decompressor.decompress(data);
    } catch (error) {
      throw new CorruptPayloadError(label, error instanceof Error ? error.message : String(error), { cause: error });
    }
  };
  return Object.freeze({
    id: COMPRESSOR_IDS.zstd,
    name: 'zstd',
    level,
    label,
    offloaded: false,
    compress,
    decompress,
    compressAsync: async (data: Uint8Array) => compress(data),
    decompressAsync: async (data: Uint8Array) => decompress(data),
  });
}
