import { SourceComputer } from '@prewarm/compute';
import { endPhase, planRun, startPhase } from '@prewarm/runs';
import { analysisOf, childJobId } from '../children.js';
import type { Step } from '../run-context.js';

/**
 * `hot`: plans the run from the analyzer's demand and the stores' orders in the window
 * (`planRun`), then warms the hot stores in parallel, in plan order (BullMQ priorities). Under
 * the default policy the demanded store sets join that order, each by its expected benefit and
 * after its members. An incremental run warms only the changed stores of the plan (and the
 * sets that include one).
 */
export const hotStep: Step = async ({ ctx, payload, job, record, log, ranges, window, addChild }) => {
  endPhase(record, 'analyze');
  const analysis = await analysisOf(job, payload.runId);
  const stores = [...(await new SourceComputer(ctx.source).stores()).keys()];
  const sets = (analysis?.sets ?? []).filter((s) => s.stores !== 'all').map((s) => ({ stores: s.stores.split(','), from: s.from, to: s.to, score: s.score }));
  let plan = planRun({
    policy: payload.policy,
    stores,
    demand: analysis?.demand ?? [],
    sets,
    rows: new Map(Object.entries(record.storeRows ?? {})),
    hotRatio: ctx.config.runs.hotRatio,
    coldLimit: ctx.config.runs.coldStoreLimit,
    fallbackHot: analysis?.fallbackHot ?? [],
  });
  if (payload.incremental) {
    const changed = new Set(record.stores.changed);
    plan = {
      hot: plan.hot.filter((s) => changed.has(s)),
      cold: plan.cold.filter((s) => changed.has(s)),
      order: plan.order.filter((item) => (item.kind === 'store' ? changed.has(item.storeId) : item.set.stores.some((s) => changed.has(s)))),
    };
  }
  record.stores.hot = plan.hot;
  record.stores.cold = plan.cold;
  record.hotSets = sets.map(({ stores: ids, from, to }) => ({ stores: ids, from, to }));
  const order = payload.policy === 'seed' ? plan.hot.map((storeId) => ({ kind: 'store' as const, storeId })) : plan.order;
  startPhase(record, 'hot', order.length);
  log.info({ phase: 'hot', hot: plan.hot.length, cold: plan.cold.length, sets: order.length - plan.hot.length }, 'stores planned');
  let setIndex = 0;
  for (const [i, item] of order.entries()) {
    if (item.kind === 'store') {
      const warm = { runId: payload.runId, storeId: item.storeId, phase: 'hot' as const, range: window, diagnosisRanges: ranges, incremental: payload.incremental };
      await addChild('warm-store', warm, childJobId.store(payload.runId, 'hot', item.storeId), i + 1);
    } else {
      const target = { stores: [...item.set.stores], range: { from: item.set.from, to: item.set.to } };
      await addChild('warm-sets', { runId: payload.runId, phase: 'hot', targets: [target] }, childJobId.set(payload.runId, setIndex++), i + 1);
    }
  }
  record.step = payload.policy === 'seed' ? 'cold' : 'global';
  return order.length > 0 ? 'wait' : 'next';
};
