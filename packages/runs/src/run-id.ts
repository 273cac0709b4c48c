import { randomBytes } from 'node:crypto';

/** Who asked for a run; part of its id, so a run's origin reads off its name. */
export type RunOrigin = 'cli' | 'http';

/**
 * A new run id: `run-<UTC yyyymmddhhmmss>-<suffix>`: 6 random hex digits from the CLI
 * (`run-20261202031500-3fa9c1`), `http` and up to 6 random base-36 characters over HTTP
 * (`run-20261202031500-httpk3x9qa`). BullMQ job ids cannot hold `:`, and the id doubles as the
 * run job's id. Scheduled runs use their slot instead.
 */
export function newRunId(origin: RunOrigin, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14);
  const suffix = origin === 'http' ? `http${Math.random().toString(36).slice(2, 8)}` : randomBytes(3).toString('hex');
  return `run-${stamp}-${suffix}`;
}
