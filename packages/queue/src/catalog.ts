import { StoreIdSchema as StoreId } from '@prewarm/domain';
import { z } from 'zod';

/** The two queues: orchestrators (one run at a time per worker) and the warm-up work. */
export const QUEUES = { runs: 'runs', warm: 'warm' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

const BusinessDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const RunId = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'run id must be 1–100 of A-Z a-z 0-9 _ . - (BullMQ job ids cannot hold :)');
const Range = z.object({ from: BusinessDate, to: BusinessDate });

export const RunPayload = z.object({
  runId: RunId,
  incremental: z.boolean().default(false),
  policy: z.enum(['default', 'seed']).default('default'),
  /** Last business date warmed (normally today). */
  end: BusinessDate,
  /** The scheduler slot that asked for the run, if any. */
  slot: z.string().max(200).optional(),
});

export const WarmStorePayload = z.object({
  runId: RunId,
  storeId: StoreId,
  /** `global`: a hot store's L1 raw orders after its days (default policy). */
  phase: z.enum(['hot', 'cold', 'global']),
  /** Business dates to warm at L1/L2 (inclusive). */
  range: Range,
  /** Ranges of the store's own L3 diagnosis to warm. */
  diagnosisRanges: z.array(Range).max(20),
  incremental: z.boolean().default(false),
  /** Only the L1 chunks: the store's days and diagnoses were warmed by a `warm-days` job. */
  rawOnly: z.boolean().default(false),
});

/** A batch of stores whose days and own diagnoses one `warm-days` job warms in one pass. */
export const WarmDaysPayload = z.object({
  runId: RunId,
  phase: z.enum(['hot']),
  storeIds: z.array(StoreId).min(1).max(500),
  /** Business dates to warm at L2 (inclusive). */
  range: Range,
  /** Ranges of each store's own L3 diagnosis to warm. */
  diagnosisRanges: z.array(Range).max(20),
});

/** At most this many store sets and ranges in one `warm-sets` job. */
export const MAX_SET_TARGETS = 200;

export const WarmSetsPayload = z.object({
  runId: RunId,
  /** `hot`: a set ordered among the hot stores (default policy); `sets`: the seed policy's last phase. */
  phase: z.enum(['global', 'hot', 'sets']),
  /** Store sets (`all` or sorted store ids) and ranges whose diagnosis to warm. */
  targets: z
    .array(z.object({ stores: z.union([z.literal('all'), z.array(StoreId).min(1).max(500)]), range: Range }))
    .min(1)
    .max(MAX_SET_TARGETS),
});

export const AnalyzePayload = z.object({ runId: RunId });

const Count = z.number().int().nonnegative();

/** What a warm job wrote (`warm-store`, `warm-sets`): the run summary adds these up. */
export const WarmResult = z.object({
  l1: Count,
  l2: Count,
  l3: Count,
  rawBytes: Count,
  storedBytes: Count,
  skippedRows: Count,
  /** `warm-store` only: the store warmed and how long it took. */
  storeId: StoreId.optional(),
  durationMs: z.number().nonnegative().optional(),
});

/** The demand the analyzer saw, for planning the run's hot and cold phases. */
export const AnalyzeHotResult = z.object({
  /** True when there was no access history: `fallbackHot` is the seed's first 20 %. */
  fallback: z.boolean(),
  demand: z.array(z.object({ store_id: StoreId, score: z.number().nonnegative() })),
  fallbackHot: z.array(StoreId),
  /** The most requested store sets (`all` or comma-joined ids) and ranges. */
  sets: z.array(z.object({ stores: z.string(), from: BusinessDate, to: BusinessDate, score: z.number() })),
});

/** The orchestrator returns its run record; only its identity and outcome are part of the contract. */
export const RunResult = z.object({ runId: RunId, status: z.enum(['running', 'completed', 'failed']) });

/** Retention of finished jobs: enough to inspect, bounded in age and count. */
const RETENTION = { removeOnComplete: { age: 24 * 3600, count: 1000 }, removeOnFail: { age: 7 * 24 * 3600, count: 5000 } };

export interface JobSpec<S extends z.ZodTypeAny, R extends z.ZodTypeAny = z.ZodTypeAny> {
  queue: QueueName;
  schema: S;
  /** The job's return value: handlers return it, whoever reads it (the orchestrator) parses it. */
  result: R;
  attempts: number;
  /** Base delay of the exponential backoff with jitter. */
  backoffMs: number;
  /** A job running longer than this fails (and is retried while attempts remain). */
  timeoutMs: number;
  retention: typeof RETENTION;
}

/**
 * Attempts of a warm-up job: with the 1 s base backoff the retries are 0.5–1, 1–2, 2–4 and
 * 4–8 s apart, so a job rides out a source or cache outage of 7–15 s (a database or Redis
 * restart) instead of leaving its store to be served on demand.
 */
const WARM_ATTEMPTS = 5;

/**
 * Every job prewarm runs: payload schema (validated when enqueued and again when the job
 * starts), result schema, retries, timeout, retention. Handlers receive `z.infer` of the
 * payload schema and return `z.input` of the result schema.
 */
export const JOBS = {
  run: { queue: QUEUES.runs, schema: RunPayload, result: RunResult, attempts: 3, backoffMs: 1000, timeoutMs: 60 * 60_000, retention: RETENTION },
  'warm-store': { queue: QUEUES.warm, schema: WarmStorePayload, result: WarmResult, attempts: WARM_ATTEMPTS, backoffMs: 1000, timeoutMs: 10 * 60_000, retention: RETENTION },
  'warm-sets': { queue: QUEUES.warm, schema: WarmSetsPayload, result: WarmResult, attempts: WARM_ATTEMPTS, backoffMs: 1000, timeoutMs: 20 * 60_000, retention: RETENTION },
  'warm-days': { queue: QUEUES.warm, schema: WarmDaysPayload, result: WarmResult, attempts: WARM_ATTEMPTS, backoffMs: 1000, timeoutMs: 20 * 60_000, retention: RETENTION },
  'analyze-hot': { queue: QUEUES.warm, schema: AnalyzePayload, result: AnalyzeHotResult, attempts: WARM_ATTEMPTS, backoffMs: 500, timeoutMs: 5 * 60_000, retention: RETENTION },
} as const satisfies Record<string, JobSpec<z.ZodTypeAny>>;

export type JobName = keyof typeof JOBS;
export type PayloadOf<N extends JobName> = z.infer<(typeof JOBS)[N]['schema']>;
export type PayloadInput<N extends JobName> = z.input<(typeof JOBS)[N]['schema']>;
export type ResultOf<N extends JobName> = z.infer<(typeof JOBS)[N]['result']>;
export type ResultInput<N extends JobName> = z.input<(typeof JOBS)[N]['result']>;

/** A payload that does not match its job's schema: never retried. */
export class InvalidPayloadError extends Error {
  static readonly code = 'E_INVALID_PAYLOAD';
  readonly code = InvalidPayloadError.code;
  constructor(
    readonly job: string,
    message: string,
  ) {
    super(`invalid ${job} payload: ${message}`);
    this.name = 'InvalidPayloadError';
  }
}

/** A job's return value that does not match its result schema: a bug in the job's handler. */
export class InvalidResultError extends Error {
  static readonly code = 'E_INVALID_RESULT';
  readonly code = InvalidResultError.code;
  constructor(
    readonly job: string,
    message: string,
  ) {
    super(`invalid ${job} result: ${message}`);
    this.name = 'InvalidResultError';
  }
}

/** The value parsed by a schema, or the schema's complaint on one line naming the field. */
function check(schema: z.ZodTypeAny, value: unknown): { ok: true; data: unknown } | { ok: false; message: string } {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, data: result.data } : { ok: false, message: z.prettifyError(result.error).replace(/\n/g, '; ') };
}

/** Validates a payload against its job's schema; the message names the field. */
export function parsePayload<N extends JobName>(name: N, data: unknown): PayloadOf<N> {
  if (!(name in JOBS)) throw new InvalidPayloadError(String(name), 'unknown job name');
  const checked = check(JOBS[name].schema, data);
  if (!checked.ok) throw new InvalidPayloadError(name, checked.message);
  return checked.data as PayloadOf<N>;
}

/** Validates a job's return value against its result schema; the message names the field. */
export function parseResult<N extends JobName>(name: N, value: unknown): ResultOf<N> {
  const checked = check(JOBS[name].result, value);
  if (!checked.ok) throw new InvalidResultError(name, checked.message);
  return checked.data as ResultOf<N>;
}

/** Exponential backoff with full jitter, as a BullMQ custom backoff strategy. */
export function backoffWithJitter(attemptsMade: number, baseMs: number, random: () => number = Math.random): number {
  const cap = baseMs * 2 ** Math.max(0, attemptsMade - 1);
  return Math.round(cap / 2 + (random() * cap) / 2);
}
