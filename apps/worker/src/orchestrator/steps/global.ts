import { endPhase, lookbackRange, startPhase } from '@prewarm/runs';
import { childJobId } from '../children.js';
import type { RunContext, Step } from '../run-context.js';

/**
 * Adds the global phase's job: the all-stores diagnosis of every dashboard range and of the
 * 30-day range ending a week ago — which fills every store's days of the whole warm window on
 * the way, so a dashboard's range ending a few days ago finds all of them warm.
 */
export async function addGlobalJob({ payload, record, ranges, addChild }: RunContext): Promise<void> {
  startPhase(record, 'global', 1);
  const targets = [...ranges, lookbackRange(payload.end)].map((range) => ({ stores: 'all' as const, range }));
  await addChild('warm-sets', { runId: payload.runId, phase: 'global', targets }, childJobId.global(payload.runId), 1);
}

/**
 * `global` (default policy): the demanded stores' days and diagnoses and the sets are warm; now
 * the all-stores entries, then the L1 raw orders of the most demanded stores (one `warm-store`
 * job each, only their chunks), in plan order.
 */
export const globalStep: Step = async (run) => {
  const { ctx, payload, record, ranges, window, addChild } = run;
  endPhase(record, 'hot');
  await addGlobalJob(run);
  // L1 raw orders (not what dashboards read) for the most demanded stores only: the seed's hot
  // share of all stores (PREWARM_HOT_STORE_RATIO), in plan order.
  const stores = Object.keys(record.storeRows ?? {}).length || record.stores.hot.length;
  const raw = record.stores.hot.slice(0, Math.ceil(ctx.config.runs.hotRatio * stores));
  startPhase(record, 'global', raw.length);
  for (const [i, storeId] of raw.entries()) {
    const raw = { runId: payload.runId, storeId, phase: 'global' as const, range: window, diagnosisRanges: ranges, incremental: payload.incremental, rawOnly: true };
    await addChild('warm-store', raw, childJobId.raw(payload.runId, storeId), i + 2);
  }
  record.step = 'cold';
  return 'wait';
};
