export {
  type Codec,
  codecByIds,
  decodePayload,
  decodePayloadAsync,
  encodePayload,
  encodePayloadAsync,
  OFFLOAD_MIN_BYTES,
} from './codec.js';
export { columnarOrdersLayout } from './columnar-orders-layout.js';
export { COMPRESSOR_IDS, type Compressor, type CompressorName, identityCompressor } from './compressor.js';
export { compressorById, compressorByName } from './compressor-registry.js';
export { DEFAULT_CODECS, type DefaultCodecs } from './defaults.js';
export {
  CODEC_ERROR_CLASSES,
  CodecError,
  CodecUnavailableError,
  CorruptPayloadError,
  UnencodableValueError,
  UnknownCodecError,
} from './errors.js';
export { jsonLayout, jsonLayoutOf, rowJsonLayout } from './json-layout.js';
export { LAYOUT_IDS, type Layout, type LayoutName } from './layout.js';
export { layoutById, layoutByName } from './layout-registry.js';
export { msgpackLayout } from './msgpack-layout.js';
export { brotliCompressor, DEFAULT_BROTLI_QUALITY, DEFAULT_GZIP_LEVEL, gzipCompressor } from './zlib-compressors.js';
export { DEFAULT_ZSTD_LEVEL, zstdAvailable, zstdCompressor } from './zstd-compressor.js';
