import { CachedComputer, SkippedRows, SourceComputer } from '@prewarm/compute';
import type { DiagnosisThresholds } from '@prewarm/domain';
import type { Handler, ResultInput } from '@prewarm/queue';
import type { WorkerContext } from '../context.js';
import { logSkipped } from './skipped.js';

/**
 * Rewrites the L3 diagnosis of store sets (`all` in the global phase, the hottest sets last),
 * reading their L2 days through the cache: missing days are computed and written on the way.
 */
export function warmSetsHandler(ctx: WorkerContext): Handler<'warm-sets'> {
  const thresholds = ctx.config.thresholds as DiagnosisThresholds;
  return async (p) => {
    const skipped = new SkippedRows();
    const reader = new CachedComputer(new SourceComputer(ctx.source), ctx.cache, thresholds);
    const result: ResultInput<'warm-sets'> = { l1: 0, l2: 0, l3: 0, rawBytes: 0, storedBytes: 0, skippedRows: 0 };
    for (const target of p.targets) {
      const w = await reader.refreshDiagnosis(target.stores, target.range, { onSkip: skipped.add });
      result.l2 += w.l2Writes;
      result.l3 += 1;
      result.rawBytes += w.rawBytes;
      result.storedBytes += w.storedBytes;
    }
    result.skippedRows = skipped.total;
    logSkipped(ctx.logger, skipped, { runId: p.runId, job: 'warm-sets', phase: p.phase });
    await ctx.runs.jobDone(p.runId, p.phase);
    return result;
  };
}
