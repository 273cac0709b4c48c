import type { Keyspace } from '@prewarm/redis';

/**
 * The analyzer's view of the keyspace (names are built by `Keyspace`). All of them — and the access stream — carry the `{state}` hash tag, so
 * the counting script touches one Redis Cluster slot.
 */
export class HotKeys {
  constructor(private readonly keyspace: Keyspace) {}

  /** The access stream the cache appends to (`<prefix>:{state}:access`). */
  get stream(): string {
    return this.keyspace.accessStream;
  }
  /** ZSET store id → forward-decayed score (relative to the landmark). */
  get stores(): string {
    return this.keyspace.hotStores;
  }
  /** ZSET `<set>|<from>|<to>` → forward-decayed score of L3 reads (relative to the landmark). */
  get sets(): string {
    return this.keyspace.hotSets;
  }
  /** HASH `landmark` (epoch ms) and `half_life_ms`: what the scores are relative to. */
  get meta(): string {
    return this.keyspace.hotMeta;
  }
  /** HASH of plain (undecayed) counters: `events`, `l1`, `l2`, `l3`, `skipped`. */
  get counts(): string {
    return this.keyspace.hotCounts;
  }
  /** Every key the analyzer owns (not the stream, which belongs to the cache). */
  get owned(): string[] {
    return [this.stores, this.sets, this.meta, this.counts];
  }
}
