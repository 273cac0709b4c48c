/**
 * TTLs with jitter, so entries written together by a warm-up run do not all expire in the
 * same second and send every dashboard to the source at once.
 */
export interface TtlPolicy {
  /** Nominal time to live. */
  ttlMs: number;
  /** Relative spread: the TTL is drawn uniformly from ttl × [1 − jitter, 1 + jitter]. */
  jitter: number;
  /** Extra time a stale entry may still be served while it is recomputed (stale-while-revalidate); 0 disables. */
  graceMs: number;
}

export function jitteredTtl(policy: Pick<TtlPolicy, 'ttlMs' | 'jitter'>, random: () => number = Math.random): number {
  const spread = policy.ttlMs * policy.jitter;
  return Math.max(1, Math.round(policy.ttlMs - spread + 2 * spread * random()));
}

/**
 * Past its TTL and inside its grace period: served, and recomputed in the background. Without
 * grace nothing is stale — Redis expires the entry at its TTL.
 */
export function isStale(policy: TtlPolicy, createdAt: number, now = Date.now()): boolean {
  return policy.graceMs > 0 && now - createdAt > policy.ttlMs;
}

/** The seed's TTLs: L1 24 h, L2 6 h, L3 1 h, with ±10 % jitter. */
export const DEFAULT_TTLS: Readonly<Record<'l1' | 'l2' | 'l3', TtlPolicy>> = Object.freeze({
  l1: { ttlMs: 24 * 3_600_000, jitter: 0.1, graceMs: 0 },
  l2: { ttlMs: 6 * 3_600_000, jitter: 0.1, graceMs: 0 },
  l3: { ttlMs: 3_600_000, jitter: 0.1, graceMs: 0 },
});
