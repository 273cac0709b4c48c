/**
 * Cache-hit latency benchmark (not a test): what a hit costs through @prewarm/cache compared
 * with a raw ioredis GET of the very same stored bytes.
 *
 *   npx tsx bench/cache-hit.ts --redis redis://127.0.0.1:6391            # prints the tables
 *   npx tsx bench/cache-hit.ts --redis redis://127.0.0.1:6391 --write    # also rewrites its section of docs/benchmarks.md
 *   options: --iterations 5000 (timed requests per row), --warmup 500
 *
 * To see where one scenario's time goes, run it alone under the profiler (prints its summary only):
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/cache-hit.ts --redis … --only l3Small
 *
 * Seeds 20 stores / 60 days / 100,000 sample orders into a temporary SQLite file, fills the
 * cache through CachedComputer (real Diagnosis and DailyMetrics values, default level codecs),
 * then times sequential hits — one request at a time, `process.hrtime.bigint()` around each
 * awaited call, an untimed event-loop turn between two requests as in a server. Scenarios are
 * interleaved in rounds so drift (another job on the machine, GC debt) spreads over all of
 * them instead of landing on one.
 *
 * Every library read appends to the access log buffer, flushed to the state Redis in batches:
 * that is part of the product's cost and stays in. Keys live under a private prefix and are
 * deleted at the end; use a Redis nobody else is measuring on (default 127.0.0.1:6379).
 * Needs `npx turbo run build` first.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver, constants as perfConstants, performance } from 'node:perf_hooks';
import { HierarchicalCache, type BodyResult, type ReadResult, defaultLevelCodecs } from '@prewarm/cache';
import { Keyspace, type StoreSet, unlinkMatching } from '@prewarm/redis';
import {
  type EntryCodec,
  decodeEnvelope,
  encodeEnvelope,
  entryCodec,
  identityCompressor,
  jsonLayoutOf,
  readHeader,
  zstdAvailable,
  zstdCompressor,
} from '@prewarm/cache/codecs';
import { CachedComputer, SourceComputer, thresholdsVariant } from '@prewarm/compute';
import { DEFAULT_THRESHOLDS, type DailyMetrics, type DateRange, type Diagnosis, addDays, eachDate } from '@prewarm/domain';
import { openSource } from '@prewarm/source';
import { Redis } from 'ioredis';
import { isMain, option, quantile, seedSample, writeDocBlock } from './lib.js';

// ---------------------------------------------------------------- options

const WRITE = process.argv.includes('--write');
const ONLY = option('only', '');
const REDIS_URL = option('redis', 'redis://127.0.0.1:6379');
const ITERATIONS = Number(option('iterations', '5000'));
const WARMUP = Number(option('warmup', '500'));
const ROUNDS = 10;
const SAMPLE = { stores: 20, days: 60, orders: 100_000, seed: 1, end: '2026-11-26' } as const;
const PERIOD: DateRange = { from: addDays(SAMPLE.end, -29), to: SAMPLE.end };
const SMALL_SET: StoreSet = ['S001', 'S002'];
const L2_STORE = 'S001';
const DOC = new URL('../docs/benchmarks.md', import.meta.url);

// ---------------------------------------------------------------- measurement

interface Summary {
  p50: number;
  p99: number;
  p999: number;
  mean: number;
  max: number;
  /** Major (mark-compact) GCs that started while this scenario's requests ran, per 1,000 requests. */
  majorGcPerK: number;
}

/** One timed scenario: an async request (checked on every call), its samples in µs and its time windows. */
interface Scenario {
  label: string;
  run: () => Promise<unknown>;
  samples: number[];
  windows: [number, number][];
}

function scenario(label: string, run: () => Promise<unknown>): Scenario {
  return { label, run, samples: [], windows: [] };
}

const majorGcs: number[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (((e as { detail?: { kind?: number } }).detail)?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) majorGcs.push(e.startTime);
  }
});

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Times `n` sequential requests. Between two requests (untimed) the event loop takes a turn,
 * as it does between two requests of a server: without it an L4 hit never leaves the
 * microtask queue, and socket replies, timers and access-log flushes pile up behind it.
 */
async function timeCalls(s: Scenario, n: number, keep: boolean): Promise<void> {
  const from = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await s.run();
    const us = Number(process.hrtime.bigint() - t0) / 1000;
    if (keep) s.samples.push(us);
    await nextTurn();
  }
  if (keep) s.windows.push([from, performance.now()]);
}

/** Warm-up, then ROUNDS rounds in which every scenario takes its share of the iterations in turn. */
async function measure(scenarios: readonly Scenario[]): Promise<void> {
  for (const s of scenarios) await timeCalls(s, WARMUP, false);
  const perRound = Math.ceil(ITERATIONS / ROUNDS);
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of scenarios) await timeCalls(s, perRound, true);
  }
  await new Promise((resolve) => setTimeout(resolve, 50)); // let the GC observer deliver
}

function summarize(s: Scenario): Summary {
  const sorted = [...s.samples].sort((a, b) => a - b);
  const gcs = majorGcs.filter((t) => s.windows.some(([a, b]) => t >= a && t < b)).length;
  return {
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    p999: quantile(sorted, 0.999),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    max: sorted[sorted.length - 1]!,
    majorGcPerK: (gcs * 1000) / sorted.length,
  };
}

/** In-process decode of stored bytes exactly as a Redis hit does it (envelope CRC, decompress, parse). */
function decodeScenario<T>(label: string, codec: EntryCodec<T>, entries: readonly Buffer[]): Scenario {
  return scenario(label, async () => {
    for (const entry of entries) {
      const { header, payload } = decodeEnvelope(entry);
      codec.decode(header, payload);
    }
  });
}

/** A fixed amount of CPU, timed like every request: what the machine and the harness add to a short request's tail. */
function busyWait(us: number): Scenario {
  const ns = BigInt(us * 1000);
  return scenario(`control: ${us} µs busy-wait`, async () => {
    const end = process.hrtime.bigint() + ns;
    while (process.hrtime.bigint() < end);
  });
}

function expectTier<T>(want: ReadResult<T>['tier'], label: string): (r: ReadResult<T>) => ReadResult<T> {
  return (r) => {
    if (r.tier !== want) throw new Error(`${label}: expected a ${want} hit, got ${r.tier}`);
    return r;
  };
}

function expectBodyTier(label: string): (r: BodyResult) => BodyResult {
  return (r) => {
    if (r.tier !== 'redis') throw new Error(`${label}: expected a redis hit, got ${r.tier}`);
    return r;
  };
}

const neverCompute = (): never => {
  throw new Error('benchmark read missed the cache');
};

// ---------------------------------------------------------------- the benchmark

async function main(): Promise<void> {
  gcObserver.observe({ entryTypes: ['gc'] });

  // ---------------------------------------------------------------- setup

  const started = Date.now();
  const loadBefore = os.loadavg()[0]!;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prewarm-cache-hit-'));
  const sourceUrl = `sqlite:${path.join(dir, 'orders.db')}`;
  await seedSample(sourceUrl, SAMPLE);
  const source = await openSource(sourceUrl);
  const computer = new SourceComputer(source);

  const prefix = `bench-cache-hit-${process.pid}`;
  const keyspace = new Keyspace(prefix);
  const connect = () => new Redis(REDIS_URL, { enableAutoPipelining: false });
  const cacheRedis = connect();
  const stateRedis = connect();
  const codecs = defaultLevelCodecs();
  const redisOnly = await HierarchicalCache.create({ cache: cacheRedis, state: stateRedis, keyspace, codecs, memory: { maxBytes: 0, ttlMs: 0 } });
  const withL4 = await HierarchicalCache.create({
    cache: cacheRedis,
    state: stateRedis,
    keyspace,
    codecs,
    memory: { maxBytes: 64 * 1024 * 1024, ttlMs: 3_600_000 },
  });

  // Fill L3 (both sets) and L2 (every store-day of both periods) the way a dashboard miss does.
  const filler = new CachedComputer(computer, redisOnly);
  for (const set of [SMALL_SET, 'all'] as const) {
    const first = await filler.diagnosis(set, PERIOD);
    if (first.tier !== 'compute') throw new Error(`expected a cold cache under ${prefix}, got ${first.tier}`);
  }

  const variant = thresholdsVariant(DEFAULT_THRESHOLDS);
  const dates = eachDate(PERIOD.from, PERIOD.to);
  const l3SmallKey = await redisOnly.diagnosisKey(SMALL_SET, PERIOD, variant);
  const l3AllKey = await redisOnly.diagnosisKey('all', PERIOD, variant);
  const l2Keys = dates.map((d) => keyspace.l2(L2_STORE, d));

  /** Copies stored entries byte for byte to keys of their own: what the raw baseline GETs. */
  async function copyEntries(keys: readonly string[], label: string): Promise<{ copies: string[]; entries: Buffer[] }> {
    const entries: Buffer[] = [];
    const copies: string[] = [];
    for (const [i, key] of keys.entries()) {
      const entry = await cacheRedis.getBuffer(key);
      if (!entry) throw new Error(`no stored entry at ${key}`);
      const copy = `${prefix}:raw:${label}:${i}`; // bench-only keys, outside prewarm's keyspace
      await cacheRedis.set(copy, entry, 'PX', 3_600_000); // expires even if a run dies before cleanup
      entries.push(entry);
      copies.push(copy);
    }
    return { copies, entries };
  }

  const small = await copyEntries([l3SmallKey], 'l3-small');
  const all = await copyEntries([l3AllKey], 'l3-all');
  const days = await copyEntries(l2Keys, 'l2');

  const rawGet = (key: string) => async () => {
    const b = await cacheRedis.getBuffer(key);
    if (!b) throw new Error(`raw copy ${key} is gone`);
    return b;
  };
  const rawPipeline = (keys: readonly string[]) => async () => {
    const p = cacheRedis.pipeline();
    for (const k of keys) p.getBuffer(k);
    const replies = (await p.exec()) ?? [];
    if (replies.length !== keys.length || replies.some(([err, b]) => err || !b)) throw new Error('raw pipeline failed');
    return replies;
  };

  // Load L4 once (a Redis hit fills it), then every timed read of `withL4` is served from memory.
  await withL4.diagnosis(SMALL_SET, PERIOD, variant, neverCompute).then(expectTier('redis', 'L4 fill'));
  await withL4.diagnosis('all', PERIOD, variant, neverCompute).then(expectTier('redis', 'L4 fill'));
  await withL4.dailyMetrics(L2_STORE, dates, neverCompute).then(expectTier('redis', 'L4 fill'));

  /** The same values re-encoded with another compressor (same JSON layout), for the decode-only comparison. */
  async function reencode<T>(entries: readonly Buffer[], from: EntryCodec<T>, to: EntryCodec<T>): Promise<Buffer[]> {
    return Promise.all(
      entries.map(async (entry) => {
        const { header, payload } = decodeEnvelope(entry);
        const encoded = await to.encode(from.decode(header, payload));
        return encodeEnvelope({ ...header, layoutId: to.layoutId, codecId: to.codecId, rawLength: encoded.rawLength }, encoded.payload);
      }),
    );
  }

  const alternatives = [
    { name: 'identity', compressor: identityCompressor },
    ...(zstdAvailable() ? [{ name: 'zstd-3', compressor: zstdCompressor(3) }] : []),
  ];
  const altL3 = alternatives.map((a) => ({ ...a, codec: entryCodec<Diagnosis>({ layout: jsonLayoutOf<Diagnosis>(), compressor: a.compressor }) }));
  const altL2 = alternatives.map((a) => ({ ...a, codec: entryCodec<DailyMetrics>({ layout: jsonLayoutOf<DailyMetrics>(), compressor: a.compressor }) }));
  const altEntries = {
    l3: await Promise.all(altL3.map(async (a) => ({ name: a.name, codec: a.codec, entries: await reencode(all.entries, codecs.l3, a.codec) }))),
    l2: await Promise.all(altL2.map(async (a) => ({ name: a.name, codec: a.codec, entries: await reencode(days.entries, codecs.l2, a.codec) }))),
  };

  const S = {
    rawSmall: scenario('raw GET, same bytes', rawGet(small.copies[0]!)),
    l3Small: scenario('L3 hit from Redis, L4 off', () => redisOnly.diagnosis(SMALL_SET, PERIOD, variant, neverCompute).then(expectTier('redis', 'L3 small'))),
    bodySmall: scenario('L3 body hit from Redis (as stored, no decode), L4 off', () => redisOnly.diagnosisBody(SMALL_SET, PERIOD, variant, neverCompute).then(expectBodyTier('L3 small body'))),
    l4Small: scenario('L3 hit from L4', () => withL4.diagnosis(SMALL_SET, PERIOD, variant, neverCompute).then(expectTier('l4', 'L4 L3 small'))),
    decodeSmall: decodeScenario('decode only (no I/O)', codecs.l3, small.entries),
    rawAll: scenario('raw GET, same bytes', rawGet(all.copies[0]!)),
    l3All: scenario('L3 hit from Redis, L4 off', () => redisOnly.diagnosis('all', PERIOD, variant, neverCompute).then(expectTier('redis', 'L3 all'))),
    bodyAll: scenario('L3 body hit from Redis (as stored, no decode), L4 off', () => redisOnly.diagnosisBody('all', PERIOD, variant, neverCompute).then(expectBodyTier('L3 all body'))),
    l4All: scenario('L3 hit from L4', () => withL4.diagnosis('all', PERIOD, variant, neverCompute).then(expectTier('l4', 'L4 L3 all'))),
    decodeAll: decodeScenario('decode only (no I/O)', codecs.l3, all.entries),
    rawDays: scenario('raw pipeline of 30 GETs, same bytes', rawPipeline(days.copies)),
    l2: scenario('L2 hit from Redis, L4 off (one pipeline)', () => redisOnly.dailyMetrics(L2_STORE, dates, neverCompute).then(expectTier('redis', 'L2'))),
    l4Days: scenario('L2 hit from L4', () => withL4.dailyMetrics(L2_STORE, dates, neverCompute).then(expectTier('l4', 'L4 L2'))),
    decodeDays: decodeScenario('decode only, 30 entries (no I/O)', codecs.l2, days.entries),
    control: busyWait(10),
  };
  const altScenarios = [
    ...altEntries.l3.map((a) => ({ level: 'l3' as const, name: a.name, entries: a.entries, s: decodeScenario(`decode ${a.name}`, a.codec, a.entries) })),
    ...altEntries.l2.map((a) => ({ level: 'l2' as const, name: a.name, entries: a.entries, s: decodeScenario(`decode ${a.name}`, a.codec, a.entries) })),
  ];

  async function cleanup(): Promise<void> {
    await redisOnly.close();
    await withL4.close();
    await source.close();
    await unlinkMatching(cacheRedis, `${prefix}:*`); // the bench's own prefix: entries and raw copies
    cacheRedis.disconnect();
    stateRedis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }

  if (ONLY) {
    const ids = ONLY.split(',') as (keyof typeof S)[];
    const unknown = ids.filter((id) => !(id in S));
    if (unknown.length > 0) throw new Error(`--only: unknown scenario ${unknown.join(', ')}; one of ${Object.keys(S).join(', ')}`);
    await measure(ids.map((id) => S[id]));
    for (const id of ids) {
      const m = summarize(S[id]);
      console.log(`${id}: p50 ${m.p50.toFixed(1)} µs, p99 ${m.p99.toFixed(1)} µs, mean ${m.mean.toFixed(1)} µs, major GCs/1k ${m.majorGcPerK.toFixed(1)}`);
    }
    await cleanup();
    process.exit(0);
  }

  await measure([...Object.values(S), ...altScenarios.map((a) => a.s)]);
  gcObserver.disconnect();

  // ---------------------------------------------------------------- report

  const info = await cacheRedis.info('server');
  const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  const storedBytes = (entries: readonly Buffer[]) => entries.reduce((n, e) => n + e.length, 0);
  const fmtBytes = (entries: readonly Buffer[]) => {
    const stored = storedBytes(entries);
    const raw = entries.reduce((n, e) => n + readHeader(e).rawLength, 0);
    const each = entries.length > 1 ? ` (${entries.length} × ~${Math.round(stored / entries.length).toLocaleString('en-US')})` : '';
    return `${stored.toLocaleString('en-US')} B${each}; JSON ${raw.toLocaleString('en-US')} B`;
  };
  const us = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const summaries = new Map<Scenario, Summary>();
  for (const s of [...Object.values(S), ...altScenarios.map((a) => a.s)]) summaries.set(s, summarize(s));
  const sum = (s: Scenario) => summaries.get(s)!;
  const ratioOf = (s: Scenario, raw: Scenario) => sum(s).p50 / sum(raw).p50;

  /** One entry: its raw baseline, the library reads (compared with it), and its in-process decode. */
  const groups: { title: string; raw: Scenario; reads: Scenario[]; decode: Scenario }[] = [
    { title: `L3 diagnosis, 2 stores × 30 days — ${fmtBytes(small.entries)}`, raw: S.rawSmall, reads: [S.l3Small, S.bodySmall, S.l4Small], decode: S.decodeSmall },
    { title: `L3 diagnosis, all 20 stores × 30 days — ${fmtBytes(all.entries)}`, raw: S.rawAll, reads: [S.l3All, S.bodyAll, S.l4All], decode: S.decodeAll },
    { title: `L2 daily metrics, 1 store × 30 days — ${fmtBytes(days.entries)}`, raw: S.rawDays, reads: [S.l2, S.l4Days], decode: S.decodeDays },
  ];

  const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const signed = (v: number) => `${v >= 0 ? '+' : '−'}${us(Math.abs(v))}`;
  const hitRows: string[] = [
    '| entry (stored bytes) | read | p50 µs | p99 µs | mean µs | ratio (p50 / raw p50) | added p50 µs | major GCs / 1k req |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const g of groups) {
    const base = sum(g.raw);
    const line = (title: string, read: string, m: Summary, ratio: string, added: string) =>
      row([title, read, us(m.p50), us(m.p99), us(m.mean), ratio, added, m.majorGcPerK.toFixed(1)]);
    hitRows.push(line(g.title, `**${g.raw.label}**`, base, '1 (baseline)', ''));
    for (const s of g.reads) hitRows.push(line('', s.label, sum(s), `${ratioOf(s, g.raw).toFixed(2)}×`, signed(sum(s).p50 - base.p50)));
    hitRows.push(line('', g.decode.label, sum(g.decode), `${ratioOf(g.decode, g.raw).toFixed(2)}×`, ''));
  }
  const c = sum(S.control);
  hitRows.push(row(['harness control', S.control.label, us(c.p50), us(c.p99), us(c.mean), '', '', c.majorGcPerK.toFixed(1)]));

  const alt: string[] = [
    '| value | compressor | stored bytes | decode p50 µs | decode p99 µs | major GCs / 1k req |',
    '|---|---|---:|---:|---:|---:|',
    row(['L3 all stores', 'gzip-6 (default)', storedBytes(all.entries).toLocaleString('en-US'), us(sum(S.decodeAll).p50), us(sum(S.decodeAll).p99), sum(S.decodeAll).majorGcPerK.toFixed(1)]),
    ...altScenarios
      .filter((a) => a.level === 'l3')
      .map((a) => row(['', a.name, storedBytes(a.entries).toLocaleString('en-US'), us(sum(a.s).p50), us(sum(a.s).p99), sum(a.s).majorGcPerK.toFixed(1)])),
    row(['L2, 30 entries', 'identity (default)', storedBytes(days.entries).toLocaleString('en-US'), us(sum(S.decodeDays).p50), us(sum(S.decodeDays).p99), sum(S.decodeDays).majorGcPerK.toFixed(1)]),
    ...altScenarios
      .filter((a) => a.level === 'l2')
      .map((a) => row(['', a.name, storedBytes(a.entries).toLocaleString('en-US'), us(sum(a.s).p50), us(sum(a.s).p99), sum(a.s).majorGcPerK.toFixed(1)])),
  ];

  const redisRatios = [ratioOf(S.l3Small, S.rawSmall), ratioOf(S.l3All, S.rawAll), ratioOf(S.l2, S.rawDays)];
  const l4P99 = [S.l4Small, S.l4All, S.l4Days].map((s) => sum(s).p99);
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const goals = [
    `Goal "Redis-tier hit ≤ 2× the raw GET of the same bytes": ${verdict(redisRatios.every((r) => r <= 2))} ` +
      `(${redisRatios.map((r) => `${r.toFixed(2)}×`).join(' / ')} for L3 2 stores / L3 all / L2).`,
    `Goal "L4 hit p99 ≤ 50 µs": ${verdict(l4P99.every((p) => p <= 50))} (${l4P99.map((p) => `${us(p)} µs`).join(' / ')}; ` +
      `the 10 µs control's p99 was ${us(c.p99)} µs).`,
  ];

  const logs = [redisOnly, withL4].map((cache) => cache.accessLogCounts());
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  const machine =
    `${new Date().toISOString().slice(0, 10)}, commit ${commit}; ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `Node ${process.versions.node}, Redis ${redisVersion} on the same host (own instance, no persistence), ioredis 5, ` +
    `default level codecs (L3 JSON + gzip-6, L2 plain JSON). Load average ${loadBefore.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)} (the machine is shared). ` +
    `${ITERATIONS.toLocaleString('en-US')} sequential requests per row after ${WARMUP} warm-up, interleaved in ${ROUNDS} rounds; ` +
    `access log: ${logs.reduce((n, l) => n + l.written, 0).toLocaleString('en-US')} events written, ${logs.reduce((n, l) => n + l.dropped, 0)} dropped. ` +
    `Sample: ${SAMPLE.stores} stores, ${SAMPLE.days} days, ${SAMPLE.orders.toLocaleString('en-US')} orders; period ${PERIOD.from}..${PERIOD.to}.`;

  const generated = [
    machine,
    '',
    ...hitRows,
    '',
    ...goals.map((g) => `- ${g}`),
    '',
    'Decode only (no I/O), the same values under other compressors (same JSON layout):',
    '',
    ...alt,
  ].join('\n');

  console.log(`\n${generated}\n`);
  console.log(
    `(${((Date.now() - started) / 1000).toFixed(1)} s; p99.9 / max µs: ` +
      `${Object.entries(S).map(([id, s]) => `${id} ${us(sum(s).p999)} / ${us(sum(s).max)}`).join(', ')})`,
  );

  if (WRITE) {
    writeDocBlock(DOC, 'cache-hit-bench', generated, '## Cache hits: library vs raw GET (`bench/cache-hit.ts`)');
  }

  await cleanup();
}

if (isMain(import.meta.url)) await main();
