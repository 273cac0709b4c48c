import type { DateRange } from '@prewarm/domain';
import type { PayloadInput, PayloadOf } from '@prewarm/queue';
import type { RunRecord, RunStep } from '@prewarm/runs';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { WorkerContext } from '../context.js';

/** The jobs an orchestrator adds as its children. */
export type ChildJob = 'warm-store' | 'warm-sets' | 'warm-days' | 'analyze-hot';

/** What one step of the orchestrator works with. */
export interface RunContext {
  ctx: WorkerContext;
  payload: PayloadOf<'run'>;
  job: Job;
  /** The run record: the steps' only memory across waits and restarts (saved before each wait). */
  record: RunRecord;
  log: Logger;
  /** The dashboard ranges whose diagnoses the run warms. */
  ranges: DateRange[];
  /** The L1/L2 window of the run. */
  window: DateRange;
  /** Adds a child job; its id is derived from the run, so adding it again after a restart is a no-op. */
  addChild<N extends ChildJob>(name: N, payload: PayloadInput<N>, jobId: string, priority?: number): Promise<void>;
}

/** After a step: wait for the children it added, go on with the next step, or end the run. */
export type StepOutcome = 'wait' | 'next' | 'done';

export type Step = (run: RunContext) => Promise<StepOutcome>;

/** The orchestrator's steps in order, each a handler in `steps/`. */
export type StepTable = Record<RunStep, Step>;
