import { randomBytes } from 'node:crypto';

/** Who asked for a run; part of its id, so a run's origin reads off its name. */
export type RunOrigin = 'cli' | 'http';

/**
 * A new run id: `run-<UTC yyyymmddhhmmss>-<origin tag><6 random hex>`, e.g.
 * `run-20261202031500-3fa9c1` (CLI) or `run-20261202031500-http3fa9c1` (HTTP). BullMQ job ids
 * cannot hold `:`, and the id doubles as the run job's id. Scheduled runs use their slot instead.
 */
export function newRunId(origin: RunOrigin, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14);
  return `run-${stamp}-${origin === 'http' ? 'http' : ''}${randomBytes(3).toString('hex')}`;
}
