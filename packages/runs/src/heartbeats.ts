import { type Keyspace, type RedisConnection, countKeys } from '@prewarm/redis';

/** A worker beats this often; its heartbeat expires after three missed beats. */
export const HEARTBEAT_MS = 5000;

/**
 * Worker heartbeats on the state Redis: one expiring key per worker process. A worker is alive
 * while its key exists; counting them walks every master (SCAN, never KEYS).
 */
export class Heartbeats {
  constructor(
    private readonly state: RedisConnection,
    private readonly keys: Keyspace,
  ) {}

  /** Marks a worker alive for three beats. */
  async beat(workerId: string, now = Date.now()): Promise<void> {
    await this.state.set(this.keys.heartbeat(workerId), String(now), 'PX', HEARTBEAT_MS * 3);
  }

  /** A worker that stops cleanly says so at once. */
  async stop(workerId: string): Promise<void> {
    await this.state.del(this.keys.heartbeat(workerId));
  }

  /** Worker processes with a recent heartbeat. */
  alive(): Promise<number> {
    return countKeys(this.state, this.keys.heartbeatPattern);
  }
}
