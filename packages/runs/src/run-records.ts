import type { Keyspace, RedisConnection } from '@prewarm/redis';

export type RunStatus = 'running' | 'completed' | 'failed';
export type PhaseName = 'global' | 'analyze' | 'hot' | 'cold' | 'sets';
export const PHASES: readonly PhaseName[] = ['global', 'analyze', 'hot', 'cold', 'sets'];

export interface PhaseRecord {
  name: PhaseName;
  jobs: number;
  done: number;
  failed: number;
  startedAt: number | null;
  durationMs: number | null;
}

/**
 * The orchestrator's steps (`cold-next` repeats once per cold store). The seed policy runs
 * start (with the global phase) → analyze → hot → cold → sets → finish; the default policy
 * start → analyze → hot (stores and sets by benefit) → global → cold → finish.
 */
export type RunStep = 'start' | 'analyze' | 'hot' | 'global' | 'cold' | 'cold-next' | 'sets' | 'finish' | 'done';

/** Everything known about one run; kept on the state Redis (noeviction). */
export interface RunRecord {
  runId: string;
  status: RunStatus;
  incremental: boolean;
  policy: 'default' | 'seed';
  startedAt: number;
  finishedAt: number | null;
  /** Orchestrator step (resumed after each wait for children). */
  step: RunStep;
  phases: PhaseRecord[];
  stores: { hot: string[]; cold: string[]; changed: string[]; failed: string[] };
  coldIndex: number;
  hotSets: { stores: 'all' | string[]; from: string; to: string }[];
  /** Orders per store in the warm window, from the change detection: the cost side of the ordering. */
  storeRows: Record<string, number>;
  entries: { l1: number; l2: number; l3: number };
  bytes: { raw: number; stored: number };
  skippedRows: number;
  droppedEntries: number;
  /** Watermarks to record when the run completes. */
  pendingWatermarks: Record<string, number>;
  error: string | null;
  /** Worst event-loop delay of the worker while the run went on (lock renewals wait this long at most). */
  eventLoopDelayMaxMs: number | null;
}

/** Run records: one JSON value per run, and a capped list of recent run ids. */
export class RunRecords {
  constructor(
    private readonly state: RedisConnection,
    private readonly keys: Keyspace,
    private readonly keep = 100,
  ) {}

  async get(runId: string): Promise<RunRecord | null> {
    const raw = await this.state.get(this.keys.run(runId));
    return raw ? (JSON.parse(raw) as RunRecord) : null;
  }

  async create(init: Pick<RunRecord, 'runId' | 'incremental' | 'policy'>): Promise<RunRecord> {
    const record: RunRecord = {
      ...init,
      status: 'running',
      startedAt: Date.now(),
      finishedAt: null,
      step: 'start',
      phases: PHASES.map((name) => ({ name, jobs: 0, done: 0, failed: 0, startedAt: null, durationMs: null })),
      stores: { hot: [], cold: [], changed: [], failed: [] },
      coldIndex: 0,
      hotSets: [],
      storeRows: {},
      entries: { l1: 0, l2: 0, l3: 0 },
      bytes: { raw: 0, stored: 0 },
      skippedRows: 0,
      droppedEntries: 0,
      pendingWatermarks: {},
      error: null,
      eventLoopDelayMaxMs: null,
    };
    await this.save(record);
    await this.state.pipeline().lrem(this.keys.runs, 0, init.runId).lpush(this.keys.runs, init.runId).ltrim(this.keys.runs, 0, this.keep - 1).exec();
    return record;
  }

  async save(record: RunRecord): Promise<void> {
    await this.state.set(this.keys.run(record.runId), JSON.stringify(record), 'EX', 30 * 24 * 3600);
  }

  /** Counts a finished job of a phase (children report; the record is the orchestrator's). */
  async jobDone(runId: string, phase: PhaseName): Promise<void> {
    await this.state.pipeline().hincrby(this.keys.runProgress(runId), phase, 1).expire(this.keys.runProgress(runId), 30 * 24 * 3600).exec();
  }

  /** Finished jobs per phase, live. */
  async progress(runId: string): Promise<Partial<Record<PhaseName, number>>> {
    const raw = await this.state.hgetall(this.keys.runProgress(runId));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  /** The most recent runs, newest first. */
  async recent(limit = 20): Promise<RunRecord[]> {
    const ids = await this.state.lrange(this.keys.runs, 0, limit - 1);
    const records = await Promise.all(ids.map((id) => this.get(id)));
    return records.filter((r): r is RunRecord => r !== null);
  }
}

export function startPhase(record: RunRecord, name: PhaseName, jobs: number): void {
  const phase = record.phases.find((p) => p.name === name)!;
  phase.startedAt = Date.now();
  phase.jobs += jobs;
}

export function endPhase(record: RunRecord, name: PhaseName): void {
  const phase = record.phases.find((p) => p.name === name)!;
  if (phase.startedAt !== null && phase.durationMs === null) phase.durationMs = Date.now() - phase.startedAt;
}

/** The §9 summary of a run (`prewarm run --json`), plus a few fields of our own. */
export interface RunSummary {
  runId: string;
  status: RunStatus;
  incremental: boolean;
  policy: 'default' | 'seed';
  phases: { name: PhaseName; jobs: number; durationMs: number | null }[];
  stores: { hot: string[]; cold: string[]; changed: string[]; failed: string[] };
  entries: { l1: number; l2: number; l3: number };
  bytes: { raw: number; stored: number };
  skippedRows: number;
  droppedEntries: number;
  durationMs: number;
  error: string | null;
  eventLoopDelayMaxMs: number | null;
}

export function runSummary(r: RunRecord): RunSummary {
  return {
    runId: r.runId,
    status: r.status,
    incremental: r.incremental,
    policy: r.policy,
    phases: r.phases.map((p) => ({ name: p.name, jobs: p.jobs, durationMs: p.durationMs })),
    stores: { ...r.stores },
    entries: r.entries,
    bytes: r.bytes,
    skippedRows: r.skippedRows,
    droppedEntries: r.droppedEntries,
    durationMs: (r.finishedAt ?? Date.now()) - r.startedAt,
    error: r.error,
    eventLoopDelayMaxMs: r.eventLoopDelayMaxMs,
  };
}
