import { type Job, type MinimalJob, UnrecoverableError } from 'bullmq';
import { InvalidPayloadError, JOBS, type JobName, type PayloadOf, type ResultInput, backoffWithJitter, parsePayload } from './catalog.js';

export type Handler<N extends JobName> = (payload: PayloadOf<N>, job: Job, token: string | undefined) => Promise<ResultInput<N>>;
/** One handler per job of the catalog: a job without a handler does not compile. */
export type Handlers = { [N in JobName]: Handler<N> };

export class JobTimeoutError extends Error {
  static readonly code = 'E_JOB_TIMEOUT';
  readonly code = JobTimeoutError.code;
  constructor(name: string, ms: number) {
    super(`${name} job timed out after ${ms} ms`);
    this.name = 'JobTimeoutError';
  }
}

/**
 * One BullMQ processor for a queue: looks the job up in the catalog, validates its payload
 * again (a bad payload fails at once, without retries), and enforces the job's timeout.
 */
export function processorFor(handlers: Handlers): (job: Job, token?: string) => Promise<unknown> {
  return async (job, token) => {
    const name = job.name as JobName;
    const handler = handlers[name] as Handler<JobName> | undefined;
    if (!handler || !(name in JOBS)) throw new UnrecoverableError(`no handler for job ${JSON.stringify(job.name)}`);
    let payload: PayloadOf<JobName>;
    try {
      payload = parsePayload(name, job.data);
    } catch (err) {
      if (err instanceof InvalidPayloadError) throw new UnrecoverableError(err.message);
      throw err;
    }
    const timeoutMs = JOBS[name].timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        handler(payload, job, token),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new JobTimeoutError(name, timeoutMs)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Worker setting: the `jitter` backoff type used by the catalog. */
export const backoffStrategy = (attemptsMade: number, type?: string, _err?: Error, job?: MinimalJob): number => {
  const spec = job ? JOBS[job.name as JobName] : undefined;
  return type === 'jitter' ? backoffWithJitter(attemptsMade, spec?.backoffMs ?? 1000) : 0;
};
