import type { CacheCoreOptions } from './cache-core.js';
import { Keyspace } from '@prewarm/redis';

/** The cache part of prewarm's configuration (structurally `Config['cache']`). */
export interface CacheSettings {
  prefix: string;
  ttlSeconds: { l1: number; l2: number; l3: number };
  jitter: number;
  graceSeconds: number;
  l4MaxBytes: number;
  accessStreamMaxLen: number;
}

/** Cache options from settings: keyspace, TTL policies, L4 budget, access-stream bound. */
export function cacheOptionsFrom(s: CacheSettings): Pick<CacheCoreOptions, 'keyspace' | 'ttl' | 'memory' | 'accessLog'> {
  const policy = (seconds: number) => ({ ttlMs: seconds * 1000, jitter: s.jitter, graceMs: s.graceSeconds * 1000 });
  return {
    keyspace: new Keyspace(s.prefix),
    ttl: { l1: policy(s.ttlSeconds.l1), l2: policy(s.ttlSeconds.l2), l3: policy(s.ttlSeconds.l3) },
    memory: { maxBytes: s.l4MaxBytes, ttlMs: 60_000 },
    accessLog: { maxLen: s.accessStreamMaxLen },
  };
}
