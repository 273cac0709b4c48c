import type { Order } from '@prewarm/domain';
import type { Codec } from './codec.js';
import { columnarOrdersLayout } from './columnar-orders-layout.js';
import { jsonLayout } from './json-layout.js';
import { identityCompressor } from './compressor.js';
import { brotliCompressor, gzipCompressor } from './zlib-compressors.js';

export interface DefaultCodecs {
  /** Raw orders, one store × one business month a chunk. */
  readonly l1: Codec<Order[]>;
  /** Daily metrics of one store-day (JSON). */
  readonly l2: Codec<unknown>;
  /** A diagnosis of a store set over a date range (JSON). */
  readonly l3: Codec<unknown>;
}

/**
 * The measured defaults (docs/codecs.md, `npx tsx bench/codec.ts`):
 * - L1: the columnar layout does most of the work (≈ 7 % of row JSON before compression);
 *   brotli-4 takes it to ≈ 5–6 %, the smallest of gzip/brotli/zstd at 1–6, compresses 2× faster
 *   than gzip-1 on 30 k-row chunks, runs on zlib's threadpool and needs no native module.
 * - L3: gzip-6 JSON, which the HTTP layer can send as it is (`Content-Encoding: gzip`):
 *   no decode on the hot path. On the 85 KB diagnosis it stores ≈ 20 % smaller than gzip-1.
 * - L2: plain JSON. A store-day is 0.7 KB; gzip saves ≈ 320 B of it but triples the decode
 *   (≈ 12 µs vs 4 µs) and churns the GC on every range read (30 inflates for a 30-day range,
 *   docs/benchmarks.md); L2 is read in ranges and never sent as it is.
 */
export const DEFAULT_CODECS: DefaultCodecs = Object.freeze({
  l1: Object.freeze({ layout: columnarOrdersLayout, compressor: brotliCompressor(4) }),
  l2: Object.freeze({ layout: jsonLayout, compressor: identityCompressor }),
  l3: Object.freeze({ layout: jsonLayout, compressor: gzipCompressor(6) }),
});
