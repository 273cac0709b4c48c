import type { DailyMetrics, Diagnosis, Order } from '@prewarm/domain';
import { type Codec, DEFAULT_CODECS } from './codec/index.js';
import { type EntryCodec, entryCodec } from './entry-codec.js';

/** The entry codec of each level: what a `HierarchicalCache` stores its values with. */
export interface LevelCodecs {
  l1: EntryCodec<Order[]>;
  l2: EntryCodec<DailyMetrics>;
  l3: EntryCodec<Diagnosis>;
}

/** The measured default codec of each level (docs/codecs.md). */
export function defaultLevelCodecs(): LevelCodecs {
  return {
    l1: entryCodec(DEFAULT_CODECS.l1),
    l2: entryCodec(DEFAULT_CODECS.l2 as Codec<DailyMetrics>),
    l3: entryCodec(DEFAULT_CODECS.l3 as Codec<Diagnosis>),
  };
}
