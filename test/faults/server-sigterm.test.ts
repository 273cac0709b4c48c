/**
 * `prewarm serve` stopped with SIGTERM while requests are in flight: every request it had
 * accepted is answered in full (200, exact body), then the process exits 0.
 */
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays } from '@prewarm/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrewarmProcess, startPrewarm } from '../../scripts/topology.js';
import { cacheEnv, runCli } from '../helpers/cli.js';
import { ok } from '../helpers/reads.js';
import { type TestRedis, freePort, startTestRedis } from '../helpers/redis.js';

const END = '2026-11-20';
let redis: TestRedis;
let env: Record<string, string>;
let server: PrewarmProcess;
let url: string;

beforeAll(async () => {
  redis = await startTestRedis();
  const dbPath = join(mkdtempSync(join(tmpdir(), 'prewarm-fault-sigterm-')), 'orders.db');
  env = { PREWARM_SOURCE_URL: `sqlite:${dbPath}`, ...cacheEnv(redis.url), PREWARM_LOG_LEVEL: 'silent' };
  ok(await runCli(['seed', '--stores', '30', '--days', '70', '--orders', '90000', '--seed', '4', '--end', END], env));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = startPrewarm('server', ['serve'], { ...env, PREWARM_HTTP_PORT: String(port), PREWARM_HTTP_HOST: '127.0.0.1' });
  for (let i = 0; i < 150; i++) {
    if ((await fetch(`${url}/healthz`).catch(() => null))?.ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await redis?.stop();
});

describe('server SIGTERM under load', () => {
  it('answers every accepted request in full, then exits 0', async () => {
    // 12 different cold reads: each is computed from the source, so they are in flight together
    // (24 took 15 s with one core busy elsewhere: past the 15 s a stopping server is given).
    const paths = Array.from({ length: 12 }, (_, i) => `/v1/diagnosis?stores=all&from=${addDays(END, -40 - i)}&to=${addDays(END, -i)}`);
    // Each request on its own connection, SIGTERM once every one is connected and written
    // (fetch may still be connecting after a fixed delay on a loaded host: a connection the
    // server never accepted before it closed is not one it must answer).
    const sent: Promise<void>[] = [];
    const answers = paths.map(
      (path) =>
        new Promise<{ path: string; status: number; body: string }>((resolve, reject) => {
          const request = http.get(`${url}${path}`, { agent: false, headers: { 'accept-encoding': 'identity' } }, (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (d: string) => (body += d));
            res.on('end', () => resolve({ path, status: res.statusCode ?? 0, body }));
            res.on('error', reject);
          });
          request.on('error', reject);
          sent.push(new Promise((done) => request.once('finish', () => done())));
        }),
    );
    await Promise.all(sent);
    server.child.kill('SIGTERM');
    const results = await Promise.all(answers);
    expect(results.map((r) => r.status)).toEqual(paths.map(() => 200));
    expect(await new Promise((resolve) => (server.child.exitCode !== null ? resolve(server.child.exitCode) : server.child.once('exit', resolve)))).toBe(0);
    for (const r of results.slice(0, 3)) {
      const q = new URLSearchParams(r.path.split('?')[1]);
      const direct = ok(await runCli(['get', 'diagnosis', '--stores', 'all', '--from', q.get('from')!, '--to', q.get('to')!, '--json', '--no-cache'], env));
      expect(r.body).toBe(direct.stdout.trim());
    }
  }, 90_000);
});
