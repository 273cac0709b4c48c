import { HotStoreAnalyzer } from '@prewarm/analyzer';
import type { HierarchicalCache } from '@prewarm/cache';
import type { SourceComputer } from '@prewarm/compute';
import type { PrewarmQueues } from '@prewarm/queue';
import type { OrderSource } from '@prewarm/source';
import type { Keyspace, RedisConnection } from '@prewarm/redis';
import { type RunRecords, newRunId, runSummary } from '@prewarm/runs';
import type { FastifyInstance } from 'fastify';
import { hostname } from 'node:os';
import { z } from 'zod';
import { sendError } from '../errors.js';

export interface OpsDeps {
  cache: HierarchicalCache;
  state: RedisConnection;
  cacheRedis: RedisConnection;
  source: OrderSource;
  computer: () => SourceComputer;
  queues: PrewarmQueues;
  runs: RunRecords;
  hotRatio: number;
  workersAlive: () => Promise<number>;
  today: () => string;
  keys: Keyspace;
}

const StartRun = z.object({ incremental: z.boolean().default(false), policy: z.enum(['default', 'seed']).default('default') }).strict();

export function opsRoutes(app: FastifyInstance, d: OpsDeps): void {
  const analyzer = new HotStoreAnalyzer({ state: d.state, keyspace: d.keys, consumer: `serve-${hostname()}-${process.pid}` });

  app.get('/healthz', async () => ({ status: 'ok' }));

  // Ready means this server can serve: its own dependencies answer. Workers are reported (the
  // body, `prewarm_workers_alive`, the PrewarmNoWorkerAlive alert) but a worker outage must not
  // take every server replica out of a load balancer.
  app.get('/readyz', async (_request, reply) => {
    const checks: Record<string, string> = {};
    let workers: number | null = null;
    const probe = async (name: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
        checks[name] = 'ok';
      } catch (err) {
        checks[name] = (err as Error).message.split('\n')[0]!;
      }
    };
    await Promise.all([
      probe('queue_redis', () => d.state.ping()),
      probe('cache_redis', () => d.cacheRedis.ping()),
      probe('source', () => d.source.ping()),
      d.workersAlive().then(
        (n) => void (workers = n),
        () => {},
      ),
    ]);
    const ready = Object.values(checks).every((v) => v === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks, workers });
  });

  app.get('/v1/stats', async () => d.cache.stats());

  app.get('/v1/hot-stores', async () => {
    await analyzer.analyze();
    const stores = [...(await d.computer().stores()).keys()];
    return analyzer.ranking({ stores, ratio: d.hotRatio });
  });

  app.get('/v1/runs', async () => {
    const recent = await d.runs.recent(20);
    return { runs: await Promise.all(recent.map(async (r) => ({ ...runSummary(r), startedAt: r.startedAt, progress: await d.runs.progress(r.runId) }))) };
  });

  app.post('/v1/runs', async (request, reply) => {
    // No body starts a full run; any body given must be a JSON object (`null` is refused).
    const parsed = StartRun.safeParse(request.body === undefined ? {} : request.body);
    if (!parsed.success) {
      const parameter = String(parsed.error.issues[0]?.path[0] ?? 'body');
      return sendError(reply, 'E_INVALID_REQUEST', `invalid ${parameter}: ${parsed.error.issues[0]?.message}`, parameter);
    }
    const runId = newRunId('http');
    await d.queues.add('run', { runId, ...parsed.data, end: d.today() }, { jobId: runId });
    return reply.code(202).send({ runId, workers: await d.workersAlive() });
  });

  app.get('/v1/queues', async () => {
    const out: Record<string, Record<string, number>> = {};
    for (const [name, q] of Object.entries(d.queues.byName)) out[name] = await q.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'waiting-children');
    return out;
  });
}
