import type { Compressor } from './compressor.js';
import { compressorById } from './compressor-registry.js';
import type { Layout } from './layout.js';
import { layoutById } from './layout-registry.js';

/** A layout and a compressor: how one cache level turns values into stored bytes. */
export interface Codec<T> {
  readonly layout: Layout<T>;
  readonly compressor: Compressor;
}

/** The codec of stored ids (read from an entry envelope); throws `UnknownCodecError`. */
export function codecByIds(layoutId: number, compressorId: number): Codec<unknown> {
  return { layout: layoutById(layoutId), compressor: compressorById(compressorId) };
}

/**
 * Below this many bytes the async helpers compress and decompress on the calling thread:
 * zlib takes microseconds there, while a threadpool round trip costs a few hundred (measured
 * in docs/codecs.md, L2 table).
 */
export const OFFLOAD_MIN_BYTES = 32 * 1024;

/** Serializes and compresses on the calling thread. */
export function encodePayload<T>(codec: Codec<T>, value: T): Buffer {
  return codec.compressor.compress(codec.layout.encode(value));
}

/**
 * Serializes on the calling thread, then compresses off the event loop when the compressor
 * can (gzip, brotli) and the bytes are at least `OFFLOAD_MIN_BYTES`.
 */
export async function encodePayloadAsync<T>(codec: Codec<T>, value: T): Promise<Buffer> {
  const bytes = codec.layout.encode(value);
  return bytes.length < OFFLOAD_MIN_BYTES ? codec.compressor.compress(bytes) : codec.compressor.compressAsync(bytes);
}

/** Decompresses and decodes; every failure is a `CodecError` (a cache miss for the reader). */
export function decodePayload<T>(codec: Codec<T>, bytes: Uint8Array): T {
  return codec.layout.decode(codec.compressor.decompress(bytes));
}

/**
 * Decompresses off the event loop from `OFFLOAD_MIN_BYTES / 4` of compressed input (about
 * `OFFLOAD_MIN_BYTES` once inflated), then decodes on the calling thread.
 */
export async function decodePayloadAsync<T>(codec: Codec<T>, bytes: Uint8Array): Promise<T> {
  const raw = bytes.length < OFFLOAD_MIN_BYTES / 4 ? codec.compressor.decompress(bytes) : await codec.compressor.decompressAsync(bytes);
  return codec.layout.decode(raw);
}
