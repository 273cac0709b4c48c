/**
 * Bounded soak: `prewarm serve`, two workers and a scheduler (an incremental run every 30 s)
 * under a steady read load, while a writer changes 0.2 % of the orders every 20 s. Every
 * window (20 s by default) records the server's RSS, heap and event-loop delay p99 (its
 * /metrics), the workers' RSS, Redis used_memory and the read latency p99. Flat is the goal.
 *
 *   npx tsx bench/soak.ts [--minutes 5] [--rps 40] [--window 20] [--write]
 *
 * `--write` puts the table in docs/reliability.md and the chart in docs/soak.svg.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { freePort, isMain, option, quantile, seedSample, stopChild, svgFrame, writeDocBlock } from './lib.js';

const END = '2026-11-20';
const MINUTES = Number(option('minutes', '5'));
const RPS = Number(option('rps', '40'));
const WINDOW_S = Number(option('window', '20'));
const BIN = new URL('../apps/cli/bin/prewarm.js', import.meta.url).pathname;

export interface Sample {
  t: number;
  serverRssMb: number;
  serverHeapMb: number;
  loopP99Ms: number;
  workersRssMb: number;
  redisMb: number;
  readP99Ms: number;
  reads: number;
  errors: number;
}

function rssMb(pid: number | undefined): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

function start(args: string[], env: Record<string, string>): ChildProcess {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PREWARM_')));
  return spawn(process.execPath, [BIN, ...args], { env: { ...base, ...env }, stdio: 'ignore' });
}

/** The requests of a dashboard population: a Zipf-like choice of store sets and ranges. */
function paths(stores: number): string[] {
  const out: string[] = [];
  for (let i = 1; i <= stores; i++) {
    const id = `S${String(i).padStart(3, '0')}`;
    const weight = Math.max(1, Math.round(20 / i));
    for (let w = 0; w < weight; w++) {
      out.push(`/v1/metrics?store=${id}&from=2026-10-22&to=${END}`);
      out.push(`/v1/diagnosis?stores=${id},S001&from=2026-11-14&to=${END}`);
    }
  }
  out.push(`/v1/diagnosis?stores=all&from=2026-10-22&to=${END}`);
  return out;
}

export function svgChart(samples: Sample[]): string {
  const series: [keyof Sample, string, string][] = [
    ['serverRssMb', 'server RSS (MB)', '#1f77b4'],
    ['workersRssMb', 'workers RSS (MB)', '#ff7f0e'],
    ['redisMb', 'Redis used_memory (MB)', '#2ca02c'],
    ['readP99Ms', 'read p99 (ms, clipped at the top of the chart)', '#d62728'],
    ['loopP99Ms', 'server event-loop p99 (ms)', '#9467bd'],
  ];
  const W = 720;
  const H = 300;
  const pad = 40;
  const tMax = Math.max(...samples.map((s) => s.t), 1);
  // The scale follows the memory series; latencies above it (a loaded host) are clipped.
  const yMax = Math.max(...samples.flatMap((s) => series.filter(([k]) => k.endsWith('Mb')).map(([k]) => Number(s[k]) || 0)), 1) * 1.1;
  const x = (t: number) => pad + ((W - 2 * pad) * t) / tMax;
  const y = (v: number) => H - pad - ((H - 2 * pad) * Math.min(v, yMax)) / yMax;
  const lines = series
    .map(([key, , color]) => `<polyline fill="none" stroke="${color}" stroke-width="2" points="${samples.map((s) => `${x(s.t).toFixed(1)},${y(Number(s[key]) || 0).toFixed(1)}`).join(' ')}"/>`)
    .join('\n');
  const legend = series.map(([, label, color], i) => `<text x="${pad + 10}" y="${pad - 22 + i * 14}" font-size="11" fill="${color}">${label}</text>`).join('\n');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${x(tMax * f)}" y="${H - pad + 16}" font-size="10" text-anchor="middle">${Math.round((tMax * f) / 60)} min</text>`).join('\n');
  const yTicks = [0, 0.5, 1].map((f) => `<text x="${pad - 4}" y="${y(yMax * f)}" font-size="10" text-anchor="end">${Math.round(yMax * f)}</text>`).join('\n');
  return svgFrame(W, H, pad, [ticks, yTicks, lines, legend]);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'prewarm-soak-'));
  const redisPort = await freePort();
  const redisServer = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const redis = new Redis(redisPort);
  const dbPath = join(dir, 'orders.db');
  const stores = 50;
  await seedSample(`sqlite:${dbPath}`, { stores, days: 90, orders: 300_000, seed: 3, end: END });
  const httpPort = await freePort();
  const env = {
    PREWARM_SOURCE_URL: `sqlite:${dbPath}`,
    PREWARM_QUEUE_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    PREWARM_LOG_LEVEL: 'warn',
    PREWARM_HTTP_PORT: String(httpPort),
    PREWARM_HTTP_HOST: '127.0.0.1',
    PREWARM_SCHEDULE_INCREMENTAL: '*/30 * * * * *',
    PREWARM_SCHEDULE_FULL: '0 0 1 1 *',
  };
  const workers = [start(['worker'], env), start(['worker'], env)];
  const scheduler = start(['scheduler'], env);
  const server = start(['serve'], env);
  const url = `http://127.0.0.1:${httpPort}`;
  for (let i = 0; i < 300 && !(await fetch(`${url}/healthz`).catch(() => null))?.ok; i++) await new Promise((r) => setTimeout(r, 100));
  const population = paths(stores);
  const db = new Database(dbPath);
  const ids = db.prepare('SELECT order_id FROM orders ORDER BY order_id').pluck().all() as string[];
  const touch = db.prepare('UPDATE orders SET discount_cents = discount_cents + 1, updated_at = ? WHERE order_id = ?');
  const samples: Sample[] = [];
  let latencies: number[] = [];
  let errors = 0;
  const began = Date.now();
  const endAt = began + MINUTES * 60_000;
  let nextWindow = began + WINDOW_S * 1000;
  let nextWrite = began + 20_000;
  let seq = 0;
  const inflight = new Set<Promise<void>>();
  while (Date.now() < endAt) {
    const path = population[(seq++ * 7919) % population.length]!;
    const t0 = performance.now();
    const p = fetch(`${url}${path}`)
      .then(async (r) => {
        await r.arrayBuffer();
        if (r.status !== 200) errors++;
        latencies.push(performance.now() - t0);
      })
      .catch(() => void errors++)
      .finally(() => inflight.delete(p));
    inflight.add(p);
    if (Date.now() >= nextWrite) {
      const now = new Date().toISOString().replace('Z', '+00:00');
      db.transaction(() => {
        for (let i = 0; i < ids.length / 500; i++) touch.run(now, ids[Math.floor(Math.random() * ids.length)]!);
      })();
      nextWrite += 20_000;
    }
    if (Date.now() >= nextWindow) {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      const info = await redis.info('memory');
      samples.push({
        t: Math.round((Date.now() - began) / 1000),
        serverRssMb: rssMb(server.pid),
        serverHeapMb: metric(metrics, 'prewarm_process_nodejs_heap_size_used_bytes') / 2 ** 20,
        loopP99Ms: metric(metrics, 'prewarm_process_nodejs_eventloop_lag_p99_seconds') * 1000,
        workersRssMb: workers.reduce((n, w) => n + rssMb(w.pid), 0),
        redisMb: Number(/used_memory:(\d+)/.exec(info)?.[1]) / 2 ** 20,
        readP99Ms: quantile([...latencies].sort((a, b) => a - b), 0.99),
        reads: latencies.length,
        errors,
      });
      console.log(samples[samples.length - 1]);
      latencies = [];
      errors = 0;
      nextWindow += WINDOW_S * 1000;
    }
    await new Promise((r) => setTimeout(r, 1000 / RPS));
  }
  await Promise.all(inflight);
  db.close();
  const runs = ((await (await fetch(`${url}/v1/runs`)).json()) as { runs: { status: string }[] }).runs;
  for (const child of [server, scheduler, ...workers]) await stopChild(child);
  redis.disconnect();
  await stopChild(redisServer);
  rmSync(dir, { recursive: true, force: true });

  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');
  const table = [
    `${MINUTES} min, ${RPS} reads/s over ${population.length} weighted requests (${stores} stores, 300 k orders), an incremental run every 30 s (${runs.filter((r) => r.status === 'completed').length} completed), 0.2 % of the orders changed every 20 s; one row per ${WINDOW_S} s window (\`npx tsx bench/soak.ts --minutes ${MINUTES} --rps ${RPS}\`).`,
    '',
    '| t (s) | reads | errors | read p99 (ms) | server RSS (MB) | server heap (MB) | server loop p99 (ms) | workers RSS (MB) | Redis (MB) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...samples.map((s) => `| ${s.t} | ${s.reads} | ${s.errors} | ${f(s.readP99Ms)} | ${f(s.serverRssMb)} | ${f(s.serverHeapMb)} | ${f(s.loopP99Ms)} | ${f(s.workersRssMb)} | ${f(s.redisMb)} |`),
    '',
    '![soak chart](soak.svg)',
  ].join('\n');
  console.log(table);
  if (process.argv.includes('--write')) {
    writeFileSync(new URL('../docs/soak.svg', import.meta.url), svgChart(samples));
    writeDocBlock(new URL('../docs/reliability.md', import.meta.url), 'soak-bench', table, '## Soak (bounded)');
  }
}

if (isMain(import.meta.url)) await main();
