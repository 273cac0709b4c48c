/**
 * The source (PostgreSQL, behind a TCP proxy the test can stop) going down under `prewarm
 * serve`: cached answers keep being served; a read that must be computed answers 503
 * `E_SOURCE_UNAVAILABLE` naming the source (no credentials), at once rather than after a hang;
 * once the source is back, the same read answers 200 with the exact data, by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Topology, startTopology } from '../../scripts/topology.js';
import { cacheEnv, runCli } from '../helpers/cli.js';
import type { TestSchema } from '../helpers/postgres.js';
import { ok } from '../helpers/reads.js';
import { type TestRedis, freePort, startTestRedis } from '../helpers/redis.js';
import { type TcpProxy, proxiedTestPostgres } from '../helpers/tcp-proxy.js';

const END = '2026-11-20';
let redis: TestRedis;
let schema: TestSchema;
let proxy: TcpProxy;
let env: Record<string, string>;
let topology: Topology;

beforeAll(async () => {
  redis = await startTestRedis();
  let url: string;
  ({ schema, proxy, url } = await proxiedTestPostgres());
  env = { PREWARM_SOURCE_URL: url, ...cacheEnv(redis.url) };
  ok(await runCli(['seed', '--stores', '6', '--days', '70', '--orders', '3000', '--seed', '2', '--end', END], env));
  topology = await startTopology({ env: { ...env, PREWARM_LOG_LEVEL: 'silent' }, workers: 0, schedulers: 0, port: await freePort() });
}, 120_000);

afterAll(async () => {
  await topology?.stop();
  await proxy?.close();
  await redis?.stop();
  await schema?.drop();
});

const read = (path: string) => fetch(`${topology.url}${path}`, { headers: { 'accept-encoding': 'identity' } });

describe('source outage under the server', () => {
  it('serves what is cached, answers 503 naming the source for what must be computed, and recovers by itself', async () => {
    const cachedPath = `/v1/diagnosis?stores=S001,S002&from=2026-11-01&to=${END}`;
    const missPath = `/v1/diagnosis?stores=S003&from=2026-10-01&to=2026-10-20`;
    const warm = await read(cachedPath);
    expect(warm.status).toBe(200);
    const warmBody = await warm.text();

    await proxy.down();
    const hit = await read(cachedPath);
    expect(hit.status).toBe(200);
    expect(hit.headers.get('x-cache')).toBe('hit');
    expect(await hit.text()).toBe(warmBody);
    const miss = await read(missPath);
    expect(miss.status).toBe(503);
    const { error } = await miss.json();
    expect(error.code).toBe('E_SOURCE_UNAVAILABLE');
    expect(error.message).toMatch(/postgres/i);
    expect(error.message).not.toMatch(/:\/\/[^@/\s]*:[^@/\s]*@/); // no user:password@ of a URL

    await proxy.up();
    let back: Response | undefined;
    for (let i = 0; i < 50; i++) {
      back = await read(missPath);
      if (back.status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(back!.status).toBe(200);
    const direct = ok(await runCli(['get', 'diagnosis', '--stores', 'S003', '--from', '2026-10-01', '--to', '2026-10-20', '--json', '--no-cache'], env));
    expect(await back!.text()).toBe(direct.stdout.trim());
  }, 90_000);
});
