import { compareCodeUnits } from '@prewarm/domain';

export interface Demand {
  store_id: string;
  score: number;
}

/** A store set and range the analyzer found read, with its time-decayed demand. */
export interface SetDemand {
  /** Sorted store ids (never `all`: the all-stores entries have a phase of their own). */
  stores: readonly string[];
  from: string;
  to: string;
  score: number;
}

/** One piece of warm-up work in the order a run starts it. */
export type WarmItem = { kind: 'store'; storeId: string } | { kind: 'set'; set: SetDemand };

export interface Plan {
  hot: string[];
  cold: string[];
  /**
   * The default policy's hot phase: the hot stores and the demanded sets merged into one
   * order by expected benefit (see `planRun`). Empty for the seed policy, whose sets phase
   * comes last.
   */
  order: WarmItem[];
}

export interface PlanOptions {
  policy: 'default' | 'seed';
  /** Every store of the source. */
  stores: readonly string[];
  /** Time-decayed demand per store (the analyzer's ranking); unknown stores are ignored. */
  demand: readonly Demand[];
  /** Demanded store sets and ranges (the analyzer's ranking). */
  sets?: readonly SetDemand[];
  /** Orders per store in the warm window (from the source's day fingerprints); missing: 0. */
  rows: ReadonlyMap<string, number>;
  /** Share of stores the seed policy warms as hot. */
  hotRatio: number;
  /** At most this many cold stores per run. */
  coldLimit: number;
  /** The hot stores when there is no demand at all (the seed's first 20 %). */
  fallbackHot: readonly string[];
}

/**
 * The cost model, in units of one order read and folded into daily metrics. A store job also
 * pays a fixed part (a job's round trips, its L1/L2/L3 writes) worth about this many orders…
 */
export const STORE_JOB_OVERHEAD_ROWS = 500;
/** …and a set's diagnosis, computed from its members' warm days, about this many per member. */
export const SET_ROWS_PER_MEMBER = 60;

/** A store's warm cost estimate: its orders in the window plus the fixed part of a job. */
export function storeCost(rows: number): number {
  return STORE_JOB_OVERHEAD_ROWS + Math.max(0, rows);
}

/** A set diagnosis' warm cost estimate (its members' days are read from the cache). */
export function setCost(members: number): number {
  return SET_ROWS_PER_MEMBER * Math.max(1, members);
}

/**
 * Which stores a run warms, in which order.
 *
 * - `seed`: the seed report's rule — the top `hotRatio` of stores by demand (the first ones by id
 *   when there is no history) in parallel, then at most `coldLimit` of the others, serially.
 * - `default`: Smith's rule — every store with recorded demand is hot, ordered by demand per
 *   unit of estimated warm cost, so the stores that carry the most requests per second of work
 *   are warm soonest; the rest are cold (at most `coldLimit`), also by that ratio. The cost is
 *   an estimate that does not move with the machine's load: the store's orders in the warm
 *   window (`rows`) plus a fixed part per job. Demanded sets join the same order by their own
 *   ratio, each no earlier than its hot members (its diagnosis is computed from their days).
 *   With no history at all it falls back to the seed's first 20 %.
 */
export function planRun(options: PlanOptions): Plan {
  const known = new Set(options.stores);
  const score = new Map(options.demand.filter((d) => known.has(d.store_id) && d.score > 0).map((d) => [d.store_id, d.score]));
  const all = [...options.stores].sort(compareCodeUnits);
  const density = (id: string): number => (score.get(id) ?? 0) / storeCost(options.rows.get(id) ?? 0);
  const byDemand = (a: string, b: string): number => (score.get(b) ?? 0) - (score.get(a) ?? 0) || compareCodeUnits(a, b);
  const bySmith = (a: string, b: string): number => density(b) - density(a) || byDemand(a, b);
  let hot: string[];
  if (score.size === 0) hot = [...options.fallbackHot];
  else if (options.policy === 'seed') hot = [...all].sort(byDemand).slice(0, Math.ceil(options.hotRatio * all.length));
  else hot = [...score.keys()].sort(bySmith);
  const isHot = new Set(hot);
  const rest = all.filter((id) => !isHot.has(id));
  const cold = (options.policy === 'seed' ? rest : rest.sort(bySmith)).slice(0, options.coldLimit);
  const sets = (options.sets ?? []).filter((s) => s.score > 0 && s.stores.length > 0 && s.stores.every((id) => known.has(id)));
  const order = options.policy === 'seed' ? [] : mergeSets(hot, density, sets);
  return { hot, cold, order };
}

/**
 * Merges sets into the store order: at each step the next store or an eligible set, whichever
 * has the higher demand per unit of cost; a set is eligible once its hot members are placed.
 */
function mergeSets(hot: readonly string[], density: (id: string) => number, sets: readonly SetDemand[]): WarmItem[] {
  const position = new Map(hot.map((id, i) => [id, i]));
  const pending = sets
    .map((set) => ({ set, ready: Math.max(-1, ...set.stores.map((id) => position.get(id) ?? -1)), density: set.score / setCost(set.stores.length) }))
    .sort((a, b) => b.density - a.density || a.ready - b.ready);
  const order: WarmItem[] = [];
  for (let i = 0; i <= hot.length; i++) {
    // Sets whose members are all placed (i > ready) go before the next store when denser.
    const next = i < hot.length ? density(hot[i]!) : -Infinity;
    for (let k = 0; k < pending.length; ) {
      const p = pending[k]!;
      if (p.ready < i && p.density >= next) {
        order.push({ kind: 'set', set: p.set });
        pending.splice(k, 1);
      } else k++;
    }
    if (i < hot.length) order.push({ kind: 'store', storeId: hot[i]! });
  }
  return order;
}
