import { HotStoreAnalyzer, hotCount } from '@prewarm/analyzer';
import { SourceComputer } from '@prewarm/compute';
import { compareCodeUnits } from '@prewarm/domain';
import type { Handler } from '@prewarm/queue';
import type { WorkerContext } from '../context.js';

/** Counts the access stream into demand scores and reports the ranking the run is planned from. */
export function analyzeHotHandler(ctx: WorkerContext): Handler<'analyze-hot'> {
  return async (p) => {
    const analyzer = new HotStoreAnalyzer({ state: ctx.state, keyspace: ctx.keys, consumer: ctx.workerId });
    await analyzer.analyze();
    const stores = [...(await new SourceComputer(ctx.source).stores()).keys()];
    const { hotRatio, hotSets } = ctx.config.runs;
    const ranking = await analyzer.ranking({ stores, ratio: hotRatio, limit: Math.max(1, hotSets) });
    await ctx.runs.jobDone(p.runId, 'analyze');
    return {
      fallback: ranking.fallback,
      demand: ranking.stores,
      fallbackHot: ranking.fallback ? ranking.hot : [...stores].sort(compareCodeUnits).slice(0, hotCount(stores.length, hotRatio)),
      sets: ranking.sets.slice(0, hotSets),
    };
  };
}
