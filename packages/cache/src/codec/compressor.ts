/** The stable compressor ids stored in entry envelopes. Never renumber; only append. */
export const COMPRESSOR_IDS = Object.freeze({ identity: 0, gzip: 1, brotli: 2, zstd: 3 } as const);

export type CompressorName = keyof typeof COMPRESSOR_IDS;

/**
 * A byte compressor. `id` identifies the format, not the level: any gzip level decompresses
 * with any gzip instance. Decompression failures throw `CorruptPayloadError`.
 */
export interface Compressor {
  readonly id: number;
  readonly name: CompressorName;
  /** Level (gzip, zstd) or quality (brotli) used when compressing; 0 for identity. */
  readonly level: number;
  /** `name-level`, e.g. `gzip-6`, for logs, metrics and benchmark tables. */
  readonly label: string;
  compress(data: Uint8Array): Buffer;
  decompress(data: Uint8Array): Buffer;
  /**
   * Compresses off the event loop where the implementation can (zlib's threadpool for gzip
   * and brotli). `offloaded` says whether it does.
   */
  compressAsync(data: Uint8Array): Promise<Buffer>;
  decompressAsync(data: Uint8Array): Promise<Buffer>;
  /** Whether the async methods run on another thread. */
  readonly offloaded: boolean;
}

/** Stores bytes as they are: a copy when compressing (the caller may reuse its buffer), a view when decompressing. */
export const identityCompressor: Compressor = Object.freeze({
  id: COMPRESSOR_IDS.identity,
  name: 'identity',
  level: 0,
  label: 'identity',
  offloaded: false,
  compress: (data: Uint8Array) => Buffer.from(data),
  decompress: (data: Uint8Array) => Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  compressAsync: async (data: Uint8Array) => Buffer.from(data),
  decompressAsync: async (data: Uint8Array) => Buffer.from(data.buffer, data.byteOffset, data.byteLength),
});
