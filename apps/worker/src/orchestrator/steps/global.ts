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
 * `global` (default policy, after `analyze`): one pass over the source for every store's days of
 * the window, and the all-stores diagnoses — the cheapest way to make every store's metrics and
 * the all-stores entries exist (one sequential read instead of one per store). The demanded
 * stores' own diagnoses and sets follow in `hot`, computed from these days.
 */
export const globalStep: Step = async (run) => {
  endPhase(run.record, 'analyze');
  await addGlobalJob(run);
  run.record.step = 'hot';
  return 'wait';
};
