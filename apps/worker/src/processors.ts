import { HotStoreAnalyzer, hotCount } from '@prewarm/analyzer';
import { CachedComputer, SkippedRows, SourceComputer, detectChanges, recordWatermarks, warmStore } from '@prewarm/compute';
import { type DateRange, type DiagnosisThresholds, addDays, compareCodeUnits } from '@prewarm/domain';
import { type Handlers, type PayloadOf, QUEUES } from '@prewarm/queue';
import { Job, WaitingChildrenError } from 'bullmq';
import type { WorkerContext } from './context.js';
import { planRun } from './planning.js';
import { type RunRecord, endPhase, startPhase } from './run-records.js';

/** The dashboard ranges warmed for `all` (and for each warmed store): the last 7 and 30 days. */
export function dashboardRanges(end: string): DateRange[] {
  return [7, 30].map((days) => ({ from: addDays(end, 1 - days), to: end }));
}

/** L1/L2 window of a run: the 30-day dashboard range and the 30 days it is compared with. */
export function warmWindow(end: string): DateRange {
  return { from: addDays(end, -59), to: end };
}

export interface WarmResult {
  l1: number;
  l2: number;
  l3: number;
  rawBytes: number;
  storedBytes: number;
  skippedRows: number;
  storeId?: string;
  durationMs?: number;
}

export interface AnalyzeResult {
  fallback: boolean;
  demand: { store_id: string; score: number }[];
  fallbackHot: string[];
  sets: { stores: string; from: string; to: string; score: number }[];
}

export function handlers(ctx: WorkerContext): Handlers {
  const thresholds = ctx.config.thresholds as DiagnosisThresholds;
  return {
    'warm-store': async (p) => {
      const skipped = new SkippedRows();
      const computer = new SourceComputer(ctx.source);
      const r = await warmStore(computer, ctx.cache, ctx.source, { ...p, thresholds, onSkip: skipped.add });
      await recordWarmCost(ctx, r.storeId, r.durationMs);
      await ctx.runs.jobDone(p.runId, p.phase);
      const result: WarmResult = { l1: r.l1, l2: r.l2, l3: r.l3, rawBytes: r.rawBytes, storedBytes: r.storedBytes, skippedRows: skipped.total, storeId: r.storeId, durationMs: r.durationMs };
      return result;
    },
    'warm-sets': async (p) => {
      const skipped = new SkippedRows();
      const reader = new CachedComputer(new SourceComputer(ctx.source), ctx.cache, thresholds);
      const result: WarmResult = { l1: 0, l2: 0, l3: 0, rawBytes: 0, storedBytes: 0, skippedRows: 0 };
      for (const target of p.targets) {
        const before = (await ctx.cache.stats().catch(() => null))?.levels.l2.writes ?? 0;
        const w = await reader.refreshDiagnosis(target.stores, target.range, { onSkip: skipped.add });
        const after = (await ctx.cache.stats().catch(() => null))?.levels.l2.writes ?? before;
        result.l2 += after - before;
        result.l3 += 1;
        result.rawBytes += w.rawBytes;
        result.storedBytes += w.storedBytes;
      }
      result.skippedRows = skipped.total;
      await ctx.runs.jobDone(p.runId, p.phase);
      return result;
    },
    'analyze-hot': async (p) => {
      const analyzer = new HotStoreAnalyzer({ state: ctx.state, keyspace: ctx.cache.keys, consumer: ctx.workerId });
      await analyzer.analyze();
      const stores = [...(await new SourceComputer(ctx.source).stores()).keys()];
      const ranking = await analyzer.ranking({ stores, ratio: ctx.config.runs.hotRatio, limit: Math.max(1, ctx.config.runs.hotSets) });
      const result: AnalyzeResult = {
        fallback: ranking.fallback,
        demand: ranking.stores,
        fallbackHot: ranking.fallback ? ranking.hot : [...stores].sort(compareCodeUnits).slice(0, hotCount(stores.length, ctx.config.runs.hotRatio)),
        sets: ranking.sets.slice(0, ctx.config.runs.hotSets),
      };
      await ctx.runs.jobDone(p.runId, 'analyze');
      return result;
    },
    run: async (p, job, token) => orchestrate(ctx, p, job, token),
  };
}

async function recordWarmCost(ctx: WorkerContext, storeId: string, ms: number): Promise<void> {
  const key = `${ctx.cache.keys.prefix}:{state}:warm-ms`;
  const before = Number((await ctx.state.hget(key, storeId)) ?? ms);
  await ctx.state.hset(key, storeId, String(Math.round(0.7 * before + 0.3 * ms))); // moving average
}

/**
 * The orchestrator: walks the seed's phases (global → analyze → hot in parallel → cold serially
 * → hot store sets), adding children at run time and sleeping (moveToWaitingChildren) while
 * they run. Its progress lives in the run record, so a restarted orchestrator resumes where it
 * stopped; children have ids derived from the run, so a resumed step re-adding them is a no-op.
 * A failed child never blocks the run: it is retried by BullMQ, then reported.
 */
async function orchestrate(ctx: WorkerContext, p: PayloadOf<'run'>, job: Job, token: string | undefined) {
  const log = ctx.logger.child({ runId: p.runId, jobId: job.id });
  const record = (await ctx.runs.get(p.runId)) ?? (await ctx.runs.create({ runId: p.runId, incremental: p.incremental, policy: p.policy }));
  const parent = { id: job.id!, queue: job.queueQualifiedName };
  const child = { parent, ignoreDependencyOnFailure: true };
  const ranges = dashboardRanges(p.end);
  const window = warmWindow(p.end);
  const wait = async (): Promise<void> => {
    await ctx.runs.save(record);
    if (await job.moveToWaitingChildren(token!)) throw new WaitingChildrenError();
  };
  try {
    for (;;) {
      switch (record.step) {
        case 'start': {
          const skipped = new SkippedRows();
          const changes = await detectChanges(ctx.source, ctx.cache, new SourceComputer(ctx.source), window, { onSkip: skipped.add });
          record.stores.changed = changes.changed;
          record.droppedEntries = changes.droppedEntries;
          record.pendingWatermarks = Object.fromEntries(changes.watermarks);
          record.skippedRows += skipped.total;
          log.info({ phase: 'global', changed: changes.changed.length, dropped: changes.droppedEntries }, 'run started');
          startPhase(record, 'global', 1);
          await ctx.queues.add('warm-sets', { runId: p.runId, phase: 'global', targets: ranges.map((range) => ({ stores: 'all' as const, range })) }, { ...child, jobId: `${p.runId}-global` });
          record.step = 'analyze';
          await wait();
          break;
        }
        case 'analyze': {
          endPhase(record, 'global');
          startPhase(record, 'analyze', 1);
          await ctx.queues.add('analyze-hot', { runId: p.runId }, { ...child, jobId: `${p.runId}-analyze` });
          record.step = 'hot';
          await wait();
          break;
        }
        case 'hot': {
          endPhase(record, 'analyze');
          const analysis = await childResult<AnalyzeResult>(job, 'analyze-hot');
          const stores = [...(await new SourceComputer(ctx.source).stores()).keys()];
          const cost = new Map(Object.entries(await ctx.state.hgetall(`${ctx.cache.keys.prefix}:{state}:warm-ms`)).map(([k, v]) => [k, Number(v)]));
          let plan = planRun({
            policy: p.policy,
            stores,
            demand: analysis?.demand ?? [],
            costMs: cost,
            hotRatio: ctx.config.runs.hotRatio,
            coldLimit: ctx.config.runs.coldStoreLimit,
            fallbackHot: analysis?.fallbackHot ?? [],
          });
          if (p.incremental) {
            const changed = new Set(record.stores.changed);
            plan = { hot: plan.hot.filter((s) => changed.has(s)), cold: plan.cold.filter((s) => changed.has(s)) };
          }
          record.stores.hot = plan.hot;
          record.stores.cold = plan.cold;
          record.hotSets = (analysis?.sets ?? [])
            .filter((s) => s.stores !== 'all')
            .map((s) => ({ stores: s.stores.split(','), from: s.from, to: s.to }));
          startPhase(record, 'hot', plan.hot.length);
          log.info({ phase: 'hot', hot: plan.hot.length, cold: plan.cold.length }, 'stores planned');
          for (const [i, storeId] of plan.hot.entries()) {
            await ctx.queues.add('warm-store', { runId: p.runId, storeId, phase: 'hot', range: window, diagnosisRanges: ranges, incremental: p.incremental }, { ...child, priority: i + 1, jobId: `${p.runId}-hot-${storeId}` });
          }
          record.step = 'cold';
          if (plan.hot.length > 0) await wait();
          break;
        }
        case 'cold': {
          endPhase(record, 'hot');
          startPhase(record, 'cold', record.stores.cold.length);
          record.step = 'cold-next';
          break;
        }
        case 'cold-next': {
          if (record.coldIndex < record.stores.cold.length) {
            const storeId = record.stores.cold[record.coldIndex++]!;
            await ctx.queues.add('warm-store', { runId: p.runId, storeId, phase: 'cold', range: window, diagnosisRanges: ranges, incremental: p.incremental }, { ...child, jobId: `${p.runId}-cold-${storeId}` });
            await wait(); // serially: one cold store at a time
          } else record.step = 'sets';
          break;
        }
        case 'sets': {
          endPhase(record, 'cold');
          const targets = record.hotSets.flatMap((s) => (s.stores === 'all' ? [] : [{ stores: s.stores, range: { from: s.from, to: s.to } }]));
          startPhase(record, 'sets', targets.length > 0 ? 1 : 0);
          record.step = 'finish';
          if (targets.length > 0) {
            await ctx.queues.add('warm-sets', { runId: p.runId, phase: 'sets', targets: targets.slice(0, 200) }, { ...child, jobId: `${p.runId}-sets` });
            await wait();
          }
          break;
        }
        case 'finish': {
          endPhase(record, 'sets');
          await summarize(ctx, record, job);
          record.eventLoopDelayMaxMs = ctx.eventLoopDelayMaxMs();
          await recordWatermarks(ctx.cache, new Map(Object.entries(record.pendingWatermarks)));
          record.status = 'completed';
          record.finishedAt = Date.now();
          record.step = 'done';
          await ctx.runs.save(record);
          log.info({ durationMs: record.finishedAt - record.startedAt }, 'run completed');
          return record;
        }
        case 'done':
          return record;
      }
    }
  } catch (err) {
    if (err instanceof WaitingChildrenError) throw err;
    record.status = 'failed';
    record.error = (err as Error).message;
    record.finishedAt = Date.now();
    await ctx.runs.save(record);
    throw err;
  }
}

/** The return value of this run's (only) child job of a kind. */
async function childResult<T>(job: Job, name: string): Promise<T | undefined> {
  const values = await job.getChildrenValues();
  const matching = Object.entries(values).filter(([key]) => key.includes(`:${QUEUES.warm}:`));
  for (const [, value] of matching) {
    if (value && typeof value === 'object' && name === 'analyze-hot' && 'demand' in value) return value as T;
  }
  return undefined;
}

/** Totals over every child's result; failed children are reported by phase. */
async function summarize(ctx: WorkerContext, record: RunRecord, job: Job): Promise<void> {
  const values = Object.values(await job.getChildrenValues()) as Partial<WarmResult>[];
  for (const v of values) {
    if (!v || typeof v !== 'object' || !('storedBytes' in v)) continue;
    record.entries.l1 += v.l1 ?? 0;
    record.entries.l2 += v.l2 ?? 0;
    record.entries.l3 += v.l3 ?? 0;
    record.bytes.raw += v.rawBytes ?? 0;
    record.bytes.stored += v.storedBytes ?? 0;
    record.skippedRows += v.skippedRows ?? 0;
  }
  const failures = await job.getIgnoredChildrenFailures();
  for (const key of Object.keys(failures)) {
    const failed = await Job.fromId(ctx.queues.byName.warm, key.split(':').pop()!);
    record.stores.failed.push(typeof failed?.data?.storeId === 'string' ? failed.data.storeId : `${failed?.name ?? 'job'} ${key.split(':').pop()}`);
  }
  for (const phase of record.phases) phase.done = phase.jobs;
  if (Object.keys(failures).length > 0) ctx.logger.warn({ runId: record.runId, failures }, 'some warm-up jobs failed and were skipped');
}
