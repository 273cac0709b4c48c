import { z } from 'zod';
import { parseRedisUrl } from './redis-url.js';

const SOURCE_URL = /^(sqlite:.+|postgres(ql)?:\/\/.+)$/;

/** One of the Redis URL forms of `redis-url.ts`; the message says what is wrong, never the password. */
const redisUrl = z.string().superRefine((text, ctx) => {
  try {
    parseRedisUrl(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `${(err as Error).message} (e.g. redis://127.0.0.1:6379 or redis+cluster://h1:7000,h2:7001)` });
  }
});

/** A readable file path (read when a connection opens). */
const filePath = z.string().min(1, 'must be a file path');

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const seconds = z.coerce.number({ error: 'must be a number of seconds' }).int('must be a whole number of seconds').min(1, 'must be ≥ 1');

const ratio = z.coerce.number({ error: 'must be a number' }).min(-1, 'must be between -1 and 1').max(1, 'must be between -1 and 1');

/** Environment variables read by prewarm, with their defaults (contract §9). */
const BaseSchema = z.object({
  PREWARM_SOURCE_URL: z
    .string()
    .regex(SOURCE_URL, 'must be sqlite:PATH or postgres://USER@HOST:PORT/DB')
    .default('sqlite:./data/orders.db'),
  PREWARM_QUEUE_REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  PREWARM_CACHE_REDIS_URL: redisUrl.optional(),
  PREWARM_REDIS_TLS_CA: filePath.optional(),
  PREWARM_REDIS_TLS_CERT: filePath.optional(),
  PREWARM_REDIS_TLS_KEY: filePath.optional(),
  PREWARM_HTTP_PORT: port.default(8080),
  PREWARM_HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  PREWARM_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PREWARM_QUEUES_WRITE: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  PREWARM_CACHE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 letters, digits, _ or -')
    .default('pw'),
  PREWARM_TTL_L1_SECONDS: seconds.default(86_400),
  PREWARM_TTL_L2_SECONDS: seconds.default(21_600),
  PREWARM_TTL_L3_SECONDS: seconds.default(3_600),
  PREWARM_TTL_JITTER: z.coerce.number({ error: 'must be a number' }).min(0, 'must be between 0 and 0.5').max(0.5, 'must be between 0 and 0.5').default(0.1),
  PREWARM_STALE_GRACE_SECONDS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be ≥ 0').default(0),
  PREWARM_L4_MAX_MB: z.coerce.number({ error: 'must be a number' }).min(0, 'must be ≥ 0 (0 disables L4)').default(64),
  PREWARM_ACCESS_STREAM_MAXLEN: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1000, 'must be ≥ 1000').default(100_000),
  PREWARM_QUEUE_PREFIX: z
    .string()
    .regex(/^\{[A-Za-z0-9_-]{1,32}\}$/, 'must be a Redis Cluster hash tag such as {prewarm}')
    .default('{prewarm}'),
  PREWARM_WORKER_CONCURRENCY: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1–100').max(100, 'must be 1–100').default(5),
  PREWARM_JOB_LOCK_MS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1000, 'must be ≥ 1000').default(30_000),
  PREWARM_SHUTDOWN_GRACE_MS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be ≥ 0').default(25_000),
  PREWARM_HOT_STORE_RATIO: z.coerce.number({ error: 'must be a number' }).gt(0, 'must be above 0 and at most 1').max(1, 'must be above 0 and at most 1').default(0.2),
  PREWARM_COLD_STORE_LIMIT: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be ≥ 0').default(20),
  PREWARM_HOT_SETS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0–200').max(200, 'must be 0–200').default(20),
  PREWARM_SCHEDULE_FULL: z.string().min(1).default('0 2 * * *'),
  PREWARM_SCHEDULE_INCREMENTAL: z.string().min(1).default('*/15 * * * *'),
  PREWARM_SCHEDULE_TIMEZONE: z.string().min(1).default('Asia/Shanghai'),
  PREWARM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PREWARM_RULE_LOSS_ORDERS_HIGH_WARNING: ratio.default(0.1),
  PREWARM_RULE_LOSS_ORDERS_HIGH_CRITICAL: ratio.default(0.2),
  PREWARM_RULE_MARGIN_LOW_WARNING: ratio.default(0.15),
  PREWARM_RULE_MARGIN_LOW_CRITICAL: ratio.default(0.05),
  PREWARM_RULE_DISCOUNT_HIGH_WARNING: ratio.default(0.3),
  PREWARM_RULE_DELIVERY_COST_HIGH_WARNING: ratio.default(0.15),
  PREWARM_RULE_REFUND_RATE_HIGH_WARNING: ratio.default(0.05),
  PREWARM_RULE_REFUND_RATE_HIGH_CRITICAL: ratio.default(0.1),
  PREWARM_RULE_REVENUE_DROP_WARNING: ratio.default(-0.2),
  PREWARM_RULE_REVENUE_DROP_CRITICAL: ratio.default(-0.4),
});

/** Rules whose critical level must be at least as severe as the warning. */
const RULE_ORDER = [
  ['LOSS_ORDERS_HIGH', 'higher'],
  ['REFUND_RATE_HIGH', 'higher'],
  ['MARGIN_LOW', 'lower'],
  ['REVENUE_DROP', 'lower'],
] as const;

export const EnvSchema = BaseSchema.superRefine((env, ctx) => {
  if ((env.PREWARM_REDIS_TLS_CERT === undefined) !== (env.PREWARM_REDIS_TLS_KEY === undefined)) {
    const missing = env.PREWARM_REDIS_TLS_CERT === undefined ? 'PREWARM_REDIS_TLS_CERT' : 'PREWARM_REDIS_TLS_KEY';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'a client certificate needs both PREWARM_REDIS_TLS_CERT and PREWARM_REDIS_TLS_KEY' });
  }
  for (const [rule, direction] of RULE_ORDER) {
    const warning = env[`PREWARM_RULE_${rule}_WARNING`];
    const critical = env[`PREWARM_RULE_${rule}_CRITICAL`];
    if (direction === 'higher' ? critical < warning : critical > warning) {
      ctx.addIssue({
        code: 'custom',
        path: [`PREWARM_RULE_${rule}_CRITICAL`],
        message: `must be ${direction === 'higher' ? 'at least' : 'at most'} PREWARM_RULE_${rule}_WARNING (${warning}), got ${critical}`,
      });
    }
  }
  if (env.PREWARM_RULE_REVENUE_DROP_WARNING >= 0) {
    ctx.addIssue({ code: 'custom', path: ['PREWARM_RULE_REVENUE_DROP_WARNING'], message: 'must be negative (a drop), e.g. -0.2' });
  }
});

export type Env = z.infer<typeof BaseSchema>;

/** One line of documentation per variable, for `--help` and the README's table. */
export const ENV_DOCS: Record<keyof Env, string> = {
  PREWARM_SOURCE_URL: 'Source database: `sqlite:PATH` (embedded default) or `postgres://…`',
  PREWARM_QUEUE_REDIS_URL: 'Redis for queues and durable state (noeviction)',
  PREWARM_CACHE_REDIS_URL: 'Redis for cache entries (LRU); defaults to the queue URL',
  PREWARM_REDIS_TLS_CA: 'PEM file of the CA that signed the Redis servers\' certificates (`rediss…` URLs; default: the system CAs)',
  PREWARM_REDIS_TLS_CERT: 'PEM client certificate for Redis servers that ask for one (with `PREWARM_REDIS_TLS_KEY`)',
  PREWARM_REDIS_TLS_KEY: 'PEM private key of `PREWARM_REDIS_TLS_CERT`',
  PREWARM_HTTP_PORT: 'Port of `prewarm serve`',
  PREWARM_HTTP_HOST: 'Address `prewarm serve` listens on',
  PREWARM_API_TOKEN: 'When set, every HTTP route but /healthz needs `Authorization: Bearer <token>`',
  PREWARM_QUEUES_WRITE: 'Allow write actions (retry, clean, …) in the /queues dashboard',
  PREWARM_CACHE_PREFIX: 'Prefix of every Redis key and channel prewarm writes',
  PREWARM_TTL_L1_SECONDS: 'L1 (raw orders per store-month) time to live',
  PREWARM_TTL_L2_SECONDS: 'L2 (daily metrics per store-day) time to live',
  PREWARM_TTL_L3_SECONDS: 'L3 (diagnosis per store set and range) time to live',
  PREWARM_TTL_JITTER: 'TTL spread: each entry lives ttl × [1 − j, 1 + j]',
  PREWARM_STALE_GRACE_SECONDS: 'Serve an expired entry this long while it is recomputed (0: off)',
  PREWARM_L4_MAX_MB: 'In-process L4 budget per process, MB (0 disables L4)',
  PREWARM_ACCESS_STREAM_MAXLEN: 'Approximate length the access stream is trimmed to',
  PREWARM_QUEUE_PREFIX: 'BullMQ key prefix (a hash tag, so each queue lives in one cluster slot)',
  PREWARM_WORKER_CONCURRENCY: 'Warm-up jobs run at once per worker process',
  PREWARM_JOB_LOCK_MS: 'Job lock and stall-check interval: a crashed worker\'s jobs are taken over after about this long',
  PREWARM_SHUTDOWN_GRACE_MS: 'On SIGTERM, how long a worker waits for its running jobs before it closes anyway (they are then taken over as a crashed worker\'s are)',
  PREWARM_HOT_STORE_RATIO: 'Share of stores the seed policy (and the no-history fallback) treats as hot',
  PREWARM_COLD_STORE_LIMIT: 'Cold stores warmed per run (serially); the rest are served on demand',
  PREWARM_HOT_SETS: 'Most requested store sets (from the access stream) whose diagnosis a run warms',
  PREWARM_SCHEDULE_FULL: 'node-cron expression of the nightly full run',
  PREWARM_SCHEDULE_INCREMENTAL: 'node-cron expression of the incremental run',
  PREWARM_SCHEDULE_TIMEZONE: 'IANA time zone of the schedules',
  PREWARM_LOG_LEVEL: 'pino log level: fatal, error, warn, info, debug, trace or silent',
  PREWARM_RULE_LOSS_ORDERS_HIGH_WARNING: 'LOSS_ORDERS_HIGH warning: loss_order_rate ≥ this',
  PREWARM_RULE_LOSS_ORDERS_HIGH_CRITICAL: 'LOSS_ORDERS_HIGH critical: loss_order_rate ≥ this',
  PREWARM_RULE_MARGIN_LOW_WARNING: 'MARGIN_LOW warning: margin < this',
  PREWARM_RULE_MARGIN_LOW_CRITICAL: 'MARGIN_LOW critical: margin < this',
  PREWARM_RULE_DISCOUNT_HIGH_WARNING: 'DISCOUNT_HIGH warning: discount_rate ≥ this',
  PREWARM_RULE_DELIVERY_COST_HIGH_WARNING: 'DELIVERY_COST_HIGH warning: delivery_share ≥ this',
  PREWARM_RULE_REFUND_RATE_HIGH_WARNING: 'REFUND_RATE_HIGH warning: refund_rate ≥ this',
  PREWARM_RULE_REFUND_RATE_HIGH_CRITICAL: 'REFUND_RATE_HIGH critical: refund_rate ≥ this',
  PREWARM_RULE_REVENUE_DROP_WARNING: 'REVENUE_DROP warning: revenue_change ≤ this',
  PREWARM_RULE_REVENUE_DROP_CRITICAL: 'REVENUE_DROP critical: revenue_change ≤ this',
};
