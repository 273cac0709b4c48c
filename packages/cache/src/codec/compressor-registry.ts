import { COMPRESSOR_IDS, type Compressor, type CompressorName, identityCompressor } from './compressor.js';
import { UnknownCodecError } from './errors.js';
import { brotliCompressor, gzipCompressor } from './zlib-compressors.js';
import { zstdCompressor } from './zstd-compressor.js';

const FACTORIES: Readonly<Record<CompressorName, (level?: number) => Compressor>> = {
  identity: () => identityCompressor,
  gzip: gzipCompressor,
  brotli: brotliCompressor,
  zstd: zstdCompressor,
};

/** One default-level instance per format: what a reader needs (decompression ignores levels). */
const BY_ID: ReadonlyMap<number, Compressor> = new Map(
  (Object.keys(COMPRESSOR_IDS) as CompressorName[]).map((name) => [COMPRESSOR_IDS[name], FACTORIES[name]()]),
);

/** The compressor of a stored id; throws `UnknownCodecError` (a cache miss) for any other. */
export function compressorById(id: number): Compressor {
  const compressor = BY_ID.get(id);
  if (compressor === undefined) throw new UnknownCodecError('compressor', id);
  return compressor;
}

/** A compressor by name, at `level` (its default when omitted); throws `UnknownCodecError`. */
export function compressorByName(name: string, level?: number): Compressor {
  if (!Object.hasOwn(FACTORIES, name)) throw new UnknownCodecError('compressor', name);
  const factory = FACTORIES[name as CompressorName];
  return level === undefined ? compressorById(COMPRESSOR_IDS[name as CompressorName]) : factory(level);
}
