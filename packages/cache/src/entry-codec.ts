import { gunzipSync } from 'node:zlib';
import { COMPRESSOR_IDS, type Codec, LAYOUT_IDS, OFFLOAD_MIN_BYTES, compressorById } from './codec/index.js';
import type { EnvelopeHeader } from './envelope.js';
import { CorruptEntryError } from './errors.js';
import type { Body } from './memory-tier.js';

/** How a level's values become envelope payloads and back. */
export interface EntryCodec<T> {
  readonly layoutId: number;
  readonly codecId: number;
  encode(value: T): Promise<{ payload: Uint8Array; rawLength: number }>;
  /** Throws (any error) when the payload cannot be decoded: the caller treats it as corrupt. */
  decode(header: EnvelopeHeader, payload: Uint8Array): T;
}

/**
 * The `Content-Encoding` under which an entry's payload is already a JSON HTTP body, or null
 * when it would need decoding (another layout or compressor).
 */
export function bodyEncoding(header: EnvelopeHeader): 'gzip' | 'identity' | null {
  if (header.layoutId !== LAYOUT_IDS.json) return null;
  if (header.codecId === COMPRESSOR_IDS.gzip) return 'gzip';
  if (header.codecId === COMPRESSOR_IDS.identity) return 'identity';
  return null;
}

/** The value of a JSON body (gzip or plain): how an entry kept only as a body is decoded. */
export function parseBody(body: Body): unknown {
  return JSON.parse((body.encoding === 'gzip' ? gunzipSync(body.bytes) : body.bytes).toString('utf8'));
}

/** A value as a plain JSON body: what is sent when no stored payload can be sent as it is. */
export function jsonBody(value: unknown): Body {
  return { bytes: Buffer.from(JSON.stringify(value)), encoding: 'identity' };
}

/** Serialized payloads above this size are compressed on the threadpool, off the event loop. */
const ASYNC_COMPRESS_BYTES = OFFLOAD_MIN_BYTES;

/**
 * An entry codec from a layout and a compressor. Entries are decoded with the compressor their
 * envelope names, so changing a level's compressor does not orphan what is already stored;
 * the layout must be the level's own (anything else is treated as corrupt).
 */
export function entryCodec<T>(codec: Codec<T>): EntryCodec<T> {
  const layoutId = codec.layout.id;
  return {
    layoutId,
    codecId: codec.compressor.id,
    async encode(value) {
      const raw = codec.layout.encode(value);
      const payload = raw.length > ASYNC_COMPRESS_BYTES ? await codec.compressor.compressAsync(raw) : codec.compressor.compress(raw);
      return { payload, rawLength: raw.length };
    },
    decode(header, payload) {
      if (header.layoutId !== layoutId) throw new CorruptEntryError('unknown_codec', `entry layout ${header.layoutId} is not this level's (${layoutId})`);
      const compressor = header.codecId === codec.compressor.id ? codec.compressor : compressorById(header.codecId);
      return codec.layout.decode(compressor.decompress(payload));
    },
  };
}
