import { type Keyspace, LEVELS, type Level, type RedisConnection, countKeys, scanTargets } from '@prewarm/redis';
import type { AccessLog } from './access-log.js';
import type { MemoryTierReport } from './memory-tier-report.js';

export interface LevelStats {
  keys: number;
  hits: number;
  misses: number;
  hit_rate: number | null;
  corrupt: number;
  writes: number;
  raw_bytes: number;
  stored_bytes: number;
}

/** `prewarm stats` (contract §6 names first). */
export interface CacheStats {
  used_memory_mb: number;
  max_memory_mb: number | null;
  memory_usage_pct: number | null;
  /** Hits over all reads of every level, percent. */
  hit_rate: number | null;
  level_1: number;
  level_2: number;
  level_3: number;
  levels: Record<Level, LevelStats>;
  l4: { hits: number; processes: number; entries: number; bytes: number };
  /** Bytes written so far: serialized payloads vs stored entries (compression ratio). */
  bytes: { raw: number; stored: number; stored_pct: number | null };
  access_log: { length: number };
}

const MB = 1024 * 1024;
const round = (n: number, places = 2): number => Math.round(n * 10 ** places) / 10 ** places;

function infoField(info: string, name: string): number {
  const m = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  return m ? Number(m[1]) : 0;
}

/** Where the statistics come from. */
export interface StatsSources {
  cache: RedisConnection;
  state: RedisConnection;
  keys: Keyspace;
  accessLog: AccessLog;
  memoryTier: MemoryTierReport;
}

export async function readStats({ cache, state, keys, accessLog, memoryTier }: StatsSources): Promise<CacheStats> {
  await accessLog.flush();
  const infos = await Promise.all(scanTargets(cache).map((n) => n.info('memory')));
  const used = infos.reduce((s, i) => s + infoField(i, 'used_memory'), 0);
  const max = infos.reduce((s, i) => s + infoField(i, 'maxmemory'), 0);
  const counters = Object.fromEntries(Object.entries(await state.hgetall(keys.stats)).map(([k, v]) => [k, Number(v)]));
  const c = (field: string): number => counters[field] ?? 0;
  const levels = {} as Record<Level, LevelStats>;
  for (const level of LEVELS) {
    const hits = c(`${level}:hits`);
    const misses = c(`${level}:misses`);
    levels[level] = {
      keys: await countKeys(cache, keys.pattern(level), (k) => keys.levelOf(k) === level),
      hits,
      misses,
      hit_rate: hits + misses > 0 ? round((100 * hits) / (hits + misses)) : null,
      corrupt: c(`${level}:corrupt`),
      writes: c(`${level}:writes`),
      raw_bytes: c(`${level}:raw_bytes`),
      stored_bytes: c(`${level}:stored_bytes`),
    };
  }
  const hits = LEVELS.reduce((s, l) => s + levels[l].hits, 0);
  const reads = LEVELS.reduce((s, l) => s + levels[l].hits + levels[l].misses, 0);
  const raw = LEVELS.reduce((s, l) => s + levels[l].raw_bytes, 0);
  const stored = LEVELS.reduce((s, l) => s + levels[l].stored_bytes, 0);
  const l4 = await memoryTier.totals();
  return {
    used_memory_mb: round(used / MB),
    max_memory_mb: max > 0 ? round(max / MB) : null,
    memory_usage_pct: max > 0 ? round((100 * used) / max) : null,
    hit_rate: reads > 0 ? round((100 * hits) / reads) : null,
    level_1: levels.l1.keys,
    level_2: levels.l2.keys,
    level_3: levels.l3.keys,
    levels,
    l4: { hits: c('l4:hits'), ...l4 },
    bytes: { raw, stored, stored_pct: raw > 0 ? round((100 * stored) / raw) : null },
    access_log: { length: await state.xlen(keys.accessStream) },
  };
}
