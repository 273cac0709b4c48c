import { SkippedRows, SourceComputer, warmDays } from '@prewarm/compute';
import type { DiagnosisThresholds } from '@prewarm/domain';
import type { Handler } from '@prewarm/queue';
import type { WorkerContext } from '../context.js';
import { logSkipped } from './skipped.js';

/** Warms a batch of stores' L2 days and own L3 diagnoses from one pass over their orders (no L1). */
export function warmDaysHandler(ctx: WorkerContext): Handler<'warm-days'> {
  const thresholds = ctx.config.thresholds as DiagnosisThresholds;
  return async (p) => {
    const skipped = new SkippedRows();
    const r = await warmDays(new SourceComputer(ctx.source), ctx.cache, { storeIds: p.storeIds, range: p.range, diagnosisRanges: p.diagnosisRanges, thresholds, onSkip: skipped.add });
    logSkipped(ctx.logger, skipped, { runId: p.runId, job: 'warm-days', stores: p.storeIds.length });
    await ctx.runs.jobDone(p.runId, p.phase);
    return { l1: 0, l2: r.l2, l3: r.l3, rawBytes: r.rawBytes, storedBytes: r.storedBytes, skippedRows: skipped.total };
  };
}
