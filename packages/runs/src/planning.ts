import { compareCodeUnits } from '@prewarm/domain';

export interface Demand {
  store_id: string;
  score: number;
}

export interface Plan {
  hot: string[];
  cold: string[];
}

export interface PlanOptions {
  policy: 'default' | 'seed';
  /** Every store of the source. */
  stores: readonly string[];
  /** Time-decayed demand per store (the analyzer's ranking); unknown stores are ignored. */
  demand: readonly Demand[];
  /** Average warm time per store (ms); a store without one counts 1 ms. */
  costMs: ReadonlyMap<string, number>;
  /** Share of stores the seed policy warms as hot. */
  hotRatio: number;
  /** At most this many cold stores per run. */
  coldLimit: number;
  /** The hot stores when there is no demand at all (the seed's first 20 %). */
  fallbackHot: readonly string[];
}

/**
 * Which stores a run warms, in which order.
 *
 * - `seed`: the seed report's rule — the top `hotRatio` of stores by demand (the first ones by id
 *   when there is no history) in parallel, then at most `coldLimit` of the others, serially.
 * - `default`: Smith's rule — every store with recorded demand is hot, ordered by demand per
 *   unit of measured warm cost (score / average warm ms), so the stores that carry the most
 *   requests per second of work are warm soonest; the rest are cold (at most `coldLimit`), also by
 *   that ratio. With no history at all it falls back to the seed's first 20 %.
 */
export function planRun(options: PlanOptions): Plan {
  const known = new Set(options.stores);
  const score = new Map(options.demand.filter((d) => known.has(d.store_id) && d.score > 0).map((d) => [d.store_id, d.score]));
  const all = [...options.stores].sort(compareCodeUnits);
  const cost = (id: string): number => Math.max(1, options.costMs.get(id) ?? 1);
  const byDemand = (a: string, b: string): number => (score.get(b) ?? 0) - (score.get(a) ?? 0) || compareCodeUnits(a, b);
  const bySmith = (a: string, b: string): number => (score.get(b) ?? 0) / cost(b) - (score.get(a) ?? 0) / cost(a) || compareCodeUnits(a, b);
  let hot: string[];
  if (score.size === 0) hot = [...options.fallbackHot];
  else if (options.policy === 'seed') hot = [...all].sort(byDemand).slice(0, Math.ceil(options.hotRatio * all.length));
  else hot = [...score.keys()].sort(bySmith);
  const isHot = new Set(hot);
  const rest = all.filter((id) => !isHot.has(id));
  const cold = (options.policy === 'seed' ? rest : rest.sort(bySmith)).slice(0, options.coldLimit);
  return { hot, cold };
}
