import { SkippedRows, SourceComputer, detectChanges } from '@prewarm/compute';
import { startPhase } from '@prewarm/runs';
import { childJobId } from '../children.js';
import type { Step } from '../run-context.js';
import { logSkipped } from '../../jobs/skipped.js';

/**
 * `start`: finds what changed since the last run (incremental invalidation, watermarks to
 * record at the end), then warms the all-stores diagnoses of the dashboard ranges.
 */
export const startStep: Step = async ({ ctx, payload, record, log, ranges, window, addChild }) => {
  const skipped = new SkippedRows();
  const changes = await detectChanges(ctx.source, ctx.cache, new SourceComputer(ctx.source), window, { onSkip: skipped.add });
  record.stores.changed = changes.changed;
  record.droppedEntries = changes.droppedEntries;
  record.pendingWatermarks = Object.fromEntries(changes.watermarks);
  record.skippedRows += skipped.total;
  logSkipped(log, skipped, { phase: 'global', step: 'change detection' });
  log.info({ phase: 'global', changed: changes.changed.length, dropped: changes.droppedEntries }, 'run started');
  startPhase(record, 'global', 1);
  await addChild('warm-sets', { runId: payload.runId, phase: 'global', targets: ranges.map((range) => ({ stores: 'all' as const, range })) }, childJobId.global(payload.runId));
  record.step = 'analyze';
  return 'wait';
};
