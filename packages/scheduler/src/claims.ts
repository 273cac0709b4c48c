import { Keyspace, type RedisConnection } from '@prewarm/redis';

/**
 * Slot claims on the state Redis (noeviction). The first replica to `SET … NX` a slot owns it
 * and is the only one to enqueue its run; the key expires after `ttlSeconds` (a day), long
 * after every replica has ticked for that slot.
 */
export class SlotClaims {
  private readonly keys: Keyspace;

  constructor(
    private readonly redis: RedisConnection,
    prefix: string,
    private readonly replicaId: string,
    private readonly ttlSeconds: number,
  ) {
    this.keys = new Keyspace(prefix);
  }

  /** True when this replica now owns the slot, false when another replica claimed it first. */
  async claim(slot: string): Promise<boolean> {
    const ok = await this.redis.set(this.keys.slot(slot), this.replicaId, 'EX', this.ttlSeconds, 'NX');
    return ok === 'OK';
  }
}
