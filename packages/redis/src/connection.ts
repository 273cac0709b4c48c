import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { type Config, ConfigError, type RedisEndpoint, parseRedisUrl, redactRedisUrl } from '@prewarm/config';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { RedisUnavailableError } from './errors.js';
import { type RedisConnection, scanTargets } from './scan.js';

export type RedisRole = 'queue/state' | 'cache';

/** PEM files for TLS (`rediss…` URLs); null or absent: the system CAs, no client certificate. */
export interface TlsFiles {
  ca?: string | null;
  cert?: string | null;
  key?: string | null;
}

export interface OpenRedisOptions {
  /** Which setting the URL came from, for the error message. */
  variable: string;
  role: RedisRole;
  /** Long-running processes reconnect forever; commands (the CLI) fail fast (default). */
  persistent?: boolean;
  /**
   * For BullMQ workers' blocking connections only: commands wait through reconnects without
   * limit (`maxRetriesPerRequest: null`, which BullMQ requires; on a cluster, through a failover
   * too: no limit on redirections). Everything else fails a command after a few retries, so a
   * request answers 503 instead of hanging while Redis is away.
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
  /** CA, client certificate and key for `rediss…` URLs (`PREWARM_REDIS_TLS_*`). */
  tls?: TlsFiles;
}

/**
 * Opens the connection of one role from the configuration: its URL, the variable it came
 * from (for errors) and the TLS files (`PREWARM_REDIS_TLS_*`).
 */
export function openRedisRole(settings: Config['redis'], role: RedisRole, options: Omit<OpenRedisOptions, 'variable' | 'role' | 'tls'> = {}): Promise<RedisConnection> {
  const [url, variable] = role === 'cache' ? [settings.cacheUrl, 'PREWARM_CACHE_REDIS_URL'] : [settings.queueUrl, 'PREWARM_QUEUE_REDIS_URL'];
  return openRedis(url, { ...options, variable, role, tls: settings.tls });
}

/** How long a long-running process keeps trying to reach a sentinel- or cluster-managed master it never reached. */
const FAILOVER_GRACE_MS = 15_000;

/** Capped exponential backoff of reconnects (ms). */
const backoff = (attempt: number): number => Math.min(100 * 2 ** attempt, 5000);

/**
 * Opens and checks a connection to one Redis, a Redis Cluster or a Sentinel-managed master
 * (the URL forms of `@prewarm/config`'s `parseRedisUrl`). The first connection fails fast with
 * one line naming the URL (password hidden), the variable, the role and what went wrong —
 * nothing answers, the credentials were refused, or the certificate is not trusted; once
 * connected, a long-running (`persistent`) process reconnects forever with capped backoff.
 */
export async function openRedis(url: string, options: OpenRedisOptions): Promise<RedisConnection> {
  let endpoint: RedisEndpoint;
  try {
    endpoint = parseRedisUrl(url);
  } catch (err) {
    throw new RedisUnavailableError(`invalid ${options.variable}: ${(err as Error).message}`, { cause: err });
  }
  let connected = false;
  // A long-running process reconnects forever once it has connected. Before that it fails fast
  // (one clear line when nothing answers) — except behind sentinels or a cluster, where a master
  // may be moving right now: it keeps trying for FAILOVER_GRACE_MS.
  const started = Date.now();
  const movingMaster = endpoint.kind !== 'single' && options.persistent === true;
  const retry = (attempt: number): number | null =>
    connected && options.persistent ? backoff(attempt) : movingMaster && Date.now() - started < FAILOVER_GRACE_MS ? 250 : null;
  const client = createClient(endpoint, options, retry);
  client.once('ready', () => (connected = true));
  let lastError: Error | undefined;
  client.on('error', (err: Error) => (lastError = err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    // Not once more when the failure already ended it: ioredis would end the closed socket again
    // and wait `disconnectTimeout` (2 s) for a close that never comes, holding the process.
    if (client.status !== 'end') client.disconnect();
    throw new RedisUnavailableError(describeFailure(url, endpoint, options, lastError ?? (err as Error)), { cause: lastError ?? err });
  }
  return client;
}

function createClient(endpoint: RedisEndpoint, options: OpenRedisOptions, retry: (attempt: number) => number | null): RedisConnection {
  return prepare(newClient(endpoint, options, retry));
}

/**
 * What every connection gets, and every connection duplicated from it (BullMQ's blocking
 * connections, its queue-events readers): credentials masked in errors, and on a cluster a
 * `connect()` that settles.
 */
function prepare<C extends RedisConnection>(client: C): C {
  hideCredentials(client);
  if (client instanceof Cluster) settleClusterConnect(client);
  const duplicate = client.duplicate.bind(client) as (...args: unknown[]) => RedisConnection;
  (client as { duplicate: (...args: unknown[]) => RedisConnection }).duplicate = (...args) => prepare(duplicate(...args));
  return client;
}

/**
 * ioredis leaves the promise of `Cluster.connect()` pending for good when the cluster's ready
 * check fails (`CLUSTER INFO` says `cluster_state:fail`, or the node asked dies), which is what a
 * cluster looks like in the seconds of a failover: the cluster then reconnects by itself and
 * becomes ready, but that first promise never settles. BullMQ awaits it when it connects a
 * worker's blocking connection and when its watchdog resets one, so the worker's fetch loop
 * stayed parked for good after a master was killed (jobs waiting or delayed, nothing taking
 * them). Here `connect()` settles on whichever comes first: its own outcome, the cluster's next
 * `ready` (resolved), or its `end` (rejected: the retry strategy gave up); a failed attempt the
 * cluster retries by itself is waited through.
 */
function settleClusterConnect(cluster: Cluster): void {
  const connect = cluster.connect.bind(cluster);
  cluster.connect = () =>
    new Promise<void>((resolve, reject) => {
      const settle = (err?: Error): void => {
        cluster.off('ready', onReady);
        cluster.off('end', onEnd);
        if (err) reject(err);
        else resolve();
      };
      // ioredis emits status events on the next tick: a `ready` or an `end` left from before
      // this connect() (a disconnect just before it) is not this connect's outcome.
      const onReady = (): void => void (cluster.status === 'ready' && settle());
      const onEnd = (): void => void (cluster.status === 'end' && settle(new Error('Connection is closed.')));
      cluster.on('ready', onReady);
      cluster.on('end', onEnd);
      connect().then(
        () => settle(),
        (err: Error) => {
          // Failed, but the cluster tries again by itself (its retry strategy): its next
          // `ready` or `end` says how this connect ends.
          if (['reconnecting', 'connecting', 'connect'].includes(cluster.status)) return;
          settle(err);
        },
      );
    });
}

function newClient(endpoint: RedisEndpoint, options: OpenRedisOptions, retry: (attempt: number) => number | null): RedisConnection {
  const common: RedisOptions = {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 3000,
    maxRetriesPerRequest: options.blocking ? null : 2,
    enableOfflineQueue: true,
    enableAutoPipelining: options.autoPipelining === true,
    ...(options.commandTimeoutMs ? { commandTimeout: options.commandTimeoutMs } : {}),
    ...(endpoint.username ? { username: endpoint.username } : {}),
    ...(endpoint.password ? { password: endpoint.password } : {}),
    ...(endpoint.tls ? { tls: tlsOptions(options.tls) } : {}),
  };
  switch (endpoint.kind) {
    case 'single':
      return new Redis({ ...common, host: endpoint.node.host, port: endpoint.node.port, db: endpoint.db, retryStrategy: retry });
    case 'sentinel':
      return new Redis({
        ...common,
        sentinels: endpoint.sentinels,
        name: endpoint.masterName,
        db: endpoint.db,
        retryStrategy: retry,
        // Sentinels are asked again while a failover goes on; a command-line process gives up soon.
        sentinelRetryStrategy: (attempt) => (options.persistent ? backoff(attempt) : attempt <= 3 ? 200 : null),
        ...(endpoint.tls ? { enableTLSForSentinelMode: true } : {}),
      });
    case 'cluster': {
      const { lazyConnect: _lazy, enableOfflineQueue, enableAutoPipelining, ...redisOptions } = common;
      return new Cluster(endpoint.nodes, {
        lazyConnect: true,
        enableOfflineQueue,
        enableAutoPipelining,
        redisOptions,
        clusterRetryStrategy: retry,
        // Follow a failover: retry a command moved or refused while a replica takes over.
        retryDelayOnFailover: 200,
        retryDelayOnClusterDown: 300,
        // ioredis gives a command up after 16 redirections — about 3 s of a failover (a retry
        // every 200-300 ms), less than a replica takes to be promoted. Workers' and `prewarm run`'s
        // commands (`blocking`) wait through it, as they do behind Sentinel or a single Redis
        // (`maxRetriesPerRequest: null`): a job's writes, its completion, its lock renewals and
        // the run's enqueue are held instead of failing mid-failover (which left jobs failed,
        // delayed for a retry, or active with no worker). Others keep the default.
        ...(options.blocking ? { maxRedirections: Number.POSITIVE_INFINITY } : {}),
        slotsRefreshTimeout: options.connectTimeoutMs ?? 3000,
      });
    }
    default:
      throw new TypeError(`unknown Redis endpoint kind ${(endpoint as { kind: string }).kind}`);
  }
}

/**
 * ioredis attaches the command a reply error answers to the error (`err.command.args`): for a
 * refused AUTH (or HELLO … AUTH), the user name and the password, which a logger serializing
 * the error whole would print. They are masked by the first listener of every error, before
 * any other listener, and before the handlers of the commands the failure rejects (those run
 * later, as microtasks). Connections duplicated from this one get the same listener (`prepare`);
 * so do the nodes of a cluster (`node error`).
 */
function hideCredentials<C extends RedisConnection>(client: C): C {
  const mask = (err: unknown): void => {
    const command = (err as { command?: { name?: unknown; args?: unknown } } | null)?.command;
    if (command && /^(auth|hello)$/i.test(String(command.name)) && Array.isArray(command.args)) command.args = command.args.map(() => '***');
  };
  client.prependListener('error', mask);
  if (client instanceof Cluster) client.prependListener('node error', mask);
  return client;
}

/** The variable each TLS file comes from, for errors. */
const TLS_VARIABLES = { ca: 'PREWARM_REDIS_TLS_CA', cert: 'PREWARM_REDIS_TLS_CERT', key: 'PREWARM_REDIS_TLS_KEY' } as const;

/** Node's TLS options from the configured PEM files (read once per connection opened); a file that cannot be read is a configuration error naming its variable. */
function tlsOptions(files: TlsFiles = {}): ConnectionOptions {
  const read = (which: keyof typeof TLS_VARIABLES) => {
    const path = files[which];
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      const variable = TLS_VARIABLES[which];
      throw new ConfigError(`invalid ${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, variable, { cause: err });
    }
  };
  const ca = read('ca');
  const cert = read('cert');
  const key = read('key');
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

const AUTH_FAILURE = /WRONGPASS|NOAUTH|invalid (username-)?password|NOPERM/i;
const TLS_FAILURE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|EPROTO|wrong version number|certificate/i;
/** TLS alerts a server sends when it wants a client certificate or does not accept the one given. */
const CLIENT_CERT_REFUSED = /ALERT_CERTIFICATE_REQUIRED|ALERT_BAD_CERTIFICATE|ALERT_UNKNOWN_CA|ALERT_CERTIFICATE_UNKNOWN|alert certificate required|alert bad certificate|alert unknown ca/i;
/** Something accepted the connection and dropped it, or never finished the TLS handshake: a scheme that does not fit the port. */
const DROPPED = /ECONNRESET|EPIPE|Connection is closed|socket disconnected before secure TLS/i;

/** One line: where, which setting, and what went wrong, with the next step. */
function describeFailure(url: string, endpoint: RedisEndpoint, options: OpenRedisOptions, err: Error): string {
  const where = `Redis at ${redactRedisUrl(url)} (${options.variable}, ${options.role} role)`;
  // OpenSSL's messages carry a queue of codes and a source path: keep the words (`tlsv13 alert certificate required`).
  const reason = (err.message.split('\n')[0] ?? '').replace(/^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):.*$/, '$1');
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (AUTH_FAILURE.test(reason ?? '')) return `${where} refused the credentials: ${reason}; check the user and password in the URL`;
  if (endpoint.tls && CLIENT_CERT_REFUSED.test(`${code} ${reason}`)) {
    return options.tls?.cert
      ? `${where}: the TLS connection failed (${code || reason}): the server did not accept the client certificate of PREWARM_REDIS_TLS_CERT (${reason}); give one signed by a CA the server trusts`
      : `${where}: the TLS connection failed (${code || reason}): the server asks for a client certificate; give it with PREWARM_REDIS_TLS_CERT and PREWARM_REDIS_TLS_KEY`;
  }
  if (TLS_FAILURE.test(`${code} ${reason}`)) {
    return `${where}: the TLS connection failed (${code || reason}): ${reason}; give the CA that signed the server's certificate with PREWARM_REDIS_TLS_CA`;
  }
  if (!endpoint.tls && DROPPED.test(`${code} ${reason}`)) {
    return `${where} closed the connection without answering (${reason}); if that port speaks TLS, use a rediss:// URL`;
  }
  if (endpoint.tls && (DROPPED.test(`${code} ${reason}`) || code === 'ETIMEDOUT')) {
    return `no TLS answer from ${where} (${reason}): nothing answers there, or the port speaks plain Redis (then use a redis:// URL)`;
  }
  const first = endpoint.kind === 'single' ? endpoint.node : endpoint.kind === 'cluster' ? endpoint.nodes[0]! : endpoint.sentinels[0]!;
  return `no ${where.replace(/^Redis/, 'Redis answers')}: ${reason}; start one with: redis-server --port ${first.port} --save '' --daemonize yes`;
}

/**
 * What a role needs from its Redis, checked at start-up; one warning per unmet need (none when
 * CONFIG is not allowed, as on some managed services). On a cluster every master is asked.
 * - queue/state: `maxmemory-policy noeviction` (BullMQ and prewarm's state must never be
 *   evicted) and an AOF (a restart must not lose queued jobs, run records or demand history);
 * - cache: a `maxmemory` budget and an LRU/LFU policy (entries may vanish; memory may not grow).
 */
export async function checkRedisRole(client: RedisConnection, role: RedisRole): Promise<string[]> {
  const warnings = new Set<string>();
  try {
    for (const node of scanTargets(client)) {
      const config = (await node.config('GET', 'maxmemory*')) as string[];
      const [, appendonly] = (await node.config('GET', 'appendonly')) as [string, string];
      const setting = Object.fromEntries(config.flatMap((v, i) => (i % 2 === 0 ? [[v, config[i + 1]]] : [])));
      const policy = setting['maxmemory-policy'];
      if (role === 'queue/state') {
        if (policy !== 'noeviction') warnings.add(`the queue/state Redis has maxmemory-policy ${policy}; it needs noeviction (BullMQ and prewarm's state must never be evicted)`);
        if (appendonly !== 'yes') warnings.add('the queue/state Redis keeps no AOF (appendonly no): a restart loses queued jobs, run records and demand history; set appendonly yes, appendfsync everysec');
      } else {
        if (setting.maxmemory === '0') warnings.add('the cache Redis has no maxmemory: it grows until the machine runs out; give it a budget (maxmemory) with allkeys-lru');
        if (!/lru|lfu/.test(policy ?? '')) warnings.add(`the cache Redis has maxmemory-policy ${policy}; allkeys-lru (or allkeys-lfu) with a maxmemory budget is recommended`);
      }
    }
  } catch {
    // CONFIG may be disabled on managed Redis: nothing to say.
  }
  return [...warnings];
}
