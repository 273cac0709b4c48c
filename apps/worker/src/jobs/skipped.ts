import type { SkippedRows } from '@prewarm/compute';
import type { Logger } from 'pino';

/**
 * Logs the source rows a job skipped for breaking the source rules: the total and the first
 * order ids with their reasons (`SkippedRows` keeps 20), so an operator can find and fix them.
 */
export function logSkipped(log: Logger, skipped: SkippedRows, fields: Record<string, unknown>): void {
  if (skipped.total === 0) return;
  const rows = skipped.examples.map((r) => ({ orderId: r.orderId, reason: r.reason, ...(r.line !== undefined ? { line: r.line } : {}) }));
  log.warn({ ...fields, skippedRows: skipped.total, rows }, skipped.summary());
}
