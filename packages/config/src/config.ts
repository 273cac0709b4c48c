import { redactRedisUrl } from './redis-url.js';
import { EnvSchema, type Env } from './schema.js';

export type SourceKind = 'sqlite' | 'postgres';

export interface RuleThresholds {
  warning: number;
  critical: number | null;
}

/** The validated, frozen settings every app receives from its composition root. */
export interface Config {
  source: { url: string; kind: SourceKind };
  redis: {
    queueUrl: string;
    cacheUrl: string;
    shared: boolean;
    /** PEM files for `rediss…` URLs (null: the system CAs, no client certificate). */
    tls: { ca: string | null; cert: string | null; key: string | null };
  };
  http: { port: number; host: string; token: string | null; queuesWritable: boolean };
  cache: {
    prefix: string;
    ttlSeconds: { l1: number; l2: number; l3: number };
    jitter: number;
    graceSeconds: number;
    l4MaxBytes: number;
    accessStreamMaxLen: number;
  };
  log: { level: Env['PREWARM_LOG_LEVEL'] };
  queue: { prefix: string; concurrency: number; lockMs: number; /** SIGTERM: how long running jobs get before the worker closes anyway. */ shutdownGraceMs: number };
  runs: { hotRatio: number; coldStoreLimit: number; hotSets: number };
  schedule: { full: string; incremental: string; timezone: string };
  thresholds: {
    LOSS_ORDERS_HIGH: RuleThresholds;
    MARGIN_LOW: RuleThresholds;
    DISCOUNT_HIGH: RuleThresholds;
    DELIVERY_COST_HIGH: RuleThresholds;
    REFUND_RATE_HIGH: RuleThresholds;
    REVENUE_DROP: RuleThresholds;
  };
}

/** A setting is invalid; the message is one line naming the variable and the problem. */
export class ConfigError extends Error {
  static readonly code = 'E_CONFIG';
  readonly code = ConfigError.code;
  constructor(
    message: string,
    readonly variable: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

type EnvInput = Record<string, string | undefined>;

/** Parses settings from an environment-like object; throws ConfigError on the first bad one. */
export function parseConfig(env: EnvInput): Config {
  // An empty variable means "unset", as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const value = present[variable];
    // A URL may carry a password: show the value with it masked, never as given.
    const shown = value === undefined ? '' : ` (got ${JSON.stringify(redactRedisUrl(value))})`;
    throw new ConfigError(`invalid ${variable}: ${issue.message}${shown}`, variable);
  }
  const e = result.data;
  const cacheUrl = e.PREWARM_CACHE_REDIS_URL ?? e.PREWARM_QUEUE_REDIS_URL;
  return deepFreeze({
    source: { url: e.PREWARM_SOURCE_URL, kind: e.PREWARM_SOURCE_URL.startsWith('sqlite:') ? 'sqlite' : 'postgres' },
    redis: {
      queueUrl: e.PREWARM_QUEUE_REDIS_URL,
      cacheUrl,
      shared: cacheUrl === e.PREWARM_QUEUE_REDIS_URL,
      tls: { ca: e.PREWARM_REDIS_TLS_CA ?? null, cert: e.PREWARM_REDIS_TLS_CERT ?? null, key: e.PREWARM_REDIS_TLS_KEY ?? null },
    },
    http: { port: e.PREWARM_HTTP_PORT, host: e.PREWARM_HTTP_HOST, token: e.PREWARM_API_TOKEN ?? null, queuesWritable: e.PREWARM_QUEUES_WRITE === 'true' },
    cache: {
      prefix: e.PREWARM_CACHE_PREFIX,
      ttlSeconds: { l1: e.PREWARM_TTL_L1_SECONDS, l2: e.PREWARM_TTL_L2_SECONDS, l3: e.PREWARM_TTL_L3_SECONDS },
      jitter: e.PREWARM_TTL_JITTER,
      graceSeconds: e.PREWARM_STALE_GRACE_SECONDS,
      l4MaxBytes: Math.round(e.PREWARM_L4_MAX_MB * 1024 * 1024),
      accessStreamMaxLen: e.PREWARM_ACCESS_STREAM_MAXLEN,
    },
    log: { level: e.PREWARM_LOG_LEVEL },
    queue: { prefix: e.PREWARM_QUEUE_PREFIX, concurrency: e.PREWARM_WORKER_CONCURRENCY, lockMs: e.PREWARM_JOB_LOCK_MS, shutdownGraceMs: e.PREWARM_SHUTDOWN_GRACE_MS },
    runs: { hotRatio: e.PREWARM_HOT_STORE_RATIO, coldStoreLimit: e.PREWARM_COLD_STORE_LIMIT, hotSets: e.PREWARM_HOT_SETS },
    schedule: { full: e.PREWARM_SCHEDULE_FULL, incremental: e.PREWARM_SCHEDULE_INCREMENTAL, timezone: e.PREWARM_SCHEDULE_TIMEZONE },
    thresholds: {
      LOSS_ORDERS_HIGH: { warning: e.PREWARM_RULE_LOSS_ORDERS_HIGH_WARNING, critical: e.PREWARM_RULE_LOSS_ORDERS_HIGH_CRITICAL },
      MARGIN_LOW: { warning: e.PREWARM_RULE_MARGIN_LOW_WARNING, critical: e.PREWARM_RULE_MARGIN_LOW_CRITICAL },
      DISCOUNT_HIGH: { warning: e.PREWARM_RULE_DISCOUNT_HIGH_WARNING, critical: null },
      DELIVERY_COST_HIGH: { warning: e.PREWARM_RULE_DELIVERY_COST_HIGH_WARNING, critical: null },
      REFUND_RATE_HIGH: { warning: e.PREWARM_RULE_REFUND_RATE_HIGH_WARNING, critical: e.PREWARM_RULE_REFUND_RATE_HIGH_CRITICAL },
      REVENUE_DROP: { warning: e.PREWARM_RULE_REVENUE_DROP_WARNING, critical: e.PREWARM_RULE_REVENUE_DROP_CRITICAL },
    },
  });
}

/** The one place in prewarm that reads `process.env`. */
export function loadConfig(): Config {
  return parseConfig(process.env);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
