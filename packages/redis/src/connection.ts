import { Redis } from 'ioredis';
import { RedisUnavailableError } from './errors.js';

export type RedisRole = 'queue/state' | 'cache';

export interface OpenRedisOptions {
  /** Which setting the URL came from, for the error message. */
  variable: string;
  role: RedisRole;
  /** Long-running processes reconnect forever; commands (the CLI) fail fast (default). */
  persistent?: boolean;
  /**
   * For BullMQ workers' blocking connections only: commands wait through reconnects without
   * limit (`maxRetriesPerRequest: null`, which BullMQ requires). Everything else fails a command
   * after a few retries, so a request answers 503 instead of hanging while Redis is away.
   */
  blocking?: boolean;
  /** Batch commands issued in the same tick into one write (servers under concurrent load). */
  autoPipelining?: boolean;
  connectTimeoutMs?: number;
  /**
   * Fail a command that has no answer after this long, queued offline or sent (ioredis
   * `commandTimeout`). For servers: while Redis is away, a reconnecting connection would
   * otherwise hold a command through up to two reconnect attempts, 5 s apart at the cap.
   */
  commandTimeoutMs?: number;
}

/**
 * Opens and checks a Redis connection. When nothing answers, the error is one line naming the
 * URL, the variable and how to start a local Redis.
 */
export async function openRedis(url: string, options: OpenRedisOptions): Promise<Redis> {
  // The first connection fails fast (one clear line when nothing answers); once connected, a
  // long-running process reconnects forever with capped backoff.
  let connected = false;
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 3000,
    maxRetriesPerRequest: options.blocking ? null : 2,
    enableOfflineQueue: true,
    enableAutoPipelining: options.autoPipelining === true,
    ...(options.commandTimeoutMs ? { commandTimeout: options.commandTimeoutMs } : {}),
    retryStrategy: (n) => (connected && options.persistent ? Math.min(100 * 2 ** n, 5000) : null),
  });
  client.once('ready', () => (connected = true));
  let lastError: Error | undefined;
  client.on('error', (err: Error) => (lastError = err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    const reason = (lastError ?? (err as Error)).message.split('\n')[0];
    const port = /:(\d+)/.exec(url.replace(/^rediss?:\/\//, ''))?.[1] ?? '6379';
    throw new RedisUnavailableError(
      `no Redis answers at ${redactUrl(url)} (${options.variable}, ${options.role} role): ${reason}; ` +
        `start one with: redis-server --port ${port} --save '' --daemonize yes`,
      { cause: err },
    );
  }
  return client;
}

/** The URL without its password. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** The eviction policy a role wants: entries may vanish (LRU); state must not (noeviction). */
export async function checkEvictionPolicy(client: Redis, role: RedisRole): Promise<string | null> {
  try {
    const [, policy] = (await client.config('GET', 'maxmemory-policy')) as [string, string];
    if (role === 'queue/state' && policy !== 'noeviction') return `the ${role} Redis has maxmemory-policy ${policy}; it needs noeviction (BullMQ and prewarm's state must never be evicted)`;
    if (role === 'cache' && !/lru|lfu/.test(policy)) return `the cache Redis has maxmemory-policy ${policy}; allkeys-lru (or allkeys-lfu) with a maxmemory budget is recommended`;
    return null;
  } catch {
    return null; // CONFIG may be disabled on managed Redis
  }
}
