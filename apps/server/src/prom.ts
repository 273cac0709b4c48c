import type { AccessEvent, HierarchicalCache } from '@prewarm/cache';
import type { PrewarmQueues } from '@prewarm/queue';
import type { RunRecords } from '@prewarm/runs';
import type { RedisConnection } from '@prewarm/redis';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The seed report's monitoring targets, exposed so alert rules can compare against them. */
export const TARGETS = {
  memory_usage_ratio_max: 0.8,
  hit_ratio_min: 0.9,
  warmup_seconds_max: 300,
  first_access_seconds_max: 5,
  hit_seconds_max: 0.5,
} as const;

/** What a collector writes to: `set(value)` or `set(labels, value)`, as on a prom-client Gauge. */
interface GaugeWriter {
  set(value: number): void;
  set(labels: Record<string, string>, value: number): void;
}

class StagedGauge implements GaugeWriter {
  readonly samples: [labels: Record<string, string> | undefined, value: number][] = [];
  set(labelsOrValue: Record<string, string> | number, value?: number): void {
    if (typeof labelsOrValue === 'number') this.samples.push([undefined, labelsOrValue]);
    else this.samples.push([labelsOrValue, value!]);
  }
}

/** A collector that has not finished by then leaves its gauge unknown (a scrape must answer). */
const COLLECT_DEADLINE_MS = 3000;

function within(ms: number, work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export interface MetricsSources {
  cache: HierarchicalCache;
  queues: PrewarmQueues;
  runs: RunRecords;
  state: RedisConnection;
  workerAlive: () => Promise<number>;
}

/**
 * prewarm's Prometheus metrics. Reads are counted and timed as they happen (`observeRead`);
 * everything else is read from Redis when Prometheus scrapes (`collect`), so nothing goes stale.
 */
export class PrewarmMetrics {
  readonly registry = new Registry();
  private readonly reads: Counter<'level' | 'result' | 'tier'>;
  private readonly latency: Histogram<'level' | 'tier'>;
  /** The label children of each (level, result, tier): a read does not build its label objects again. */
  private readonly series = new Map<string, { reads: { inc(): void }; latency: { observe(value: number): void } }>();

  constructor(sources: () => MetricsSources | undefined) {
    const r = this.registry;
    collectDefaultMetrics({ register: r, prefix: 'prewarm_process_' });
    this.reads = new Counter({ name: 'prewarm_cache_reads_total', help: 'Cache reads by level, hit/miss and tier', labelNames: ['level', 'result', 'tier'], registers: [r] });
    this.latency = new Histogram({
      name: 'prewarm_cache_read_seconds',
      help: 'Cache read latency by level and tier',
      labelNames: ['level', 'tier'],
      // Up to 30 s: a first access slower than the 5 s target still shows by how much.
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30],
      registers: [r],
    });
    const target = new Gauge({ name: 'prewarm_target', help: 'Monitoring targets of the seed report', labelNames: ['name'], registers: [r] });
    for (const [name, value] of Object.entries(TARGETS)) target.set({ name }, value);

    // A gauge read from Redis shows only what this scrape learnt: a collector writes into a
    // staging copy, applied at once (series cleared first) only when it finished within the
    // deadline. So a value that cannot be known now (no reads yet, no maxmemory, Redis failing,
    // too slow) is NaN (unlabelled) or absent (labelled) — never 0, never an older scrape's
    // value, and a late or concurrent collector never mixes its values into another scrape's.
    const gauge = (name: string, help: string, labelNames: string[], collect: (g: GaugeWriter, s: MetricsSources) => Promise<void>) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [r],
        async collect() {
          const s = sources();
          const staged = new StagedGauge();
          const done = s ? await within(COLLECT_DEADLINE_MS, collect(staged, s)).then(() => true, () => false) : false;
          this.reset();
          if (labelNames.length === 0) this.set(Number.NaN);
          if (done) for (const [labels, value] of staged.samples) labels ? this.set(labels, value) : this.set(value);
        },
      });
    // One statistics read serves every gauge of a scrape (and concurrent scrapes) for 1 s.
    let statsAt = 0;
    let stats: Promise<Awaited<ReturnType<HierarchicalCache['stats']>>> | undefined;
    const fresh = (s: MetricsSources) => {
      if (!stats || Date.now() - statsAt > 1000) {
        statsAt = Date.now();
        stats = s.cache.stats();
        stats.catch(() => {}); // a failure is reported to each reader, not as an unhandled rejection
      }
      return stats;
    };
    gauge('prewarm_cache_keys', 'Keys per cache level (SCAN)', ['level'], async (g, s) => {
      const st = await fresh(s);
      for (const level of ['l1', 'l2', 'l3'] as const) g.set({ level }, st.levels[level].keys);
    });
    gauge('prewarm_cache_hit_ratio', 'Hits over reads, all levels, since the counters began (NaN before the first read)', [], async (g, s) => {
      const st = await fresh(s);
      if (st.hit_rate !== null) g.set(st.hit_rate / 100);
    });
    gauge('prewarm_redis_used_memory_bytes', 'Cache Redis used_memory', [], async (g, s) => g.set((await fresh(s)).used_memory_mb * 1024 * 1024));
    gauge('prewarm_redis_maxmemory_bytes', 'Cache Redis maxmemory (0: not set, Redis never evicts)', [], async (g, s) => g.set(((await fresh(s)).max_memory_mb ?? 0) * 1024 * 1024));
    gauge('prewarm_memory_usage_ratio', 'Cache Redis used / maxmemory (NaN without maxmemory)', [], async (g, s) => {
      const pct = (await fresh(s)).memory_usage_pct;
      if (pct !== null) g.set(pct / 100);
    });
    gauge('prewarm_entry_bytes', 'Bytes written: serialized (raw) and stored', ['kind'], async (g, s) => {
      const st = await fresh(s);
      g.set({ kind: 'raw' }, st.bytes.raw);
      g.set({ kind: 'stored' }, st.bytes.stored);
    });
    gauge('prewarm_l4_entries', 'Entries in the in-process tier (this process)', [], async (g, s) => g.set(s.cache.memoryTierStats().entries));
    gauge('prewarm_l4_bytes', 'Estimated bytes of the in-process tier (this process)', [], async (g, s) => g.set(s.cache.memoryTierStats().bytes));
    gauge('prewarm_access_stream_lag', 'Access-stream entries not yet read by the hot-store analyzer (an entry merges identical reads)', [], async (g, s) => {
      const groups = (await s.state.xinfo('GROUPS', s.cache.keys.accessStream).catch(() => [])) as unknown[][];
      let lag = 0;
      for (const group of groups) {
        const i = group.indexOf('lag');
        if (i >= 0) lag = Math.max(lag, Number(group[i + 1] ?? 0));
      }
      if (groups.length === 0) lag = await s.state.xlen(s.cache.keys.accessStream);
      g.set(lag);
    });
    gauge('prewarm_workers_alive', 'Worker processes with a recent heartbeat', [], async (g, s) => g.set(await s.workerAlive()));
    gauge('prewarm_queue_jobs', 'BullMQ jobs by queue and state', ['queue', 'state'], async (g, s) => {
      for (const [name, queue] of Object.entries(s.queues.byName)) {
        const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'waiting-children');
        for (const [state, n] of Object.entries(counts)) g.set({ queue: name, state }, n);
      }
    });
    gauge('prewarm_last_run_seconds', 'Duration of the most recent finished run', ['kind'], async (g, s) => {
      const last = (await s.runs.recent(20)).find((run) => run.finishedAt !== null);
      if (last) g.set({ kind: last.incremental ? 'incremental' : 'full' }, (last.finishedAt! - last.startedAt) / 1000);
    });
    gauge('prewarm_last_run_finished_timestamp_seconds', 'When the latest run of each kind and outcome ended (epoch seconds; the last 50 runs)', ['kind', 'status'], async (g, s) => {
      const latest = new Map<string, { kind: string; status: string; at: number }>();
      for (const run of await s.runs.recent(50)) {
        if (run.finishedAt === null) continue;
        const kind = run.incremental ? 'incremental' : 'full';
        const key = `${kind} ${run.status}`;
        if ((latest.get(key)?.at ?? -1) < run.finishedAt) latest.set(key, { kind, status: run.status, at: run.finishedAt });
      }
      for (const { kind, status, at } of latest.values()) g.set({ kind, status }, at / 1000);
    });
    gauge('prewarm_last_run_phase_seconds', 'Phase durations of the most recent finished run', ['phase'], async (g, s) => {
      const last = (await s.runs.recent(20)).find((run) => run.finishedAt !== null);
      for (const p of last?.phases ?? []) if (p.durationMs !== null) g.set({ phase: p.name }, p.durationMs / 1000);
    });
  }

  /** Hook for the cache's `onRead`. */
  readonly observeRead = (e: AccessEvent): void => {
    const key = `${e.level} ${e.hit ? 'hit' : 'miss'} ${e.tier}`;
    let series = this.series.get(key);
    if (!series) {
      series = { reads: this.reads.labels(e.level, e.hit ? 'hit' : 'miss', e.tier), latency: this.latency.labels(e.level, e.tier) };
      this.series.set(key, series);
    }
    series.reads.inc();
    series.latency.observe(e.latencyUs / 1e6);
  };
}
