import { endPhase, startPhase } from '@prewarm/runs';
import { childJobId } from '../children.js';
import type { Step } from '../run-context.js';

/** `cold`: the hot phase (and, under the default policy, the global phase) is over; the cold stores follow one at a time. */
export const coldStep: Step = async ({ record }) => {
  endPhase(record, 'hot');
  endPhase(record, 'global');
  startPhase(record, 'cold', record.stores.cold.length);
  record.step = 'cold-next';
  return 'next';
};

/** `cold-next`: warms the next cold store and waits for it (serially, as the seed does), or moves on. */
export const coldNextStep: Step = async ({ payload, record, ranges, window, addChild }) => {
  if (record.coldIndex >= record.stores.cold.length) {
    record.step = payload.policy === 'seed' ? 'sets' : 'finish'; // the default policy warmed its sets with the hot stores
    return 'next';
  }
  const storeId = record.stores.cold[record.coldIndex++]!;
  const warm = { runId: payload.runId, storeId, phase: 'cold' as const, range: window, diagnosisRanges: ranges, incremental: payload.incremental };
  await addChild('warm-store', warm, childJobId.store(payload.runId, 'cold', storeId));
  return 'wait';
};
