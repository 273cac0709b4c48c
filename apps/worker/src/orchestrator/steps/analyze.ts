import { endPhase, startPhase } from '@prewarm/runs';
import { childJobId } from '../children.js';
import type { Step } from '../run-context.js';

/** `analyze`: counts the access stream into demand scores (one child job). */
export const analyzeStep: Step = async ({ payload, record, addChild }) => {
  endPhase(record, 'global');
  startPhase(record, 'analyze', 1);
  await addChild('analyze-hot', { runId: payload.runId }, childJobId.analyze(payload.runId));
  // The seed warms its hot stores next; the default policy its all-stores pass first.
  record.step = payload.policy === 'seed' ? 'hot' : 'global';
  return 'wait';
};
