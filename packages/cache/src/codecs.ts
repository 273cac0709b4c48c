/**
 * `@prewarm/cache/codecs`: how values become stored bytes — payload layouts and compressors,
 * entry codecs built from them, and the entry envelope. For benchmarks and tools that look at
 * stored entries; the cache itself takes `defaultLevelCodecs()`.
 */
export {
  type Compressor,
  type Layout,
  brotliCompressor,
  columnarOrdersLayout,
  gzipCompressor,
  identityCompressor,
  jsonLayout,
  jsonLayoutOf,
  msgpackLayout,
  rowJsonLayout,
  zstdAvailable,
  zstdCompressor,
} from './codec/index.js';
export { type EntryCodec, entryCodec } from './entry-codec.js';
export { HEADER_BYTES, decodeEnvelope, encodeEnvelope, readHeader } from './envelope.js';
