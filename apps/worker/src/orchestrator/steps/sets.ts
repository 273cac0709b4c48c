import { MAX_SET_TARGETS } from '@prewarm/queue';
import { endPhase, startPhase } from '@prewarm/runs';
import { childJobId } from '../children.js';
import type { Step } from '../run-context.js';

/** `sets`: warms the diagnoses of the most requested store sets and ranges (one child job). */
export const setsStep: Step = async ({ payload, record, addChild }) => {
  endPhase(record, 'cold');
  const targets = record.hotSets.flatMap((s) => (s.stores === 'all' ? [] : [{ stores: s.stores, range: { from: s.from, to: s.to } }]));
  startPhase(record, 'sets', targets.length > 0 ? 1 : 0);
  record.step = 'finish';
  if (targets.length === 0) return 'next';
  await addChild('warm-sets', { runId: payload.runId, phase: 'sets', targets: targets.slice(0, MAX_SET_TARGETS) }, childJobId.sets(payload.runId));
  return 'wait';
};
