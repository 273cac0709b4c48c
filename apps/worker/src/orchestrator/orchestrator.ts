import type { PayloadOf } from '@prewarm/queue';
import { type RunRecord, dashboardRanges, warmWindow } from '@prewarm/runs';
import { type Job, UnrecoverableError, WaitingChildrenError } from 'bullmq';
import type { WorkerContext } from '../context.js';
import type { RunContext, StepTable } from './run-context.js';
import { analyzeStep } from './steps/analyze.js';
import { coldNextStep, coldStep } from './steps/cold.js';
import { doneStep, finishStep } from './steps/finish.js';
import { startStep } from './steps/start.js';
import { globalStep } from './steps/global.js';
import { hotStep } from './steps/hot.js';
import { setsStep } from './steps/sets.js';

/**
 * Step → handler. The seed policy runs the seed's phases: global → analyze → hot (parallel) →
 * cold (serial) → sets. The default policy follows demand from its first second: analyze →
 * hot (demanded stores and sets, by benefit) → global (all-stores entries) → cold.
 */
export const STEPS: StepTable = {
  start: startStep,
  analyze: analyzeStep,
  hot: hotStep,
  global: globalStep,
  cold: coldStep,
  'cold-next': coldNextStep,
  sets: setsStep,
  finish: finishStep,
  done: doneStep,
};

/**
 * The orchestrator: runs the step the run record names, adding children at run time and
 * sleeping (moveToWaitingChildren) while they run. Its progress lives in the run record, so a
 * restarted orchestrator resumes where it stopped; children have ids derived from the run, so
 * a resumed step re-adding them is a no-op. A failed child never blocks the run: it is retried
 * by BullMQ, then reported. A failed step is retried too (the `run` job's attempts), from the
 * record as last saved.
 */
export async function orchestrate(ctx: WorkerContext, payload: PayloadOf<'run'>, job: Job, token: string | undefined): Promise<RunRecord> {
  const record = (await ctx.runs.get(payload.runId)) ?? (await ctx.runs.create({ runId: payload.runId, incremental: payload.incremental, policy: payload.policy }));
  const parent = { id: job.id!, queue: job.queueQualifiedName };
  const run: RunContext = {
    ctx,
    payload,
    job,
    record,
    log: ctx.logger.child({ runId: payload.runId, jobId: job.id }),
    ranges: dashboardRanges(payload.end),
    window: warmWindow(payload.end),
    addChild: async (name, data, jobId, priority) => {
      await ctx.queues.add(name, data, { parent, ignoreDependencyOnFailure: true, jobId, ...(priority ? { priority } : {}) });
    },
  };
  try {
    for (;;) {
      const outcome = await STEPS[record.step](run);
      if (outcome === 'done') return record;
      if (outcome === 'wait') {
        await ctx.runs.save(record);
        if (await job.moveToWaitingChildren(token!)) throw new WaitingChildrenError();
      }
    }
  } catch (err) {
    if (err instanceof WaitingChildrenError) throw err;
    // A failure BullMQ will retry (Redis failing over, a connection lost) leaves the record as
    // it was last saved: the next attempt resumes from there. Only the last attempt fails the run.
    const retried = !(err instanceof UnrecoverableError) && job.attemptsMade + 1 < (job.opts.attempts ?? 1);
    if (retried) {
      run.log.warn({ err: (err as Error).message, attempt: job.attemptsMade + 1 }, 'orchestrator step failed; retrying from the saved record');
      throw err;
    }
    record.status = 'failed';
    record.error = (err as Error).message;
    record.finishedAt = Date.now();
    await ctx.runs.save(record);
    throw err;
  }
}
