import type { Handlers } from '@prewarm/queue';
import type { WorkerContext } from '../context.js';
import { orchestrate } from '../orchestrator/orchestrator.js';
import { analyzeHotHandler } from './analyze-hot.js';
import { warmDaysHandler } from './warm-days.js';
import { warmSetsHandler } from './warm-sets.js';
import { warmStoreHandler } from './warm-store.js';

/** Every job of the catalog and its handler (the type is total: a job without one does not compile). */
export function handlers(ctx: WorkerContext): Handlers {
  return {
    run: (payload, job, token) => orchestrate(ctx, payload, job, token),
    'warm-store': warmStoreHandler(ctx),
    'warm-sets': warmSetsHandler(ctx),
    'warm-days': warmDaysHandler(ctx),
    'analyze-hot': analyzeHotHandler(ctx),
  };
}
