import { endPhase, startPhase } from '@prewarm/runs';
import { childJobId } from '../children.js';
import type { RunContext, Step } from '../run-context.js';

/** Adds the global phase's job: the all-stores diagnosis of every dashboard range (and every store's days on the way). */
export async function addGlobalJob({ payload, record, ranges, addChild }: RunContext): Promise<void> {
  startPhase(record, 'global', 1);
  await addChild('warm-sets', { runId: payload.runId, phase: 'global', targets: ranges.map((range) => ({ stores: 'all' as const, range })) }, childJobId.global(payload.runId));
}

/** `global` (default policy): the demanded stores and sets are warm; now the all-stores entries. */
export const globalStep: Step = async (run) => {
  endPhase(run.record, 'hot');
  await addGlobalJob(run);
  run.record.step = 'cold';
  return 'wait';
};
