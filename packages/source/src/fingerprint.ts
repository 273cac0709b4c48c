/**
 * What a day's fingerprint sums, in SQL both SQLite and PostgreSQL run: the row count, the
 * amounts (weighted so that moving cents between columns changes the sum), the items, the
 * status mix, the ids' lengths and the update times in seconds. A row added, deleted, moved to
 * another day or store, or changed in any value the metrics read changes at least one of them.
 */
export const FINGERPRINT_AGGREGATES = [
  'count(*)',
  'sum(gross_cents)',
  'sum(discount_cents + 3 * packaging_cents + 7 * delivery_cents + 11 * commission_cents + 13 * cost_cents)',
  'sum(items)',
  "sum(CASE status WHEN 'completed' THEN 1 WHEN 'refunded' THEN 1000 WHEN 'cancelled' THEN 1000000 ELSE 1000000000 END)",
  'sum(length(order_id) + length(channel))',
].join(', ');

export const DAY_MS = 86_400_000;

/** Collects `[store, day, ...sums]` rows into store → day → fingerprint. */
export function collectFingerprints(rows: Iterable<readonly unknown[]>): Map<string, Map<number, string>> {
  const out = new Map<string, Map<number, string>>();
  for (const [store, day, ...sums] of rows) {
    let days = out.get(String(store));
    if (!days) out.set(String(store), (days = new Map()));
    days.set(Number(day), sums.map((v) => String(v ?? 0)).join(':'));
  }
  return out;
}
