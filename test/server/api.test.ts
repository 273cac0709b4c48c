import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseConfig } from '@prewarm/config';
import { type RunningServer, startServer } from '@prewarm/server';
import { type RunningWorker, startWorker } from '@prewarm/worker';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheEnv, runCli } from '../helpers/cli.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';

declare global {
  // Test code reads JSON answers loosely; the assertions check their shape.
  interface Response {
    json(): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  }
}

const END = '2026-11-20';
const FROM = '2026-10-22';
const TOKEN = 'test-token-0123456789abcdef';
const logger = pino({ level: 'silent' });

let redis: TestRedis;
let env: Record<string, string>;
let server: RunningServer;
let secured: RunningServer;

beforeAll(async () => {
  redis = await startTestRedis();
  env = { PREWARM_SOURCE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'prewarm-api-')), 'orders.db')}`, ...cacheEnv(redis.url), PREWARM_QUEUE_PREFIX: '{apitest}' };
  expect((await runCli(['seed', '--stores', '6', '--days', '70', '--orders', '4000', '--seed', '4', '--end', END], env)).code).toBe(0);
  server = await startServer(parseConfig({ ...env, PREWARM_LOG_LEVEL: 'silent' }), logger, { port: 0, host: '127.0.0.1' });
  secured = await startServer(parseConfig({ ...env, PREWARM_API_TOKEN: TOKEN }), logger, { port: 0, host: '127.0.0.1' });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await secured?.close();
  await redis?.stop();
});

const get = (path: string, headers: Record<string, string> = {}, base = server) => fetch(`${base.url}${path}`, { headers });

describe('read API', () => {
  it('answers /v1/diagnosis byte for byte like the CLI, miss then hit, gzip as stored', async () => {
    const path = `/v1/diagnosis?stores=S003,S001&from=${FROM}&to=${END}`;
    const first = await get(path, { 'accept-encoding': 'identity' });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('miss');
    const body = await first.text();
    const cli = await runCli(['get', 'diagnosis', '--stores', 'S001,S003', '--from', FROM, '--to', END, '--json'], env);
    expect(`${body}\n`).toBe(cli.stdout);
    // Raw bytes: with gzip accepted, the stored entry is sent as it is.
    const gz = await fetch(`${server.url}${path}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('x-cache')).toBe('hit');
    expect(gz.headers.get('content-type')).toMatch(/application\/json/);
    expect(gunzipSync(await rawBody(path)).toString()).toBe(body);
  });

  it('supports ETag / If-None-Match → 304', async () => {
    const path = `/v1/metrics?store=S002&from=${FROM}&to=${END}`;
    const first = await get(path);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const again = await get(path, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('x-cache')).toBe('hit');
    const cli = await runCli(['get', 'metrics', '--store', 'S002', '--from', FROM, '--to', END, '--json'], env);
    expect(`${await first.text()}\n`).toBe(cli.stdout);
  });

  it.each([
    [`/v1/metrics?store=S001&from=${FROM}`, 'to'],
    [`/v1/metrics?store=S%201&from=${FROM}&to=${END}`, 'store'],
    [`/v1/metrics?store=S001&from=2026-13-01&to=${END}`, 'from'],
    [`/v1/metrics?store=S001&from=${END}&to=${FROM}`, 'from'],
    [`/v1/metrics?store=S001&from=2024-01-01&to=${END}`, 'to'],
    [`/v1/diagnosis?stores=all,S001&from=${FROM}&to=${END}`, 'stores'],
    [`/v1/diagnosis?stores=${Array.from({ length: 501 }, (_, i) => `X${i}`).join(',')}&from=${FROM}&to=${END}`, 'stores'],
    [`/v1/diagnosis?from=${FROM}&to=${END}`, 'stores'],
  ])('%s → 400 naming %s', async (path, parameter) => {
    for (const attempt of [1, 2]) {
      // Twice: the server remembers parsed queries, but only valid ones.
      const r = await get(path);
      expect(r.status, `attempt ${attempt}`).toBe(400);
      const body = await r.json();
      expect(body.error.parameter).toBe(parameter);
      expect(body.error.message).toContain(parameter);
    }
  });

  it('answers 404 with a JSON error for an unknown store, every time it is asked', async () => {
    for (const attempt of [1, 2]) {
      const r = await get(`/v1/diagnosis?stores=S001,S999&from=${FROM}&to=${END}`);
      expect(r.status, `attempt ${attempt}`).toBe(404);
      expect(await r.json()).toEqual({ error: { code: 'E_NOT_FOUND', message: 'unknown store: S999' } });
    }
  });

  it('answers a store set the same in any order and with duplicates (one canonical set)', async () => {
    const bodies = await Promise.all(
      ['S002,S005', 'S005,S002', 'S005,S002,S005', 'S002,S005'].map(async (stores) => {
        const r = await get(`/v1/diagnosis?stores=${stores}&from=${FROM}&to=${END}`, { 'accept-encoding': 'identity' });
        expect(r.status).toBe(200);
        return r.text();
      }),
    );
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]!).stores.map((s: { store_id: string }) => s.store_id)).toEqual(['S002', 'S005']);
  });

  it('logs every read in the access stream', async () => {
    const client = new Redis(redis.url);
    const key = `${env.PREWARM_CACHE_PREFIX}:{state}:access`;
    await get(`/v1/diagnosis?stores=S004&from=${FROM}&to=${END}`);
    await new Promise((r) => setTimeout(r, 300)); // the log flushes every 100 ms
    const before = await client.xlen(key);
    await get(`/v1/diagnosis?stores=S004&from=${FROM}&to=${END}`);
    await new Promise((r) => setTimeout(r, 300)); // the log flushes every 100 ms
    expect(await client.xlen(key)).toBe(before + 1);
    client.disconnect();
  });
});

async function rawBody(path: string): Promise<Buffer> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    http
      .get(`${server.url}${path}`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        expect(res.headers['content-encoding']).toBe('gzip');
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      })
      .on('error', reject);
  });
}

describe('ops API', () => {
  it('reports §6 statistics, the hot-store ranking and queue counts', async () => {
    const stats = await (await get('/v1/stats')).json();
    for (const name of ['used_memory_mb', 'max_memory_mb', 'memory_usage_pct', 'hit_rate', 'level_1', 'level_2', 'level_3']) expect(stats).toHaveProperty(name);
    expect(stats.level_2).toBeGreaterThan(0);
    const hot = await (await get('/v1/hot-stores')).json();
    expect(hot.stores.map((s: { store_id: string }) => s.store_id)).toContain('S001');
    const queues = await (await get('/v1/queues')).json();
    expect(Object.keys(queues).sort()).toEqual(['runs', 'warm']);
  });

  it('starts a run with POST /v1/runs and lists it with its phases', async () => {
    // No worker yet: the server is ready (it can serve), and says no worker is alive.
    const alone = await get('/readyz');
    expect(alone.status).toBe(200);
    expect(await alone.json()).toEqual({ status: 'ready', checks: { queue_redis: 'ok', cache_redis: 'ok', source: 'ok' }, workers: 0 });
    const worker: RunningWorker = await startWorker(parseConfig({ ...env, PREWARM_LOG_LEVEL: 'silent' }), logger);
    try {
      const ready = await get('/readyz');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { queue_redis: 'ok', cache_redis: 'ok', source: 'ok' }, workers: 1 });
      const started = await fetch(`${server.url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ incremental: false }) });
      expect(started.status).toBe(202);
      const { runId } = await started.json();
      let run: { status: string; phases: { name: string }[] } | undefined;
      for (let i = 0; i < 600 && run?.status !== 'completed'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        run = (await (await get('/v1/runs')).json()).runs.find((r: { runId: string }) => r.runId === runId);
      }
      expect(run?.status).toBe('completed');
      expect(run?.phases.map((p) => p.name)).toEqual(['global', 'analyze', 'hot', 'cold', 'sets']);
    } finally {
      await worker.close();
    }
    const bad = await fetch(`${server.url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ policy: 'fastest' }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.parameter).toBe('policy');
    const runsBefore = (await (await get('/v1/runs')).json()).runs.length;
    for (const body of ['null', '[]', '"full"', '7']) {
      const refused = await fetch(`${server.url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(refused.status, body).toBe(400);
      expect((await refused.json()).error).toMatchObject({ code: 'E_INVALID_REQUEST', parameter: 'body' });
    }
    expect((await (await get('/v1/runs')).json()).runs.length).toBe(runsBefore); // nothing started
  }, 90_000);

  it('exposes Prometheus metrics, health, the queue dashboard and the page', async () => {
    const metrics = await (await get('/metrics')).text();
    for (const name of ['prewarm_cache_reads_total', 'prewarm_cache_read_seconds_bucket', 'prewarm_cache_keys', 'prewarm_l4_entries', 'prewarm_access_stream_lag', 'prewarm_queue_jobs', 'prewarm_workers_alive', 'prewarm_target{name="hit_ratio_min"} 0.9']) {
      expect(metrics).toContain(name);
    }
    const sample = (series: string): number => {
      const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
      expect(line, series).toBeDefined();
      return Number(line!.slice(series.length + 1));
    };
    // The test Redis has no maxmemory: the ratio is unknown (NaN), not 0; maxmemory itself is 0.
    expect(sample('prewarm_redis_maxmemory_bytes')).toBe(0);
    expect(sample('prewarm_memory_usage_ratio')).toBeNaN();
    expect(sample('prewarm_cache_hit_ratio')).toBeGreaterThan(0);
    // The run of the previous test completed a moment ago.
    const finished = sample('prewarm_last_run_finished_timestamp_seconds{kind="full",status="completed"}');
    expect(Date.now() / 1000 - finished).toBeGreaterThanOrEqual(0);
    expect(Date.now() / 1000 - finished).toBeLessThan(600);
    expect(sample('prewarm_cache_read_seconds_bucket{le="30",level="l3",tier="compute"}')).toBeGreaterThan(0);
    expect(await (await get('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await get('/queues')).status).toBe(200);
    const page = await get('/');
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('cache overview');
  });
});

describe('auth', () => {
  it.each(['/v1/stats', '/', '/queues', '/metrics', `/v1/metrics?store=S001&from=${FROM}&to=${END}`])('%s needs the bearer token', async (path) => {
    const denied = await get(path, {}, secured);
    expect(denied.status).toBe(401);
    expect((await denied.json()).error.code).toBe('E_UNAUTHORIZED');
    expect((await get(path, { authorization: 'Bearer wrong-token-0123456789' }, secured)).status).toBe(401);
    expect((await get(path, { authorization: `Bearer ${TOKEN}` }, secured)).status).toBe(200);
  });

  it('leaves /healthz open', async () => {
    expect((await get('/healthz', {}, secured)).status).toBe(200);
  });
});

describe('shutdown', () => {
  it('finishes a request in flight when closed', async () => {
    const extra = await startServer(parseConfig({ ...env, PREWARM_LOG_LEVEL: 'silent', PREWARM_CACHE_PREFIX: `${env.PREWARM_CACHE_PREFIX}x` }), logger, { port: 0, host: '127.0.0.1' });
    const pending = fetch(`${extra.url}/v1/diagnosis?stores=all&from=2026-09-01&to=${END}`); // a miss: computed from the source
    await new Promise((r) => setTimeout(r, 30));
    await extra.close();
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect((await answer.json()).store_ids).toHaveLength(6);
    await expect(fetch(`${extra.url}/healthz`)).rejects.toThrow();
  });
});

describe('Redis going away', () => {
  it('answers reads from the source (not a hang, not a 503) while Redis is down, and /healthz stays up', async () => {
    const own = await startTestRedis({ url: null, docker: false });
    const ownEnv = { ...env, PREWARM_QUEUE_REDIS_URL: own.url, PREWARM_LOG_LEVEL: 'silent' };
    const s = await startServer(parseConfig(ownEnv), logger, { port: 0, host: '127.0.0.1' });
    try {
      expect((await get('/healthz', {}, s)).status).toBe(200);
      const path = `/v1/diagnosis?stores=S005&from=${FROM}&to=${END}`;
      const before = await get(path, { 'accept-encoding': 'identity' }, s);
      expect(before.headers.get('x-cache')).toBe('miss');
      const expected = await before.text();
      await own.stop();
      const ready = await get('/readyz', {}, s);
      expect(ready.status).toBe(503);
      expect((await ready.json()).checks.queue_redis).not.toBe('ok');
      // The cache is an accelerator: with the source up the read is computed without it.
      const read = await get(`/v1/diagnosis?stores=S005&from=${FROM}&to=${END}`, { 'accept-encoding': 'identity' }, s);
      expect(read.status).toBe(200);
      expect(['bypass', 'hit']).toContain(read.headers.get('x-cache')); // hit: still in this process's L4
      expect(await read.text()).toBe(expected);
      expect((await get('/healthz', {}, s)).status).toBe(200);
      // /metrics answers; what it cannot read from Redis is NaN or absent, not a stale value.
      const metrics = await get('/metrics', {}, s);
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toMatch(/^prewarm_workers_alive nan$/im); // prom-client writes "Nan"; Prometheus reads NaN in any case
      expect(text).not.toMatch(/^prewarm_queue_jobs\{/m);
    } finally {
      await s.close();
    }
  }, 60_000);
});
