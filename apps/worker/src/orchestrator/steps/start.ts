import { SkippedRows, SourceComputer, detectChanges } from '@prewarm/compute';
import { startPhase } from '@prewarm/runs';
import { logSkipped } from '../../jobs/skipped.js';
import { addGlobalJob } from './global.js';
import type { Step } from '../run-context.js';

/**
 * `start`: finds what changed since the last run (incremental invalidation, watermarks to
 * record at the end, each store's orders in the window for the ordering). The seed policy then
 * warms the all-stores diagnoses of the dashboard ranges first, as the seed did; the default
 * policy asks the analyzer first and warms the all-stores entries after the demanded stores.
 */
export const startStep: Step = async (run) => {
  const { ctx, payload, record, log, window } = run;
  const skipped = new SkippedRows();
  const changes = await detectChanges(ctx.source, ctx.cache, new SourceComputer(ctx.source), window, { onSkip: skipped.add });
  record.stores.changed = changes.changed;
  record.droppedEntries = changes.droppedEntries;
  record.pendingWatermarks = Object.fromEntries(changes.watermarks);
  record.storeRows = Object.fromEntries(changes.rows);
  record.skippedRows += skipped.total;
  logSkipped(log, skipped, { phase: 'global', step: 'change detection' });
  log.info({ phase: 'global', changed: changes.changed.length, dropped: changes.droppedEntries }, 'run started');
  record.step = 'analyze';
  if (payload.policy !== 'seed') return 'next';
  await addGlobalJob(run);
  return 'wait';
};
