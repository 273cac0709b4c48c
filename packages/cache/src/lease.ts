import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

export interface LeaseOptions {
  /** How long a lease holds if its owner dies without releasing it. */
  leaseMs: number;
  /** How long a waiter waits for the owner's value before computing itself. */
  waitMs: number;
  /** First poll interval of a waiter; doubles up to 8×. */
  pollMs: number;
}

export const DEFAULT_LEASE: LeaseOptions = Object.freeze({ leaseMs: 30_000, waitMs: 30_000, pollMs: 10 });

const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Cross-process single flight: the first process to miss takes a lease (`SET NX PX`) and
 * computes; the others wait for the value. Release is safe — a Lua compare-and-delete, so an
 * owner whose lease expired never deletes a successor's lease.
 */
export class Leases {
  constructor(
    private readonly redis: Redis | Cluster,
    readonly options: LeaseOptions = DEFAULT_LEASE,
  ) {}

  /** A token when the lease is ours, null when another process holds it. */
  async acquire(leaseKey: string): Promise<string | null> {
    const token = randomBytes(12).toString('base64url');
    const ok = await this.redis.set(leaseKey, token, 'PX', this.options.leaseMs, 'NX');
    return ok === 'OK' ? token : null;
  }

  async release(leaseKey: string, token: string): Promise<boolean> {
    return (await this.redis.eval(RELEASE_SCRIPT, 1, leaseKey, token)) === 1;
  }

  async held(leaseKey: string): Promise<boolean> {
    return (await this.redis.exists(leaseKey)) === 1;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
