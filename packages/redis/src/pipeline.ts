import calculateSlot from 'cluster-key-slot';
import { Cluster, type ChainableCommander } from 'ioredis';
import type { RedisConnection } from './scan.js';

export type PipelineReply = [Error | null, unknown];

/**
 * Sends one command per item in as few round trips as the topology allows: one pipeline on a
 * single server; on a cluster one pipeline per hash slot (a cluster pipeline must stay in one
 * slot), all sent at once. Replies come back in item order.
 */
export async function pipelinePerSlot<T>(redis: RedisConnection, items: readonly T[], keyOf: (item: T) => string, add: (pipeline: ChainableCommander, item: T) => void): Promise<PipelineReply[]> {
  const groups = new Map<number, number[]>();
  if (redis instanceof Cluster) {
    items.forEach((item, i) => {
      const slot = calculateSlot(keyOf(item));
      const group = groups.get(slot);
      if (group) group.push(i);
      else groups.set(slot, [i]);
    });
  } else groups.set(0, items.map((_, i) => i));
  const replies = new Array<PipelineReply>(items.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const pipeline = redis.pipeline();
      for (const i of indexes) add(pipeline, items[i]!);
      const got = (await pipeline.exec()) ?? [];
      indexes.forEach((i, n) => (replies[i] = (got[n] as PipelineReply | undefined) ?? [new Error('no reply'), null]));
    }),
  );
  return replies;
}
