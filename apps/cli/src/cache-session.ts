import { HierarchicalCache, cacheOptionsFrom, defaultLevelCodecs } from '@prewarm/cache';
import { type RedisConnection, openRedisRole } from '@prewarm/redis';
import type { Config } from '@prewarm/config';
import type { Logger } from 'pino';

/** The cache as one command uses it: connections, the cache, and how to close them all. */
export interface CacheSession {
  cache: HierarchicalCache;
  close(): Promise<void>;
}

/** Connects both Redis roles (one connection when they share a URL) and starts the cache. */
export async function openCacheSession(config: Config, logger: Logger): Promise<CacheSession> {
  const state = await openRedisRole(config.redis, 'queue/state');
  let cacheRedis: RedisConnection = state;
  const disconnect = () => {
    state.disconnect();
    if (cacheRedis !== state) cacheRedis.disconnect();
  };
  try {
    if (!config.redis.shared) cacheRedis = await openRedisRole(config.redis, 'cache');
    const cache = await HierarchicalCache.create({ cache: cacheRedis, state, ...cacheOptionsFrom(config.cache), codecs: defaultLevelCodecs(), logger });
    return {
      cache,
      close: async () => {
        try {
          await cache.close();
        } catch (err) {
          // The command's work is done: what closing could not finish (the last access-log batch) is a warning.
          logger.warn({ err }, 'closing the cache failed');
        } finally {
          disconnect();
        }
      },
    };
  } catch (err) {
    disconnect();
    throw err;
  }
}

/**
 * After `seed` or `import` replaced source data: forget the affected stores' cache entries, so
 * no read serves the old data. The source write already succeeded, so an unreachable Redis is
 * a warning here, not a failure.
 */
export async function forgetInCache(config: Config, logger: Logger, warn: (line: string) => void, stores: readonly string[] | 'all'): Promise<void> {
  let session: CacheSession | undefined;
  try {
    session = await openCacheSession(config, logger);
    await session.cache.forgetStores(stores);
  } catch (err) {
    warn(`warning: cache entries of the changed stores were not invalidated: ${(err as Error).message}`);
  } finally {
    await session?.close();
  }
}
