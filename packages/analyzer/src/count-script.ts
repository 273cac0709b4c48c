import { LuaScript } from '@prewarm/redis';
import type { Cluster, Redis } from 'ioredis';
import { type CountableAccess, setMember } from './access-entry.js';
import { HalfLifeMismatchError } from './errors.js';
import type { HotKeys } from './hot-keys.js';

/**
 * Counts a batch and acknowledges it in one atomic step. Each entry is XACKed first and counted
 * only when XACK returned 1 — it was still pending, so no one has counted it — which makes a
 * replayed or re-claimed batch count nothing the second time.
 *
 * Weights use forward decay: an entry of `n` reads at `at` adds n·2^((at − landmark) / halfLife). When an
 * exponent would pass `maxExponent` the landmark moves to that event and every score is
 * multiplied by 2^((old − new) / halfLife); scores that fall below `pruneBelow` are dropped.
 */
const SOURCE = `
local stream, storeKey, setKey, metaKey, countKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local group = ARGV[1]
local halfLife = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local maxStores = tonumber(ARGV[4])
local maxSets = tonumber(ARGV[5])
local maxExponent = tonumber(ARGV[6])
local pruneBelow = tonumber(ARGV[7])

local storedHalfLife = redis.call('HGET', metaKey, 'half_life_ms')
if storedHalfLife and tonumber(storedHalfLife) ~= halfLife then
  return redis.error_reply('E_HALF_LIFE_MISMATCH ' .. storedHalfLife)
end
local landmark = tonumber(redis.call('HGET', metaKey, 'landmark') or '')

local function rescale(key, factor)
  local members = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
  for i = 1, #members, 2 do
    local score = tonumber(members[i + 1]) * factor
    if score < pruneBelow then
      redis.call('ZREM', key, members[i])
    else
      redis.call('ZADD', key, score, members[i])
    end
  end
end

local function bound(key, limit)
  local n = redis.call('ZCARD', key)
  if n > limit then redis.call('ZREMRANGEBYRANK', key, 0, n - limit - 1) end
end

local counted, skipped, duplicates = 0, 0, 0
local perLevel = {}
local reads = 0
for i = 8, #ARGV, 6 do
  local id, level, stores, member = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local at, n = tonumber(ARGV[i + 4]), tonumber(ARGV[i + 5])
  if redis.call('XACK', stream, group, id) == 0 then
    duplicates = duplicates + 1
  elseif level == '' then
    skipped = skipped + 1
  else
    if at > now then at = now end
    if not landmark then
      landmark = at
      redis.call('HSET', metaKey, 'landmark', landmark, 'half_life_ms', halfLife)
    end
    local exponent = (at - landmark) / halfLife
    if exponent > maxExponent then
      local factor = 2 ^ ((landmark - at) / halfLife)
      rescale(storeKey, factor)
      rescale(setKey, factor)
      landmark = at
      redis.call('HSET', metaKey, 'landmark', landmark)
      exponent = 0
    end
    local weight = n * 2 ^ exponent
    if weight > 0 then
      for store in string.gmatch(stores, '[^,]+') do
        redis.call('ZINCRBY', storeKey, weight, store)
      end
      if member ~= '' then redis.call('ZINCRBY', setKey, weight, member) end
    end
    counted = counted + 1
    reads = reads + n
    perLevel[level] = (perLevel[level] or 0) + n
  end
end

bound(storeKey, maxStores)
bound(setKey, maxSets)
if reads > 0 then redis.call('HINCRBY', countKey, 'events', reads) end
for level, n in pairs(perLevel) do redis.call('HINCRBY', countKey, level, n) end
if skipped > 0 then redis.call('HINCRBY', countKey, 'skipped', skipped) end
return {counted, skipped, duplicates}
`;

const COUNT_SCRIPT = new LuaScript(SOURCE);

export interface CountLimits {
  halfLifeMs: number;
  maxStores: number;
  maxSets: number;
  /** Re-landmark when an event's exponent would pass this many half-lives. */
  maxExponent: number;
  /** Scores (relative to the new landmark) below this are dropped when re-landmarking. */
  pruneBelow: number;
}

export interface BatchCount {
  /** Entries acknowledged here and counted. */
  counted: number;
  /** Entries acknowledged here but not countable (trimmed, `N stores`, malformed). */
  skipped: number;
  /** Entries someone had already acknowledged: counted before, not again. */
  duplicates: number;
}

/** One script run over a batch. `entries` pairs each id with its parsed event, or null. */
export async function countAndAck(
  redis: Redis | Cluster,
  keys: HotKeys,
  group: string,
  limits: CountLimits,
  now: number,
  entries: readonly { id: string; access: CountableAccess | null }[],
): Promise<BatchCount> {
  if (entries.length === 0) return { counted: 0, skipped: 0, duplicates: 0 };
  const args: (string | number)[] = [group, limits.halfLifeMs, now, limits.maxStores, limits.maxSets, limits.maxExponent, limits.pruneBelow];
  for (const { id, access } of entries) {
    if (!access) args.push(id, '', '', '', 0, 0);
    else {
      const stores = access.stores === 'all' ? '' : access.stores.join(',');
      const member = access.level === 'l3' ? setMember(access) : '';
      args.push(id, access.level, stores, member, access.at, access.reads);
    }
  }
  const keyList = [keys.stream, keys.stores, keys.sets, keys.meta, keys.counts];
  let reply: unknown;
  try {
    reply = await COUNT_SCRIPT.run(redis, keyList, args);
  } catch (err) {
    const m = /^E_HALF_LIFE_MISMATCH (\S+)/.exec((err as Error).message ?? '');
    if (m) throw new HalfLifeMismatchError(limits.halfLifeMs, Number(m[1]), { cause: err });
    throw err;
  }
  const [counted, skipped, duplicates] = reply as [number, number, number];
  return { counted, skipped, duplicates };
}
