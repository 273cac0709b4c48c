import { SkippedRows, SourceComputer, warmStore } from '@prewarm/compute';
import type { DiagnosisThresholds } from '@prewarm/domain';
import type { Handler } from '@prewarm/queue';
import type { WorkerContext } from '../context.js';
import { logSkipped } from './skipped.js';

/** Warms one store (L1 months, L2 days, its own L3 ranges) from one pass over its orders. */
export function warmStoreHandler(ctx: WorkerContext): Handler<'warm-store'> {
  const thresholds = ctx.config.thresholds as DiagnosisThresholds;
  return async (p) => {
    const skipped = new SkippedRows();
    const r = await warmStore(new SourceComputer(ctx.source), ctx.cache, ctx.source, { ...p, thresholds, onSkip: skipped.add });
    logSkipped(ctx.logger, skipped, { runId: p.runId, job: 'warm-store', store: r.storeId });
    await ctx.runs.jobDone(p.runId, p.phase);
    return { l1: r.l1, l2: r.l2, l3: r.l3, rawBytes: r.rawBytes, storedBytes: r.storedBytes, skippedRows: skipped.total, storeId: r.storeId, durationMs: r.durationMs };
  };
}
