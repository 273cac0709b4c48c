import { Keyspace, type RedisConnection } from '@prewarm/redis';

/** What a claim says: taken and not settled yet, or settled with the enqueue's outcome. */
export type ClaimState = { kind: 'none' } | { kind: 'leased'; holder: string } | { kind: 'settled'; holder: string; outcome: string };

/**
 * Slot claims on the state Redis (noeviction). The first replica to `SET … NX` a slot owns it
 * and is the one to enqueue its run. A claim is first a lease (`lease:<replica>`, expiring
 * after `leaseSeconds`): if its holder dies between the claim and the enqueue, the lease
 * lapses and another replica takes the slot over. Once the enqueue's outcome is known the
 * claim is settled (`done:<outcome>:<replica>`) and kept for `ttlSeconds` (a day), long after
 * every replica has ticked for that slot.
 */
export class SlotClaims {
  private readonly keys: Keyspace;

  constructor(
    private readonly redis: RedisConnection,
    prefix: string,
    private readonly replicaId: string,
    private readonly ttlSeconds: number,
    private readonly leaseSeconds: number,
  ) {
    this.keys = new Keyspace(prefix);
  }

  /** True when this replica now owns the slot, false when another replica holds or settled it. */
  async claim(slot: string): Promise<boolean> {
    const ok = await this.redis.set(this.keys.slot(slot), `lease:${this.replicaId}`, 'EX', this.leaseSeconds, 'NX');
    return ok === 'OK';
  }

  /** Records the enqueue's outcome, keeping the claim for `ttlSeconds`. */
  async settle(slot: string, outcome: string): Promise<void> {
    await this.redis.set(this.keys.slot(slot), `done:${outcome}:${this.replicaId}`, 'EX', this.ttlSeconds);
  }

  async state(slot: string): Promise<ClaimState> {
    const value = await this.redis.get(this.keys.slot(slot));
    if (value === null) return { kind: 'none' };
    if (value.startsWith('lease:')) return { kind: 'leased', holder: value.slice(6) };
    const match = /^done:([^:]*):(.*)$/.exec(value);
    // A claim written by an earlier version holds the bare replica id: settled.
    return match ? { kind: 'settled', outcome: match[1]!, holder: match[2]! } : { kind: 'settled', outcome: 'unknown', holder: value };
  }
}
