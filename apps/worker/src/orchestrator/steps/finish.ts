import { recordWatermarks } from '@prewarm/compute';
import { endPhase } from '@prewarm/runs';
import { summarize } from '../children.js';
import type { Step } from '../run-context.js';

/** `finish`: adds up the children's results, records the watermarks the run reached, completes the run. */
export const finishStep: Step = async ({ ctx, job, record, log }) => {
  endPhase(record, 'cold');
  endPhase(record, 'sets');
  await summarize(ctx, record, job);
  record.eventLoopDelayMaxMs = ctx.eventLoopDelayMaxMs();
  await recordWatermarks(ctx.cache, new Map(Object.entries(record.pendingWatermarks)));
  record.status = 'completed';
  record.finishedAt = Date.now();
  record.step = 'done';
  await ctx.runs.save(record);
  log.info({ durationMs: record.finishedAt - record.startedAt }, 'run completed');
  return 'done';
};

/** `done`: a completed run delivered again (a retried or duplicated job) returns its record. */
export const doneStep: Step = async () => 'done';
