import { Cluster, type Redis } from 'ioredis';

export type RedisConnection = Redis | Cluster;

/** Master nodes to SCAN: every master of a cluster, or the single server. */
export function scanTargets(redis: RedisConnection): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

/** Every key matching a pattern, page by page, with SCAN on every master (never KEYS). */
export async function* scanKeys(redis: RedisConnection, pattern: string): AsyncGenerator<string[]> {
  for (const node of scanTargets(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }
}

/** Counts keys matching a pattern; `filter` drops keys that do not count (leases, foreign keys). */
export async function countKeys(redis: RedisConnection, pattern: string, filter: (key: string) => boolean = () => true): Promise<number> {
  let total = 0;
  for await (const keys of scanKeys(redis, pattern)) for (const k of keys) if (filter(k)) total++;
  return total;
}

/** Deletes keys matching a pattern with UNLINK, one command a key (a page may span cluster slots); returns how many. */
export async function unlinkMatching(redis: RedisConnection, pattern: string, filter: (key: string) => boolean = () => true): Promise<number> {
  let total = 0;
  for await (const keys of scanKeys(redis, pattern)) {
    const doomed = keys.filter(filter);
    if (doomed.length === 0) continue;
    await Promise.all(doomed.map((k) => redis.unlink(k))); // sent back to back; routed per slot on a cluster
    total += doomed.length;
  }
  return total;
}
