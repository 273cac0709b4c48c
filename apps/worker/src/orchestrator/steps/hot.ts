import { SourceComputer } from '@prewarm/compute';
import { type SetDemand, type WarmItem, endPhase, planRun, startPhase } from '@prewarm/runs';
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
  endPhase(record, 'global');
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
  if (payload.policy === 'seed') {
    startPhase(record, 'hot', plan.hot.length);
    log.info({ phase: 'hot', hot: plan.hot.length, cold: plan.cold.length }, 'stores planned');
    for (const [i, storeId] of plan.hot.entries()) {
      const warm = { runId: payload.runId, storeId, phase: 'hot' as const, range: window, diagnosisRanges: ranges, incremental: payload.incremental };
      await addChild('warm-store', warm, childJobId.store(payload.runId, 'hot', storeId), i + 1);
    }
    record.step = 'cold';
    return plan.hot.length > 0 ? 'wait' : 'next';
  }
  // Default policy (after the global pass warmed every store's days): what dashboards read of
  // the demanded stores — their own diagnoses, computed from those days (days a change dropped
  // are read again) — in batches that grow along the order, with the sets between them; then the
  // L1 raw orders of the most demanded stores (the seed's hot share), which no dashboard reads.
  const jobs = batchOrder(plan.order);
  const raw = plan.hot.slice(0, Math.ceil(ctx.config.runs.hotRatio * stores.length));
  startPhase(record, 'hot', jobs.length + raw.length);
  log.info({ phase: 'hot', hot: plan.hot.length, cold: plan.cold.length, sets: plan.order.length - plan.hot.length, jobs: jobs.length, raw: raw.length }, 'stores planned');
  for (const [i, job] of jobs.entries()) {
    if (job.kind === 'days') {
      await addChild('warm-days', { runId: payload.runId, phase: 'hot', storeIds: job.storeIds, range: window, diagnosisRanges: ranges }, childJobId.days(payload.runId, i), i + 1);
    } else {
      const target = { stores: [...job.set.stores], range: { from: job.set.from, to: job.set.to } };
      await addChild('warm-sets', { runId: payload.runId, phase: 'hot', targets: [target] }, childJobId.set(payload.runId, i), i + 1);
    }
  }
  for (const [i, storeId] of raw.entries()) {
    const warm = { runId: payload.runId, storeId, phase: 'hot' as const, range: window, diagnosisRanges: ranges, incremental: payload.incremental, rawOnly: true };
    await addChild('warm-store', warm, childJobId.raw(payload.runId, storeId), jobs.length + i + 1);
  }
  record.step = 'cold';
  return jobs.length + raw.length > 0 ? 'wait' : 'next';
};

/**
 * Store batches of the hot phase: the first stores alone or in small batches (read by index,
 * warm within a few hundred ms), then all the others in one batch — one sequential pass over
 * the source, which costs about the same for 50 stores as for 500 (a whole-window scan of 300 k
 * orders took 0.36 s where per-store index reads of 100 stores took seconds).
 */
const HEAD_BATCHES = [1, 1, 2, 4, 8];
/** At most this many stores in one `warm-days` job (its payload's limit). */
const MAX_BATCH = 500;

type HotJob = { kind: 'days'; storeIds: string[] } | { kind: 'set'; set: SetDemand };

/**
 * The plan's order as jobs: the head stores in growing batches with the sets between them;
 * past the head, the stores in one batch (at most 500) and their sets right after it.
 */
export function batchOrder(order: readonly WarmItem[]): HotJob[] {
  const jobs: HotJob[] = [];
  let batch: string[] = [];
  let deferred: SetDemand[] = [];
  let batches = 0;
  const flush = () => {
    if (batch.length > 0) jobs.push({ kind: 'days', storeIds: batch });
    if (batch.length > 0) batches++;
    batch = [];
    for (const set of deferred) jobs.push({ kind: 'set', set });
    deferred = [];
  };
  for (const item of order) {
    const head = batches < HEAD_BATCHES.length;
    if (item.kind === 'set') {
      if (head) {
        flush();
        jobs.push({ kind: 'set', set: item.set });
      } else deferred.push(item.set);
      continue;
    }
    batch.push(item.storeId);
    if (batch.length >= (HEAD_BATCHES[batches] ?? MAX_BATCH)) flush();
  }
  flush();
  return jobs;
}
