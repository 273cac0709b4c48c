export { HierarchicalCache, type HierarchicalCacheOptions } from './hierarchical-cache.js';
export { defaultLevelCodecs } from './level-codecs.js';
export { cacheOptionsFrom } from './settings.js';
export type { ReadResult } from './read-through.js';
export type { BodyResult } from './body-reader.js';
export type { CacheStats } from './stats.js';
export { ACCESS_FIELD, AccessLog, decodeAccessEntry, encodeAccessEntry, type AccessEntry, type AccessEvent } from './access-log.js';
export { jitteredTtl } from './ttl.js';
export { CacheBreaker, type BreakerOptions, type BreakerState } from './breaker.js';
