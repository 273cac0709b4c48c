/**
 * HTTP benchmark (not a test): `GET /v1/diagnosis` of `prewarm serve` under load, next to a bare
 * fastify server answering the same bytes.
 *
 *   npx tsx bench/http.ts                  # prints the table (about 1.5 minutes)
 *   npx tsx bench/http.ts --write          # also rewrites its block of docs/benchmarks.md
 *   options: --duration 10 --warmup 2 (seconds per target), --connections 50, --rounds 1,
 *            --only diag2,bareGzip2 (some targets), --same-process (load generator in this process),
 *            --pin (servers on CPU 0, load generator on CPU 1: steadier numbers),
 *            --cpu-prof /tmp/prof (profile this process during each measured window; the numbers
 *            of a profiled run are not results)
 *
 * What it does, all on 127.0.0.1 and bounded in time:
 *  1. starts its own `redis-server` on a free port (no persistence; killed at the end);
 *  2. seeds 20 stores / 60 days / 100,000 sample orders into a temporary SQLite file;
 *  3. warms the cache with the CLI (`prewarm run --json`), and fills the L3 entries of the
 *     measured store sets with `prewarm get diagnosis` — another process, so the server under
 *     test reads them from Redis first (then keeps the body in L4), as it does in steady state;
 *  4. starts `prewarm serve` in this process (`startServer`, silent logger, no token) and a bare
 *     fastify server on another port: `/json` (a fixed small object) and `/gzip-*` (the very
 *     bytes `/v1/diagnosis` sends, as a fixed Buffer with `content-encoding: gzip`);
 *  5. for every target: a warm-up load (discarded), then the measured load — autocannon 8,
 *     50 connections, no pipelining, `accept-encoding: gzip`.
 *
 * The load generator (`load-generator.ts`) runs in a child process (autocannon's programmatic
 * API, driven over IPC), so it does not take the server's event loop; it still shares the machine's cores with the
 * server and Redis, which the CPU columns show. Latencies are the generator's per-response
 * times (float ms, 2xx only; autocannon's own histogram rounds to whole ms). The server side
 * of each window: CPU of this process (all threads), event-loop utilization, Redis CPU, and the
 * L3 reads counted by `/metrics` (which tier answered), checked against the 2xx count.
 *
 * Needs `npx turbo run build` first (the server and the CLI run from `dist/`).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, isMain, median, option, seedSample, stopChild, writeDocBlock } from './lib.js';
import { type LoadResult, generateLoad, startGenerator } from './load-generator.js';

// ---------------------------------------------------------------- options

const WRITE = process.argv.includes('--write');
const SAME_PROCESS = process.argv.includes('--same-process');
const DURATION = Number(option('duration', '10'));
const WARMUP = Number(option('warmup', '2'));
const CONNECTIONS = Number(option('connections', '50'));
const ROUNDS = Number(option('rounds', '1'));
const ONLY = option('only', '');
const PROFILE_DIR = option('cpu-prof', '');
const PIN = process.argv.includes('--pin');
const SAMPLE = { stores: 20, days: 60, orders: 100_000, seed: 1, end: '2026-11-26' } as const;
const PERIOD = { from: '2026-10-28', to: '2026-11-26' } as const; // the last 30 days of the sample
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = new URL('../docs/benchmarks.md', import.meta.url);
const GOAL = { ratio: 0.5, p99Ms: 10 } as const;

const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

if (isMain(import.meta.url)) await main();

// ---------------------------------------------------------------- the benchmark

interface Target {
  id: string;
  label: string;
  url: string;
  /** Which bare route answers the same bytes (ratio baseline). */
  baseline?: string;
  /** The L3 tier every request must be answered from (checked on `/metrics`). */
  tier?: 'redis' | 'l4';
  /** Runs right before the warm-up (the L4 row fills its entry here). */
  prepare?: () => Promise<void>;
  bodyBytes: number;
}

interface Window {
  target: Target;
  round: number;
  client: LoadResult;
  /** This process (server + bare server; + the load generator with --same-process), cores used. */
  serverCores: number;
  elu: number;
  redisCores: number;
  /** L3 reads by tier during the window, from /metrics. */
  tiers: Record<string, number>;
}

async function main(): Promise<void> {
  const [{ default: Fastify }, { default: pino }, { Redis }, { parseConfig }, { startServer }] = await Promise.all([
    import('fastify'),
    import('pino'),
    import('ioredis'),
    import('@prewarm/config'),
    import('@prewarm/server'),
  ]);
  const run = promisify(execFile);
  const started = Date.now();
  const loadBefore = os.loadavg();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prewarm-http-bench-'));
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) await Promise.resolve(fn()).catch((err: unknown) => console.error('cleanup:', err));
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

  try {
    // 1. Redis of our own.
    const redisPort = await freePort();
    const redisProcess = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    cleanups.push(() => stopChild(redisProcess));
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    const monitor = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    monitor.on('error', () => {}); // refused until redis-server listens; waitFor retries
    await waitFor(async () => {
      await monitor.connect().catch(() => {});
      return (await monitor.ping()) === 'PONG';
    }, 10_000, 'redis-server did not answer');
    cleanups.push(() => monitor.disconnect());
    const redisVersion = /redis_version:(\S+)/.exec(await monitor.info('server'))?.[1] ?? 'unknown';

    // 2. Seed.
    const sourceUrl = `sqlite:${path.join(dir, 'orders.db')}`;
    await seedSample(sourceUrl, SAMPLE);

    // 3. Warm (the CLI, as an operator would), then the L3 entries of the measured sets from another process.
    const env = { ...withoutPrewarmVariables(process.env), PREWARM_SOURCE_URL: sourceUrl, PREWARM_QUEUE_REDIS_URL: redisUrl, PREWARM_LOG_LEVEL: 'warn' };
    const cli = (...args: string[]) => run(process.execPath, [path.join(ROOT, 'apps/cli/bin/prewarm.js'), ...args], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 });
    const warm = JSON.parse((await cli('run', '--json', '--end', SAMPLE.end)).stdout) as { status: string; durationMs: number; entries: { l1: number; l2: number; l3: number } };
    if (warm.status !== 'completed') throw new Error(`warm-up run ${warm.status}`);
    for (const stores of ['S001,S002', 'all']) await cli('get', 'diagnosis', '--stores', stores, '--from', PERIOD.from, '--to', PERIOD.to, '--json');

    // 4. The servers.
    const config = parseConfig({ PREWARM_SOURCE_URL: sourceUrl, PREWARM_QUEUE_REDIS_URL: redisUrl, PREWARM_LOG_LEVEL: 'silent' });
    const server = await startServer(config, pino({ level: 'silent' }), { port: 0, host: '127.0.0.1' });
    cleanups.push(() => server.close());
    const diagnosisUrl = (stores: string) => `${server.url}/v1/diagnosis?stores=${stores}&from=${PERIOD.from}&to=${PERIOD.to}`;
    const gz = { 'accept-encoding': 'gzip' };

    const small = await fetchRaw(diagnosisUrl('S001,S002'), gz);
    const all = await fetchRaw(diagnosisUrl('all'), gz);
    for (const [name, r] of [['S001,S002', small], ['all', all]] as const) {
      if (r.status !== 200 || r.headers['x-cache'] !== 'hit' || r.headers['content-encoding'] !== 'gzip') {
        throw new Error(`diagnosis ${name}: expected a gzip hit, got ${r.status} x-cache=${String(r.headers['x-cache'])} content-encoding=${String(r.headers['content-encoding'])}`);
      }
    }

    const bare = Fastify();
    bare.get('/json', async () => ({ hello: 'world' }));
    for (const [route, body] of [['/gzip-2', small.body], ['/gzip-all', all.body]] as const) {
      const bytes = Buffer.from(body);
      bare.get(route, async (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').header('content-encoding', 'gzip').send(bytes));
    }
    const bareUrl = (await bare.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
    cleanups.push(() => bare.close());
    const bareJsonBytes = (await fetchRaw(`${bareUrl}/json`, gz)).body.length;

    // The L4 row: a set the server computes itself (so its L4 holds the body, for 60 s), one per round.
    const firstAccess: { stores: string; ms: number; xCache: string }[] = [];
    const l4Pairs = ['S003,S004', 'S005,S006', 'S007,S008', 'S009,S010', 'S011,S012'];
    const l4Target = (round: number): Target => {
      const stores = l4Pairs[round % l4Pairs.length]!;
      return {
        id: 'diag2L4',
        label: `/v1/diagnosis, 2 stores (${stores}), computed by this server`,
        url: diagnosisUrl(stores),
        baseline: 'bareGzip2',
        tier: 'l4',
        bodyBytes: small.body.length,
        prepare: async () => {
          const r = await fetchRaw(diagnosisUrl(stores), gz);
          if (r.status !== 200) throw new Error(`diagnosis ${stores}: ${r.status}`);
          firstAccess.push({ stores, ms: r.ms, xCache: String(r.headers['x-cache']) });
        },
      };
    };
    const targets = (round: number): Target[] => [
      { id: 'bareJson', label: 'bare fastify: small JSON', url: `${bareUrl}/json`, bodyBytes: bareJsonBytes },
      { id: 'bareGzip2', label: 'bare fastify: fixed gzip Buffer, 2-store size', url: `${bareUrl}/gzip-2`, bodyBytes: small.body.length },
      { id: 'diag2', label: '/v1/diagnosis, 2 stores (S001,S002), entry written by another process', url: diagnosisUrl('S001,S002'), baseline: 'bareGzip2', tier: 'redis', bodyBytes: small.body.length },
      { id: 'bareGzipAll', label: 'bare fastify: fixed gzip Buffer, all-stores size', url: `${bareUrl}/gzip-all`, bodyBytes: all.body.length },
      { id: 'diagAll', label: '/v1/diagnosis, all 20 stores, entry written by another process', url: diagnosisUrl('all'), baseline: 'bareGzipAll', tier: 'redis', bodyBytes: all.body.length },
      l4Target(round),
    ];
    const only = ONLY ? ONLY.split(',') : [];
    const known = targets(0).map((t) => t.id);
    const unknown = only.filter((id) => !known.includes(id));
    if (unknown.length > 0) throw new Error(`--only: unknown target ${unknown.join(', ')}; one of ${known.join(', ')}`);
    if (WARMUP + DURATION > 55) console.warn('warning: warm-up + duration > 55 s: the L4 row outlives the 60 s L4 TTL and turns into Redis hits');

    // 5. Load.
    const generator = SAME_PROCESS ? { pid: undefined, run: generateLoad, close: async () => {} } : startGenerator();
    if (PIN) await pinCpus(generator.pid);
    cleanups.push(() => generator.close());
    const profiler = PROFILE_DIR ? new Session() : undefined;
    if (profiler) {
      mkdirSync(PROFILE_DIR, { recursive: true });
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
    }

    const windows: Window[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of targets(round).filter((t) => only.length === 0 || only.includes(t.id))) {
        await target.prepare?.();
        const job = { url: target.url, headers: gz, connections: CONNECTIONS };
        await generator.run({ ...job, duration: WARMUP });
        const before = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), redis: await redisCpu(monitor), reads: await l3Reads(server.url), at: performance.now() };
        if (profiler) await profiler.post('Profiler.start');
        const client = await generator.run({ ...job, duration: DURATION });
        const profile = profiler ? (await profiler.post('Profiler.stop')).profile : undefined;
        const seconds = (performance.now() - before.at) / 1000;
        const cpu = process.cpuUsage(before.cpu);
        const elu: EventLoopUtilization = performance.eventLoopUtilization(before.elu);
        const redisCores = ((await redisCpu(monitor)) - before.redis) / seconds;
        const reads = await l3Reads(server.url);
        const tiers: Record<string, number> = {};
        for (const [tier, n] of Object.entries(reads)) if (n - (before.reads[tier] ?? 0) > 0) tiers[tier] = n - (before.reads[tier] ?? 0);
        const w: Window = { target, round, client, serverCores: (cpu.user + cpu.system) / 1e6 / seconds, elu: elu.utilization, redisCores, tiers };
        windows.push(w);
        console.log(describeWindow(w));
        if (profile) {
          const file = path.join(PROFILE_DIR, `http-${target.id}-r${round + 1}.cpuprofile`);
          writeFileSync(file, JSON.stringify(profile));
          console.log(`  profile ${file}\n${summarizeProfile(profile as unknown as CpuProfile)}`);
        }
      }
    }
    profiler?.disconnect();

    // One /metrics scrape costs SCANs of the cache keyspace (stats are cached for 1 s): time a few, 1.1 s apart.
    const scrapes: number[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 1100));
      scrapes.push((await fetchRaw(`${server.url}/metrics`, {})).ms);
    }
    const cacheKeys = await monitor.dbsize();

    // ------------------------------------------------------------ report
    const ids = [...new Set(windows.map((w) => w.target.id))];
    const med = (id: string, f: (w: Window) => number) => median(windows.filter((w) => w.target.id === id).map(f));
    const labelOf = (id: string) => {
      const t = windows.find((w) => w.target.id === id)!.target;
      return t.id === 'diag2L4' ? '/v1/diagnosis, 2 stores, entry computed by this server < 60 s earlier' : t.label;
    };
    const rps = (id: string) => med(id, (w) => w.client.rps);
    // A ratio is taken within each round (the two windows ran seconds apart, under the same
    // machine load), then the median over rounds: the host's load swings more between rounds.
    const rpsRatio = (id: string, base: string): number => {
      const of = (target: string) => windows.filter((w) => w.target.id === target);
      const baseOf = new Map(of(base).map((w) => [w.round, w.client.rps]));
      return median(of(id).filter((w) => baseOf.has(w.round)).map((w) => w.client.rps / baseOf.get(w.round)!));
    };
    const ratio = (id: string, base: string | undefined) => (base && ids.includes(base) ? `${fmt(rpsRatio(id, base))}×` : '');
    const tierText = (id: string) => {
      const ws = windows.filter((w) => w.target.id === id);
      const want = ws[0]!.target.tier;
      if (!want) return '';
      const served = ws.reduce((n, w) => n + w.client.ok, 0);
      const counted: Record<string, number> = {};
      for (const w of ws) for (const [t, n] of Object.entries(w.tiers)) counted[t] = (counted[t] ?? 0) + n;
      const parts = Object.entries(counted).map(([t, n]) => `${t} ${((100 * n) / served).toFixed(0)} %`);
      return parts.join(', ') || 'no L3 reads counted';
    };
    const rows = [
      '| target | body bytes | req/s | p50 ms | p99 ms | req/s ÷ same bytes, bare | req/s ÷ bare small JSON | CPU: this process / Redis / load generator (cores) | event-loop utilization | L3 reads by tier (per 2xx) |',
      '|---|---:|---:|---:|---:|---:|---:|---|---:|---|',
      ...ids.map((id) => {
        const t = windows.find((w) => w.target.id === id)!.target;
        const cpu = [med(id, (w) => w.serverCores), med(id, (w) => w.redisCores), med(id, (w) => w.client.cpuMs / 1000 / w.client.seconds)];
        return `| ${labelOf(id)} | ${t.bodyBytes.toLocaleString('en-US')} | ${Math.round(rps(id)).toLocaleString('en-US')} | ${fmt(med(id, (w) => w.client.p50))} | ${fmt(
          med(id, (w) => w.client.p99),
        )} | ${ratio(id, t.baseline)} | ${id === 'bareJson' ? '1 (baseline)' : ratio(id, ids.includes('bareJson') ? 'bareJson' : undefined)} | ${cpu.map((c) => fmt(c)).join(' / ')} | ${fmt(med(id, (w) => w.elu))} | ${tierText(id)} |`;
      }),
    ];
    const failures = windows.filter((w) => w.client.non2xx + w.client.errors + w.client.timeouts > 0);
    const goals = ids
      .filter((id) => id.startsWith('diag'))
      .map((id) => {
        const t = windows.find((w) => w.target.id === id)!.target;
        const r = t.baseline && ids.includes(t.baseline) ? rpsRatio(id, t.baseline) : NaN;
        const rJson = ids.includes('bareJson') ? rpsRatio(id, 'bareJson') : NaN;
        const p99 = med(id, (w) => w.client.p99);
        const verdict = (value: number, ok: (v: number) => boolean) => (Number.isNaN(value) ? 'baseline not measured' : ok(value) ? 'met' : '**missed**');
        return (
          `${labelOf(id)}: requests/s ${fmt(r)}× the same bytes from a bare route (${verdict(r, (v) => v >= GOAL.ratio)}), ${fmt(rJson)}× the bare small JSON ` +
          `(${verdict(rJson, (v) => v >= GOAL.ratio)}); p99 ${fmt(p99)} ms (${verdict(p99, (v) => v <= GOAL.p99Ms)}).`
        );
      });
    const commit = await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).then((r) => r.stdout.trim(), () => 'unknown');
    const dirty = await run('git', ['status', '--porcelain', '--untracked-files=no', '--', 'apps', 'packages'], { cwd: ROOT }).then((r) => r.stdout.trim() !== '', () => false);
    const loadAfter = os.loadavg();
    const header =
      `${new Date().toISOString().slice(0, 10)}, commit ${commit}${dirty ? ' (with uncommitted changes under apps/ or packages/)' : ''}; ` +
      `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ` +
      `Redis ${redisVersion} (own instance, no persistence), fastify 5, autocannon 8 in ${SAME_PROCESS ? 'the server process' : 'a child process'}` +
      `${PIN ? ' (pinned: servers on CPU 0, load generator on CPU 1, Redis unpinned)' : ''}. ` +
      `${CONNECTIONS} connections, no pipelining, ${WARMUP} s warm-up then ${DURATION} s per target${ROUNDS > 1 ? `, ${ROUNDS} interleaved rounds (medians; ratios are medians of per-round ratios)` : ''}; ` +
      `\`accept-encoding: gzip\`; 2xx latencies from the load generator. Sample: ${SAMPLE.stores} stores, ${SAMPLE.days} days, ${SAMPLE.orders.toLocaleString('en-US')} orders; ` +
      `period ${PERIOD.from}..${PERIOD.to}; warm-up run ${(warm.durationMs / 1000).toFixed(1)} s. Load average (1/5 min) ${fmt(loadBefore[0]!, 1)}/${fmt(loadBefore[1]!, 1)} → ` +
      `${fmt(loadAfter[0]!, 1)}/${fmt(loadAfter[1]!, 1)}.`;
    const notes = [
      ...goals.map((g) => `- ${g}`),
      ...(firstAccess.length > 0 ? [`- First request for a 2-store set with L2 warm and no L3 entry (x-cache ${firstAccess.map((f) => f.xCache).join('/')}): ${firstAccess.map((f) => `${fmt(f.ms, 1)} ms`).join(', ')}.`] : []),
      `- A \`/metrics\` scrape (idle server, ${cacheKeys.toLocaleString('en-US')} keys in Redis): ${scrapes.map((ms) => `${fmt(ms, 1)} ms`).join(', ')}.`,
      ...(failures.length > 0 ? [`- Non-2xx / errors / timeouts: ${failures.map((w) => `${w.target.id} r${w.round + 1}: ${w.client.non2xx}/${w.client.errors}/${w.client.timeouts}`).join('; ')}.`] : ['- Every response was a 2xx (no errors, no timeouts).']),
      ...(ROUNDS > 1 ? [`- req/s per round: ${ids.map((id) => `${id} ${windows.filter((w) => w.target.id === id).map((w) => Math.round(w.client.rps)).join(' / ')}`).join('; ')}.`] : []),
    ];
    const generated = [header, '', ...rows, '', ...notes].join('\n');
    console.log(`\n${generated}\n`);
    console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s; p99.9 / max ms: ${ids.map((id) => `${id} ${fmt(med(id, (w) => w.client.p999))} / ${fmt(med(id, (w) => w.client.max))}`).join(', ')}; autocannon's whole-ms p99: ${ids.map((id) => `${id} ${med(id, (w) => w.client.autocannonP99)}`).join(', ')})`);

    if (WRITE) {
      writeDocBlock(DOC, 'http-bench', generated, '## HTTP: /v1/diagnosis vs a bare fastify route (`bench/http.ts`)');
    }
  } finally {
    await cleanup();
  }
}

// ---------------------------------------------------------------- helpers

function describeWindow(w: Window): string {
  const c = w.client;
  return (
    `${w.target.id.padEnd(12)} r${w.round + 1}: ${Math.round(c.rps).toString().padStart(6)} req/s, p50 ${c.p50.toFixed(2)} ms, p99 ${c.p99.toFixed(2)} ms, ` +
    `CPU this/redis/generator ${w.serverCores.toFixed(2)}/${w.redisCores.toFixed(2)}/${(c.cpuMs / 1000 / c.seconds).toFixed(2)}, ELU ${w.elu.toFixed(2)}, ` +
    `non2xx/errors/timeouts ${c.non2xx}/${c.errors}/${c.timeouts}, L3 reads ${JSON.stringify(w.tiers)}, ` +
    `heap ${((globalThis as { gc?: () => void }).gc?.(), Math.round(process.memoryUsage().heapUsed / 2 ** 20))} MiB`
  );
}

/**
 * `--pin`: the servers (this process, every thread) on CPU 0, the load generator on CPU 1. Left
 * to the scheduler, the three busy processes migrate between the two cores and the same target
 * measures 20 k or 36 k req/s from one run to the next; pinned, runs agree within a few percent.
 */
async function pinCpus(generatorPid: number | undefined): Promise<void> {
  if (os.cpus().length < 2) throw new Error('--pin needs at least 2 CPUs');
  const taskset = promisify(execFile);
  await taskset('taskset', ['-a', '-p', '-c', '0', String(process.pid)]);
  if (generatorPid !== undefined) await taskset('taskset', ['-a', '-p', '-c', '1', String(generatorPid)]);
}

async function waitFor(check: () => Promise<boolean>, ms: number, message: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function withoutPrewarmVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('PREWARM_')));
}

/** One GET with the body as sent (no decompression, unlike fetch). */
function fetchRaw(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - t0 }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Redis CPU (user + system), seconds since it started. */
async function redisCpu(redis: { info(section: string): Promise<string> }): Promise<number> {
  const info = await redis.info('cpu');
  const get = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return get('used_cpu_user') + get('used_cpu_sys');
}

/** `prewarm_cache_reads_total{level="l3"}` by tier, from the server's /metrics. */
async function l3Reads(serverUrl: string): Promise<Record<string, number>> {
  const text = (await fetchRaw(`${serverUrl}/metrics`, {})).body.toString('utf8');
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^prewarm_cache_reads_total\{([^}]*)\} (\S+)$/gm)) {
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (labels.level === 'l3') out[labels.tier!] = (out[labels.tier!] ?? 0) + Number(m[2]);
  }
  return out;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time of a CPU profile by package and by function (top 15), as text. */
function summarizeProfile(profile: CpuProfile): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const packageOf = (url: string, fn: string): string => {
    if (!url) return fn.startsWith('(') ? fn : '(native)';
    if (url.startsWith('node:')) return url;
    const nm = url.lastIndexOf('/node_modules/');
    if (nm >= 0) {
      const rest = url.slice(nm + '/node_modules/'.length).split('/');
      return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
    }
    const own = /\/(packages|apps)\/([^/]+)\//.exec(url);
    return own ? `@prewarm/${own[2]}` : url.replace(/^file:\/\//, '');
  };
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const pkg = packageOf(n.callFrame.url, n.callFrame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${pkg}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `    ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`)
      .join('\n');
  return `  self time by package:\n${top(byPackage, 15)}\n  self time by function:\n${top(byFunction, 15)}`;
}
