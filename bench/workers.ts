/**
 * Scale-out: how long a full run takes with 1, 2 and 3 worker processes, on the same data and
 * an own redis-server (both roles), interleaved in rounds (1, 2, 3 workers, then again), each
 * run on an empty cache. Reports medians and, per round, the ratio to one worker.
 *
 *   npx tsx bench/workers.ts [--stores 100] [--orders 1000000] [--rounds 3] [--write]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startPrewarm } from '../scripts/topology.js';
import { runCli } from '../test/helpers/cli.js';
import { startTestRedis } from '../test/helpers/redis.js';
import { isMain, median, option, seedSample, writeDocBlock } from './lib.js';

const END = '2026-11-20';

async function main(): Promise<void> {
  const stores = Number(option('stores', '100'));
  const orders = Number(option('orders', '1000000'));
  const rounds = Number(option('rounds', '3'));
  const counts = [1, 2, 3];
  const dir = mkdtempSync(join(os.tmpdir(), 'prewarm-bench-workers-'));
  const sourceUrl = `sqlite:${join(dir, 'orders.db')}`;
  console.error(`seeding ${stores} stores, ${orders} orders…`);
  await seedSample(sourceUrl, { stores, days: 90, orders, seed: 42, end: END });
  const redis = await startTestRedis({ url: null, args: ['--maxmemory-policy', 'noeviction'] });
  const results = new Map<number, { ms: number[]; global: number[]; storesPhase: number[] }>(counts.map((n) => [n, { ms: [], global: [], storesPhase: [] }]));
  const ratios: number[][] = counts.map(() => []);
  try {
    for (let round = 1; round <= rounds; round++) {
      const single: number[] = [];
      for (const [i, n] of counts.entries()) {
        // A fresh prefix and queue: every run starts from an empty cache and no demand history.
        const env = { PREWARM_SOURCE_URL: sourceUrl, PREWARM_QUEUE_REDIS_URL: redis.url, PREWARM_CACHE_PREFIX: `b${randomBytes(4).toString('hex')}`, PREWARM_QUEUE_PREFIX: `{b${randomBytes(4).toString('hex')}}`, PREWARM_LOG_LEVEL: 'warn' };
        const workers = Array.from({ length: n }, (_, w) => startPrewarm(`worker-${w + 1}`, ['worker'], env));
        await new Promise((r) => setTimeout(r, 1500)); // heartbeats in
        const run = await runCli(['run', '--json', '--end', END], env);
        await Promise.all(workers.map((w) => w.stop()));
        if (run.code !== 0) throw new Error(`run failed with ${n} workers: ${run.stderr.trim().split('\n').pop()}`);
        const summary = JSON.parse(run.stdout) as { durationMs: number; phases: { name: string; durationMs: number | null }[] };
        const phase = (name: string) => summary.phases.find((p) => p.name === name)?.durationMs ?? 0;
        const r = results.get(n)!;
        r.ms.push(summary.durationMs);
        r.global.push(phase('global'));
        r.storesPhase.push(phase('hot') + phase('cold'));
        if (n === 1) single.push(summary.durationMs);
        ratios[i]!.push(summary.durationMs / single[0]!);
        console.error(`round ${round}: ${n} worker(s) ${summary.durationMs} ms (global ${phase('global')} ms, hot+cold ${phase('hot') + phase('cold')} ms)`);
      }
    }
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const rows = counts.map((n, i) => {
    const r = results.get(n)!;
    return `| ${n} | ${Math.round(median(r.ms))} | ${Math.round(median(r.global))} | ${Math.round(median(r.storesPhase))} | ${median(ratios[i]!).toFixed(2)}× |`;
  });
  const table = [
    `Full run, ${stores} stores × ${orders.toLocaleString('en-US')} orders (SQLite), one redis-server for both roles, ${os.cpus().length} cores, median of ${rounds} interleaved rounds; each run on an empty cache (${new Date().toISOString().slice(0, 10)}, \`npx tsx bench/workers.ts\`).`,
    '',
    '| worker processes | run (ms) | global phase (ms) | hot + cold phases (ms) | run time vs 1 worker (median of per-round ratios) |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  console.log(table);
  if (process.argv.includes('--write')) writeDocBlock(new URL('../docs/benchmarks.md', import.meta.url), 'workers-bench', table, '## Scale-out: worker processes');
}

if (isMain(import.meta.url)) await main();
