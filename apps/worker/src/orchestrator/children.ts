import { type ResultOf, parseResult } from '@prewarm/queue';
import type { RunRecord } from '@prewarm/runs';
import { Job } from 'bullmq';
import type { WorkerContext } from '../context.js';
import type { ChildJob } from './run-context.js';

/** Job ids of a run's children: derived from the run, so a resumed step re-adding one is a no-op. */
export const childJobId = {
  global: (runId: string) => `${runId}-global`,
  analyze: (runId: string) => `${runId}-analyze`,
  store: (runId: string, phase: 'hot' | 'cold', storeId: string) => `${runId}-${phase}-${storeId}`,
  sets: (runId: string) => `${runId}-sets`,
  /** A set ordered among the hot stores (default policy). */
  set: (runId: string, index: number) => `${runId}-set-${index}`,
  /** A batch of hot stores' days (default policy). */
  days: (runId: string, index: number) => `${runId}-days-${index}`,
  /** A hot store's L1 raw orders, after its days (default policy). */
  raw: (runId: string, storeId: string) => `${runId}-raw-${storeId}`,
};

/** Which job a child id belongs to (the inverse of `childJobId`). */
function childJobOf(runId: string, jobId: string): ChildJob | null {
  if (jobId === childJobId.analyze(runId)) return 'analyze-hot';
  if (jobId === childJobId.global(runId) || jobId === childJobId.sets(runId) || jobId.startsWith(`${runId}-set-`)) return 'warm-sets';
  if (jobId.startsWith(`${runId}-days-`)) return 'warm-days';
  if (jobId.startsWith(`${runId}-hot-`) || jobId.startsWith(`${runId}-cold-`) || jobId.startsWith(`${runId}-raw-`)) return 'warm-store';
  return null;
}

/** The return values of a run's finished children, by job id (BullMQ keys them `<prefix>:<queue>:<id>`). */
async function childValues(job: Job): Promise<Map<string, unknown>> {
  const values = await job.getChildrenValues();
  return new Map(Object.entries(values).map(([key, value]) => [key.slice(key.lastIndexOf(':') + 1), value]));
}

/** The analyzer child's result, parsed with its schema; undefined when it failed (the run falls back to no demand). */
export async function analysisOf(job: Job, runId: string): Promise<ResultOf<'analyze-hot'> | undefined> {
  const value = (await childValues(job)).get(childJobId.analyze(runId));
  return value === undefined ? undefined : parseResult('analyze-hot', value);
}

/** Adds up every warm child's result (parsed with its schema) and reports failed children by store. */
export async function summarize(ctx: WorkerContext, record: RunRecord, job: Job): Promise<void> {
  for (const [jobId, value] of await childValues(job)) {
    const name = childJobOf(record.runId, jobId);
    if (name !== 'warm-store' && name !== 'warm-sets' && name !== 'warm-days') continue;
    const v = parseResult(name, value);
    record.entries.l1 += v.l1;
    record.entries.l2 += v.l2;
    record.entries.l3 += v.l3;
    record.bytes.raw += v.rawBytes;
    record.bytes.stored += v.storedBytes;
    record.skippedRows += v.skippedRows;
  }
  const failures = await job.getIgnoredChildrenFailures();
  for (const key of Object.keys(failures)) {
    const id = key.split(':').pop()!;
    const failed = await Job.fromId(ctx.queues.byName.warm, id);
    const data = failed?.data as { storeId?: unknown; storeIds?: unknown } | undefined;
    if (typeof data?.storeId === 'string') record.stores.failed.push(data.storeId);
    else if (Array.isArray(data?.storeIds)) record.stores.failed.push(...data.storeIds.map(String));
    else record.stores.failed.push(`${failed?.name ?? 'job'} ${id}`);
  }
  for (const phase of record.phases) phase.done = phase.jobs;
  if (Object.keys(failures).length > 0) ctx.logger.warn({ runId: record.runId, failures }, 'some warm-up jobs failed and were skipped');
}
