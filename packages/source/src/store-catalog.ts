import { type Store, StoreSchema, compareCodeUnits } from '@prewarm/domain';

/** The stores table as read: valid stores by id, and why the others were rejected. */
export interface StoreCatalog {
  /** Valid stores sorted by store_id (code-unit order, whatever the database collation). */
  stores: Store[];
  byId: Map<string, Store>;
  /** Store ids present in the table but invalid, with the reason. */
  invalid: Map<string, string>;
}

/** One stores row as a driver hands it over: store_id, name, city, timezone. */
export type StoreTuple = readonly unknown[];

/** Validates store rows with the domain StoreSchema; invalid rows are kept aside with a reason. */
export function buildStoreCatalog(rows: Iterable<StoreTuple>): StoreCatalog {
  const stores: Store[] = [];
  const invalid = new Map<string, string>();
  for (const [store_id, name, city, timezone] of rows) {
    const parsed = StoreSchema.safeParse({ store_id, name, city: city ?? null, timezone: timezone ?? undefined });
    if (parsed.success) stores.push(parsed.data);
    else invalid.set(String(store_id), describeIssues(parsed.error.issues));
  }
  stores.sort((a, b) => compareCodeUnits(a.store_id, b.store_id));
  return { stores, byId: new Map(stores.map((s) => [s.store_id, s])), invalid };
}

/** zod issues as one line: `timezone: timezone must be an IANA time zone …; name: …`. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => (i.path.length > 0 ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ');
}
