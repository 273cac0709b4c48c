/**
 * Warm quality: how much of a dashboard's demand a cold-start full run serves from the cache
 * while it runs, for both policies side by side.
 *
 * Per configuration (stores × Zipf exponent): a SQLite sample (3,000 orders per store, 90 days),
 * a queue/state Redis and a cache Redis of its own, one worker process. A trace of dashboard
 * requests — store diagnoses (last 7 / last 30 days) and store metrics (last 30 days) with
 * stores drawn from Zipf(s) over a shuffled store order, plus a few multi-store sets and the
 * all-stores diagnosis — trains the analyzer (3,000 reads). Then, per round and policy
 * (alternating which goes first): the cache Redis is flushed, `prewarm serve` restarted (empty
 * L4), a full run started, and the same trace replayed open-loop at `--rps` through the server.
 *
 * Reported per policy (medians over rounds): hit rate over the first 200 and 1,000 requests,
 * T90 (time from the run's start until the entries that carry 90 % of the requests exist —
 * probed every 250 ms in the cache Redis, whoever wrote them), read latency p50/p95 while the
 * run goes, and run duration; and the median of per-round T90 ratios (default / seed).
 *
 *   npx tsx bench/warm-quality.ts [--stores 100,300] [--zipf 0.7,0.9,1.2] [--rounds 3] [--rps 40] [--requests 1000] [--write]
 *
 * `--write` puts the table in docs/benchmarks.md and the hit-rate chart in docs/warm-quality.svg.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HierarchicalCache, cacheOptionsFrom, defaultLevelCodecs } from '@prewarm/cache';
import { thresholdsVariant } from '@prewarm/compute';
import { parseConfig } from '@prewarm/config';
import { Prng } from '@prewarm/source';
import { type DateRange, type DiagnosisThresholds, eachDate } from '@prewarm/domain';
import { dashboardRanges } from '@prewarm/runs';
import { Redis } from 'ioredis';
import pino from 'pino';
import { freePort, isMain, median, option, quantile, seedSample, stopChild, svgFrame, writeDocBlock } from './lib.js';

const END = '2026-11-20';
const BIN = new URL('../apps/cli/bin/prewarm.js', import.meta.url).pathname;
const ORDERS_PER_STORE = 3000;
const TRAINING = 3000;
const PROBE_MS = 250;
type Policy = 'default' | 'seed';

/** Uniform in [0, 1), deterministic per seed (the sample generator's PRNG). */
function prng(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.next();
}

/** Draws ranks 0..n-1 with probability ∝ 1/(rank+1)^s. */
function zipf(n: number, s: number, random: () => number): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let k = 1; k <= n; k++) cumulative.push((total += 1 / k ** s));
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** One dashboard request: its path, and what must exist in the cache for it to be a hit. */
interface Request {
  id: string;
  path: string;
  kind: 'diagnosis' | 'metrics';
  stores: 'all' | string[];
  range: DateRange;
}

/** The population of one configuration: stores in demand order, a few sets. */
function population(stores: number, s: number): { draw: (random: () => number) => Request } {
  const ids = Array.from({ length: stores }, (_, i) => `S${String(i + 1).padStart(3, '0')}`);
  // Demand order: a seeded shuffle, so the most read stores are not the first ids (the seed
  // policy's no-history fallback) by construction.
  const shuffle = prng(7);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(shuffle() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  const [last7, last30] = dashboardRanges(END) as [DateRange, DateRange];
  const setRandom = prng(11);
  const storeRank = zipf(stores, s, setRandom);
  const sets = Array.from({ length: 6 }, (_, i) => [...new Set(Array.from({ length: 2 + (i % 4) }, () => ids[storeRank()]!))].sort());
  return {
    draw: (random) => {
      const rank = zipf(stores, s, random);
      const r = random();
      const range = random() < 0.5 ? last7 : last30;
      if (r < 0.45) {
        const id = ids[rank()]!;
        return { id: `d:${id}:${range.from}`, path: `/v1/diagnosis?stores=${id}&from=${range.from}&to=${range.to}`, kind: 'diagnosis', stores: [id], range };
      }
      if (r < 0.8) {
        const id = ids[rank()]!;
        return { id: `m:${id}`, path: `/v1/metrics?store=${id}&from=${last30.from}&to=${last30.to}`, kind: 'metrics', stores: [id], range: last30 };
      }
      if (r < 0.9) {
        const set = sets[zipf(sets.length, 1, random)()]!;
        return { id: `s:${set.join(',')}`, path: `/v1/diagnosis?stores=${set.join(',')}&from=${last30.from}&to=${last30.to}`, kind: 'diagnosis', stores: set, range: last30 };
      }
      return { id: `a:${range.from}`, path: `/v1/diagnosis?stores=all&from=${range.from}&to=${range.to}`, kind: 'diagnosis', stores: 'all', range };
    },
  };
}

/** A trace: `n` requests drawn with a seed (each round's trace is the same for both policies). */
function trace(pop: ReturnType<typeof population>, n: number, seed: number): Request[] {
  const random = prng(seed);
  return Array.from({ length: n }, () => pop.draw(random));
}

function start(args: string[], env: Record<string, string>): ChildProcess {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PREWARM_')));
  return spawn(process.execPath, [BIN, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
}

async function startServer(env: Record<string, string>, url: string): Promise<ChildProcess> {
  const child = start(['serve'], env);
  for (let i = 0; i < 300; i++) {
    if ((await fetch(`${url}/readyz`).catch(() => null))?.ok) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('prewarm serve did not become ready');
}

interface Sample {
  sentMs: number;
  latencyMs: number;
  hit: boolean;
}

interface RoundResult {
  policy: Policy;
  hit200: number;
  hit1000: number;
  t90Ms: number;
  p50: number;
  p95: number;
  runMs: number;
  /** Hit rate per second of the trace (for the chart). */
  perSecond: number[];
}

/** Watches the cache Redis: the first time (ms since `t0`) every key of each request exists. */
class Prober {
  readonly firstSeen = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly cache: HierarchicalCache,
    private readonly redis: Redis,
    private readonly requests: readonly Request[],
    private readonly variant: string,
  ) {}

  start(t0: number): void {
    const distinct = [...new Map(this.requests.map((r) => [r.id, r])).values()];
    const probe = async () => {
      const pending = distinct.filter((r) => !this.firstSeen.has(r.id));
      if (pending.length === 0) return;
      const keys = await Promise.all(
        pending.map(async (r) =>
          r.kind === 'metrics' ? eachDate(r.range.from, r.range.to).map((d) => this.cache.keys.l2((r.stores as string[])[0]!, d)) : [await this.cache.diagnosisKey(r.stores, r.range, this.variant)],
        ),
      );
      const pipeline = this.redis.pipeline();
      for (const k of keys) pipeline.exists(...k);
      const results = (await pipeline.exec()) ?? [];
      const now = performance.now() - t0;
      results.forEach(([err, count], i) => {
        if (!err && count === keys[i]!.length) this.firstSeen.set(pending[i]!.id, now);
      });
    };
    const tick = () => {
      this.running = probe().catch(() => {});
      void this.running.then(() => {
        if (this.timer) this.timer = setTimeout(tick, PROBE_MS);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

async function round(policy: Policy, requests: readonly Request[], ctx: { env: Record<string, string>; url: string; cacheRedis: Redis; cache: HierarchicalCache; variant: string; rps: number }): Promise<RoundResult> {
  await ctx.cacheRedis.flushall();
  const server = await startServer(ctx.env, ctx.url);
  try {
    const prober = new Prober(ctx.cache, ctx.cacheRedis, requests, ctx.variant);
    const t0 = performance.now();
    prober.start(t0);
    const run = start(['run', '--json', '--end', END, '--policy', policy], ctx.env);
    let stdout = '';
    run.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const runDone = new Promise<number>((resolve) => run.once('exit', () => resolve(performance.now() - t0)));
    const samples: Sample[] = [];
    const inflight: Promise<void>[] = [];
    for (const [i, request] of requests.entries()) {
      const due = t0 + (i * 1000) / ctx.rps;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const sent = performance.now();
      inflight.push(
        fetch(`${ctx.url}${request.path}`).then(async (res) => {
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`${request.path}: ${res.status}`);
          samples[i] = { sentMs: sent - t0, latencyMs: performance.now() - sent, hit: res.headers.get('x-cache') === 'hit' };
        }),
      );
    }
    await Promise.all(inflight);
    const runEndMs = await runDone;
    await prober.stop();
    const summary = JSON.parse(stdout) as { status: string; durationMs: number; phases: { name: string; jobs: number; durationMs: number | null }[] };
    if (process.argv.includes('--phases')) console.log(policy, summary.phases.map((p) => `${p.name} ${p.jobs} jobs ${p.durationMs} ms`).join(', '));
    if (summary.status !== 'completed') throw new Error(`the ${policy} run did not complete: ${stdout}`);
    const hitRate = (from: number, to: number) => samples.slice(from, to).filter((s) => s.hit).length / Math.max(1, samples.slice(from, to).length);
    const available = requests.map((r) => prober.firstSeen.get(r.id) ?? Infinity).sort((a, b) => a - b);
    const during = samples.filter((s) => s.sentMs <= runEndMs).map((s) => s.latencyMs).sort((a, b) => a - b);
    const seconds = Math.ceil(samples.at(-1)!.sentMs / 1000);
    const perSecond = Array.from({ length: seconds }, (_, t) => {
      const inSecond = samples.filter((s) => s.sentMs >= t * 1000 && s.sentMs < (t + 1) * 1000);
      return inSecond.filter((s) => s.hit).length / Math.max(1, inSecond.length);
    });
    return {
      policy,
      hit200: hitRate(0, 200),
      hit1000: hitRate(0, 1000),
      t90Ms: quantile(available, 0.9),
      p50: quantile(during, 0.5),
      p95: quantile(during, 0.95),
      runMs: summary.durationMs,
      perSecond,
    };
  } finally {
    await stopChild(server);
  }
}

interface ConfigResult {
  stores: number;
  zipf: number;
  rounds: RoundResult[];
}

async function measure(stores: number, s: number, rounds: number, requestsPerRound: number, rps: number): Promise<ConfigResult> {
  const dir = mkdtempSync(join(tmpdir(), 'prewarm-warm-quality-'));
  const [statePort, cachePort, httpPort] = [await freePort(), await freePort(), await freePort()];
  const redisArgs = (port: number, extra: string[]) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra];
  const stateServer = spawn('redis-server', redisArgs(statePort, ['--maxmemory-policy', 'noeviction']), { stdio: 'ignore' });
  const cacheServer = spawn('redis-server', redisArgs(cachePort, ['--maxmemory', '1gb', '--maxmemory-policy', 'allkeys-lru']), { stdio: 'ignore' });
  const children: ChildProcess[] = [stateServer, cacheServer];
  const cacheRedis = new Redis(cachePort);
  const stateRedis = new Redis(statePort);
  try {
    const dbPath = join(dir, 'orders.db');
    await seedSample(`sqlite:${dbPath}`, { stores, days: 90, orders: stores * ORDERS_PER_STORE, seed: 5, end: END });
    const url = `http://127.0.0.1:${httpPort}`;
    const env = {
      PREWARM_SOURCE_URL: `sqlite:${dbPath}`,
      PREWARM_QUEUE_REDIS_URL: `redis://127.0.0.1:${statePort}`,
      PREWARM_CACHE_REDIS_URL: `redis://127.0.0.1:${cachePort}`,
      PREWARM_LOG_LEVEL: 'warn',
      PREWARM_HTTP_PORT: String(httpPort),
      PREWARM_HTTP_HOST: '127.0.0.1',
    };
    const config = parseConfig(env);
    const cache = await HierarchicalCache.create({ cache: cacheRedis, state: stateRedis, ...cacheOptionsFrom(config.cache), codecs: defaultLevelCodecs(), logger: pino({ level: 'silent' }) });
    const variant = thresholdsVariant(config.thresholds as DiagnosisThresholds);
    const worker = start(['worker'], env);
    children.push(worker);
    const pop = population(stores, s);
    // Training: the analyzer learns the demand from 3,000 reads (10 at a time).
    const server = await startServer(env, url);
    const training = trace(pop, TRAINING, 1);
    for (let i = 0; i < training.length; i += 10) await Promise.all(training.slice(i, i + 10).map((r) => fetch(`${url}${r.path}`).then((res) => res.arrayBuffer())));
    await stopChild(server);
    const results: RoundResult[] = [];
    for (let r = 0; r < rounds; r++) {
      const requests = trace(pop, requestsPerRound, 100 + r);
      const order: Policy[] = r % 2 === 0 ? ['default', 'seed'] : ['seed', 'default'];
      for (const policy of order) {
        const result = await round(policy, requests, { env, url, cacheRedis, cache, variant, rps });
        results.push(result);
        const pct = (v: number) => `${(100 * v).toFixed(0)} %`;
        console.log(`${stores} stores, zipf ${s}, round ${r + 1}, ${policy}: hit@200 ${pct(result.hit200)}, hit@1000 ${pct(result.hit1000)}, T90 ${(result.t90Ms / 1000).toFixed(2)} s, p50/p95 ${result.p50.toFixed(0)}/${result.p95.toFixed(0)} ms, run ${(result.runMs / 1000).toFixed(1)} s`);
      }
    }
    await cache.close();
    return { stores, zipf: s, rounds: results };
  } finally {
    cacheRedis.disconnect();
    stateRedis.disconnect();
    for (const child of children.reverse()) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(results: ConfigResult[], rps: number, requests: number, rounds: number): string {
  const pct = (v: number) => `${(100 * v).toFixed(0)} %`;
  const s = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '∞');
  const rows: string[] = [];
  for (const c of results) {
    const of = (p: Policy) => c.rounds.filter((r) => r.policy === p);
    const ratios = of('default').map((d, i) => d.t90Ms / of('seed')[i]!.t90Ms);
    for (const p of ['default', 'seed'] as const) {
      const m = (f: (r: RoundResult) => number) => median(of(p).map(f));
      rows.push(
        `| ${c.stores} | ${c.zipf} | ${p} | ${pct(m((r) => r.hit200))} | ${pct(m((r) => r.hit1000))} | ${s(m((r) => r.t90Ms))} | ${p === 'default' ? median(ratios).toFixed(2) : ''} | ${m((r) => r.p50).toFixed(0)} | ${m((r) => r.p95).toFixed(0)} | ${s(m((r) => r.runMs))} |`,
      );
    }
  }
  return [
    `Cold-start full runs while a dashboard trace reads at ${rps} requests/s through \`prewarm serve\` (${requests} requests per round, ${rounds} rounds per policy, alternating which goes first; medians). 3,000 orders per store; the analyzer trained on 3,000 reads of the same distribution; one worker process (concurrency 5) on the 2-core host. \`npx tsx bench/warm-quality.ts --rounds ${rounds}\`.`,
    '',
    '| stores | Zipf s | policy | hit rate, first 200 | first 1000 | T90 (s) | T90 ÷ seed | p50 during run (ms) | p95 (ms) | run (s) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '![hit rate over time, both policies](warm-quality.svg)',
  ].join('\n');
}

/** Hit rate per second over the trace, both policies, for the first configuration at Zipf 0.9. */
function svgChart(c: ConfigResult): string {
  const W = 720;
  const H = 300;
  const pad = 40;
  const series = (['default', 'seed'] as const).map((p) => {
    const rounds = c.rounds.filter((r) => r.policy === p);
    const n = Math.min(...rounds.map((r) => r.perSecond.length));
    return { p, values: Array.from({ length: n }, (_, t) => median(rounds.map((r) => r.perSecond[t]!))) };
  });
  const tMax = Math.max(...series.map((x) => x.values.length), 1);
  const x = (t: number) => pad + ((W - 2 * pad) * t) / tMax;
  const y = (v: number) => H - pad - (H - 2 * pad) * v;
  const colors = { default: '#1f77b4', seed: '#ff7f0e' };
  const lines = series.map(({ p, values }) => `<polyline fill="none" stroke="${colors[p]}" stroke-width="2" points="${values.map((v, t) => `${x(t + 0.5).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`).join('\n');
  const legend = series.map(({ p }, i) => `<text x="${pad + 10}" y="${pad - 22 + i * 14}" font-size="11" fill="${colors[p]}">${p} policy: hit rate per second (${c.stores} stores, Zipf ${c.zipf})</text>`).join('\n');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${x(tMax * f)}" y="${H - pad + 16}" font-size="10" text-anchor="middle">${Math.round(tMax * f)} s</text>`).join('\n');
  const yTicks = [0, 0.5, 1].map((f) => `<text x="${pad - 4}" y="${y(f)}" font-size="10" text-anchor="end">${Math.round(100 * f)} %</text>`).join('\n');
  return svgFrame(W, H, pad, [ticks, yTicks, lines, legend]);
}

async function main(): Promise<void> {
  const storeCounts = option('stores', '100,300').split(',').map(Number);
  const exponents = option('zipf', '0.7,0.9,1.2').split(',').map(Number);
  const rounds = Number(option('rounds', '3'));
  const rps = Number(option('rps', '40'));
  const requests = Number(option('requests', '1000'));
  const results: ConfigResult[] = [];
  for (const stores of storeCounts) for (const s of exponents) results.push(await measure(stores, s, rounds, requests, rps));
  const text = table(results, rps, requests, rounds);
  console.log(text);
  if (process.argv.includes('--write')) {
    const chart = results.find((c) => c.zipf === 0.9) ?? results[0]!;
    writeFileSync(new URL('../docs/warm-quality.svg', import.meta.url), svgChart(chart));
    writeDocBlock(new URL('../docs/benchmarks.md', import.meta.url), 'warm-quality-bench', text, '## Warm quality: a cold-start run under dashboard reads');
  }
}

if (isMain(import.meta.url)) await main();
