import { parseSetMember } from './access-entry.js';
import { InvalidAnalyzerOptionError } from './errors.js';

export interface RankedStore {
  store_id: string;
  /** Demand decayed to `now`: each read counts 2^−(age / half-life) — 1 now, ½ one half-life ago. */
  score: number;
}

export interface RankedSet {
  /** `all`, or the canonical comma-separated store ids. */
  stores: string;
  from: string;
  to: string;
  score: number;
}

export interface HotRanking {
  /** True when no known store has any demand: `hot` is then the seed's rule (first stores by id). */
  fallback: boolean;
  /** The first ⌈ratio × n⌉ stores of `stores`. */
  hot: string[];
  /** The other known stores, in the same order. */
  cold: string[];
  /** Every known store, by score descending, ties by store id (code-unit order). */
  stores: RankedStore[];
  /** The most read L3 store sets and ranges whose stores are all known, by score descending. */
  sets: RankedSet[];
}

export interface RankingOptions {
  /** Every known store id; ids seen in the stream but not here are ignored. */
  stores: readonly string[];
  /** Share of the known stores that are hot (default 0.2, the seed's). */
  ratio?: number;
  /** At most this many entries in `sets` (default 100). */
  limit?: number;
  /** The time scores are decayed to (default: the analyzer's clock). */
  now?: number;
}

/** What the analyzer keeps in Redis, read back: raw scores relative to `landmark`. */
export interface StoredScores {
  landmark: number | null;
  halfLifeMs: number;
  /** Raw score per known store id (missing = no demand). */
  stores: ReadonlyMap<string, number>;
  /** Raw scores of `<set>|<from>|<to>` members, in any order. */
  sets: readonly (readonly [member: string, raw: number])[];
}

export const DEFAULT_RATIO = 0.2;
export const DEFAULT_SET_LIMIT = 100;

/** ⌈ratio × n⌉, without floating-point noise (0.2 × 15 is 3.0000000000000004, not 4). */
export function hotCount(n: number, ratio: number): number {
  return Math.min(n, Math.ceil(Number((ratio * n).toPrecision(12))));
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Ranks the known stores by decayed demand. Stores without demand score 0 and follow in id
 * order, so the hot list is always ⌈ratio × n⌉ long: when fewer stores have demand, it is
 * completed by the seed's rule; with no demand at all it *is* the seed's rule (`fallback`).
 */
export function rankStores(scores: StoredScores, options: Required<RankingOptions>): HotRanking {
  const { ratio, limit, now } = options;
  if (!(ratio >= 0 && ratio <= 1)) throw new InvalidAnalyzerOptionError('ratio', `must be within [0, 1], got ${ratio}`);
  if (!(Number.isInteger(limit) && limit >= 0)) throw new InvalidAnalyzerOptionError('limit', `must be a non-negative integer, got ${limit}`);
  if (!Number.isFinite(now)) throw new InvalidAnalyzerOptionError('now', `must be a finite epoch ms, got ${now}`);

  const decay = scores.landmark === null ? 0 : 2 ** ((scores.landmark - now) / scores.halfLifeMs);
  const decayed = (raw: number): number => {
    const s = raw * decay;
    return Number.isFinite(s) && s > 0 ? s : 0;
  };

  const known = [...new Set(options.stores)];
  const stores = known
    .map((store_id) => ({ store_id, score: decayed(scores.stores.get(store_id) ?? 0) }))
    .sort((a, b) => b.score - a.score || byCodeUnit(a.store_id, b.store_id));
  const k = hotCount(stores.length, ratio);
  const ids = stores.map((s) => s.store_id);

  const knownSet = new Set(known);
  const sets: (RankedSet & { member: string })[] = [];
  for (const [member, raw] of scores.sets) {
    const parsed = parseSetMember(member);
    const score = decayed(raw);
    if (!parsed || score === 0) continue;
    if (parsed.stores !== 'all' && !parsed.stores.split(',').every((id) => knownSet.has(id))) continue;
    sets.push({ ...parsed, score, member });
  }
  sets.sort((a, b) => b.score - a.score || byCodeUnit(a.member, b.member));

  return {
    fallback: !stores.some((s) => s.score > 0),
    hot: ids.slice(0, k),
    cold: ids.slice(k),
    stores,
    sets: sets.slice(0, limit).map(({ stores: set, from, to, score }) => ({ stores: set, from, to, score })),
  };
}
