import { SourceComputer } from '@prewarm/compute';
import { endPhase, planRun, startPhase } from '@prewarm/runs';
import { analysisOf, childJobId } from '../children.js';
import type { Step } from '../run-context.js';

/**
 * `hot`: plans the run from the analyzer's demand and the stores' warm costs (`planRun`), then
 * warms the hot stores in parallel, in plan order (BullMQ priorities). An incremental run
 * warms only the changed stores of the plan.
 */
export const hotStep: Step = async ({ ctx, payload, job, record, log, ranges, window, addChild }) => {
  endPhase(record, 'analyze');
  const analysis = await analysisOf(job, payload.runId);
  const stores = [...(await new SourceComputer(ctx.source).stores()).keys()];
  let plan = planRun({
    policy: payload.policy,
    stores,
    demand: analysis?.demand ?? [],
    costMs: await ctx.warmCosts.all(),
    hotRatio: ctx.config.runs.hotRatio,
    coldLimit: ctx.config.runs.coldStoreLimit,
    fallbackHot: analysis?.fallbackHot ?? [],
  });
  if (payload.incremental) {
    const changed = new Set(record.stores.changed);
    plan = { hot: plan.hot.filter((s) => changed.has(s)), cold: plan.cold.filter((s) => changed.has(s)) };
  }
  record.stores.hot = plan.hot;
  record.stores.cold = plan.cold;
  record.hotSets = (analysis?.sets ?? []).filter((s) => s.stores !== 'all').map((s) => ({ stores: s.stores.split(','), from: s.from, to: s.to }));
  startPhase(record, 'hot', plan.hot.length);
  log.info({ phase: 'hot', hot: plan.hot.length, cold: plan.cold.length }, 'stores planned');
  for (const [i, storeId] of plan.hot.entries()) {
    const warm = { runId: payload.runId, storeId, phase: 'hot' as const, range: window, diagnosisRanges: ranges, incremental: payload.incremental };
    await addChild('warm-store', warm, childJobId.store(payload.runId, 'hot', storeId), i + 1);
  }
  record.step = 'cold';
  return plan.hot.length > 0 ? 'wait' : 'next';
};
