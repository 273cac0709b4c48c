/**
 * First access over HTTP: the first `GET /v1/diagnosis?stores=all` of a range whose L3 entry
 * does not exist, after a full run (its days warm or not), and with nothing warm at all.
 *
 * A SQLite sample (100 stores, 300 k orders, 90 days), one Redis, a full run, then `prewarm
 * serve` with L4 off (every read goes to Redis, as in a fresh process). Per round, every
 * all-stores L3 entry is deleted before each request, so each one is a first access:
 *
 * - a 14-day range ending a week ago (its days are in the warm window);
 * - 30-day ranges ending 1, 3 and 5 days ago (their previous periods reach 1–5 days before the
 *   last 30 days' own previous period: in the window since it covers ranges ending up to a
 *   week ago);
 * - the last 30 days with the cache flushed (everything from the source).
 *
 *   npx tsx bench/first-access.ts [--rounds 5] [--write]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { addDays } from '@prewarm/domain';
import { Redis } from 'ioredis';
import { freePort, isMain, median, option, seedSample, stopChild, writeDocBlock } from './lib.js';

const END = '2026-11-20';
const BIN = new URL('../apps/cli/bin/prewarm.js', import.meta.url).pathname;

function run(args: string[], env: Record<string, string>): Promise<string> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PREWARM_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`prewarm ${args.join(' ')} exited ${code}`))));
  });
}

async function unlinkAllStoresL3(redis: Redis, prefix: string): Promise<void> {
  for (let cursor = '0'; ; ) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:l3:{all}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    if ((cursor = next) === '0') break;
  }
}

async function main(): Promise<void> {
  const rounds = Number(option('rounds', '5'));
  const dir = mkdtempSync(join(tmpdir(), 'prewarm-first-access-'));
  const redisPort = await freePort();
  const httpPort = await freePort();
  const redisServer = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const redis = new Redis(redisPort);
  let server: ChildProcess | undefined;
  try {
    const dbPath = join(dir, 'orders.db');
    await seedSample(`sqlite:${dbPath}`, { stores: 100, days: 90, orders: 300_000, seed: 3, end: END });
    const env = { PREWARM_SOURCE_URL: `sqlite:${dbPath}`, PREWARM_QUEUE_REDIS_URL: `redis://127.0.0.1:${redisPort}`, PREWARM_CACHE_PREFIX: 'fa', PREWARM_LOG_LEVEL: 'warn' };
    const summary = JSON.parse(await run(['run', '--json', '--end', END], env)) as { durationMs: number };
    console.log(`full run: ${(summary.durationMs / 1000).toFixed(1)} s`);
    server = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, ...env, PREWARM_L4_MAX_MB: '0', PREWARM_HTTP_PORT: String(httpPort), PREWARM_HTTP_HOST: '127.0.0.1' }, stdio: 'ignore' });
    const url = `http://127.0.0.1:${httpPort}`;
    for (let i = 0; i < 300 && !(await fetch(`${url}/readyz`).catch(() => null))?.ok; i++) await new Promise((r) => setTimeout(r, 100));
    const range = (days: number, endingDaysAgo: number) => ({ from: addDays(END, 1 - days - endingDaysAgo), to: addDays(END, -endingDaysAgo) });
    const cases = [
      { name: '14 days ending a week ago (days warm)', range: range(14, 7), flush: false },
      { name: '30 days ending 1 day ago', range: range(30, 1), flush: false },
      { name: '30 days ending 3 days ago', range: range(30, 3), flush: false },
      { name: '30 days ending 5 days ago', range: range(30, 5), flush: false },
      { name: 'last 30 days, nothing warm (cache flushed)', range: range(30, 0), flush: true },
    ];
    const times = new Map(cases.map((c) => [c.name, [] as number[]]));
    for (let r = 0; r < rounds; r++) {
      for (const c of rotated(cases, r)) {
        if (c.flush) {
          if (r >= 2) continue; // two rounds from the source are enough (and a run is needed after)
          await redis.flushall();
        }
        await unlinkAllStoresL3(redis, 'fa');
        const started = performance.now();
        const res = await fetch(`${url}/v1/diagnosis?stores=all&from=${c.range.from}&to=${c.range.to}`);
        await res.arrayBuffer();
        const ms = performance.now() - started;
        if (res.status !== 200 || res.headers.get('x-cache') !== 'miss') throw new Error(`${c.name}: ${res.status} ${res.headers.get('x-cache')}`);
        times.get(c.name)!.push(ms);
        if (c.flush) await run(['run', '--json', '--end', END], env); // warm again for the next cases
      }
    }
    const rows = cases.map((c) => {
      const t = times.get(c.name)!;
      return `| ${c.name} | ${c.range.from}..${c.range.to} | ${median(t).toFixed(0)} | ${Math.min(...t).toFixed(0)}–${Math.max(...t).toFixed(0)} | ${t.length} |`;
    });
    const text = [
      `100 stores, 300 k orders, after a full run (${(summary.durationMs / 1000).toFixed(1)} s); \`prewarm serve\` with L4 off; every all-stores L3 entry deleted before each request, so each is a first access (\`x-cache: miss\`). Client-side time of one \`GET /v1/diagnosis?stores=all\` (ms). \`npx tsx bench/first-access.ts --rounds ${rounds}\`.`,
      '',
      '| all-stores diagnosis of | range | median (ms) | min–max | requests |',
      '|---|---|---|---|---|',
      ...rows,
    ].join('\n');
    console.log(text);
    if (process.argv.includes('--write')) writeDocBlock(new URL('../docs/benchmarks.md', import.meta.url), 'first-access-bench', text, '## First access over HTTP');
  } finally {
    if (server) await stopChild(server);
    redis.disconnect();
    await stopChild(redisServer);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The cases in a different order each round (rotated), so no case always follows the same one. */
function rotated<T>(cases: readonly T[], round: number): T[] {
  const k = round % cases.length;
  return [...cases.slice(k), ...cases.slice(0, k)];
}

if (isMain(import.meta.url)) await main();
