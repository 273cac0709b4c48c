import type { DailyMetrics, Diagnosis } from '@prewarm/domain';
import { DEFAULT_CODECS } from './codec/index.js';
import type { Codec } from './codec/index.js';
import { entryCodec } from './entry-codec.js';
import type { LevelCodecs } from './hierarchical-cache.js';

/** The measured default codec of each level (docs/codecs.md). */
export function defaultLevelCodecs(): LevelCodecs {
  return {
    l1: entryCodec(DEFAULT_CODECS.l1),
    l2: entryCodec(DEFAULT_CODECS.l2 as Codec<DailyMetrics>),
    l3: entryCodec(DEFAULT_CODECS.l3 as Codec<Diagnosis>),
  };
}
