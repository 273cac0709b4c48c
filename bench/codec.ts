/**
 * Codec benchmark (not a test): stored size and whole encode/decode throughput of every
 * layout × compressor on realistic orders (L1), a diagnosis (L3) and daily metrics (L2).
 *
 *   npx tsx bench/codec.ts            # full run, rewrites the generated part of docs/codecs.md
 *   npx tsx bench/codec.ts --quick    # fewer runs, prints only
 *   npx tsx bench/codec.ts --quick --only=chunks   # one section: rows | chunks | json
 *
 * Throughput is MB of row-JSON-equivalent bytes per second (serialization included), the
 * median of several timed runs after warm-up. Needs `npx turbo run build` first.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import * as codecs from '@prewarm/cache/codecs';
import {
  type DailyMetrics,
  DailyMetricsBuilder,
  type Order,
  addDays,
  diagnoseFromDaily,
  validateOrder,
} from '@prewarm/domain';
import { generateSample, type SampleDataset } from '@prewarm/source';
import { Packr, isNativeAccelerationEnabled } from 'msgpackr';
import { isMain, median, quantile } from './lib.js';

const {
  brotliCompressor,
  columnarOrdersLayout,
  gzipCompressor,
  identityCompressor,
  jsonLayout,
  msgpackLayout,
  rowJsonLayout,
  zstdAvailable,
  zstdCompressor,
} = codecs;
type Compressor = codecs.Compressor;
type Layout<T> = codecs.Layout<T>;

const QUICK = process.argv.includes('--quick');
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const run = (section: 'rows' | 'chunks' | 'json'): boolean => ONLY === undefined || ONLY === section;
const DOC = new URL('../docs/codecs.md', import.meta.url);
const BEGIN = '<!-- codec-bench:begin -->';
const END = '<!-- codec-bench:end -->';
const MB = 1e6;

// ---------------------------------------------------------------- data

function ordersOf(dataset: SampleDataset): Order[] {
  const orders: Order[] = [];
  for (const batch of dataset.orderBatches()) {
    for (const row of batch) {
      const v = validateOrder(row);
      if (v.ok) orders.push(v.order);
    }
  }
  return orders;
}

/** L1 chunks: one store × one business month (UTC+8 months are close enough here). */
function chunksOf(orders: readonly Order[]): Order[][] {
  const chunks = new Map<string, Order[]>();
  for (const o of orders) {
    const key = `${o.storeId}:${new Date(o.orderedAt + 8 * 3_600_000).toISOString().slice(0, 7)}`;
    let chunk = chunks.get(key);
    if (!chunk) chunks.set(key, (chunk = []));
    chunk.push(o);
  }
  return [...chunks.values()];
}

function closestChunk(chunks: readonly Order[][], rows: number): Order[] {
  return chunks.reduce((best, c) => (Math.abs(c.length - rows) < Math.abs(best.length - rows) ? c : best));
}

// ------------------------------------------- bench-only columnar containers (JSON, msgpack)

/**
 * The same column transforms as `columnarOrdersLayout` (id prefix + deltas, dictionaries,
 * time deltas in seconds, updatedAt from orderedAt), held in plain arrays so a generic
 * container (JSON, msgpackr) can carry them. Sample-shaped data only; round trips are checked.
 */
interface PlainColumns {
  prefix: string;
  width: number;
  ids: number[];
  dictionaries: [string[], string[], string[]];
  indexes: [number[], number[], number[]];
  orderedAt: number[];
  updatedAt: number[];
  counts: number[][];
}
const COUNT_FIELDS = ['items', 'grossCents', 'discountCents', 'packagingCents', 'deliveryCents', 'commissionCents', 'costCents'] as const;

function toPlainColumns(orders: readonly Order[]): PlainColumns {
  const first = orders[0]?.orderId ?? 'O0';
  const prefix = first.replace(/\d+$/, '');
  const dicts: [Map<string, number>, Map<string, number>, Map<string, number>] = [new Map(), new Map(), new Map()];
  const indexOf = (d: Map<string, number>, s: string): number => d.get(s) ?? (d.set(s, d.size), d.size - 1);
  const c: PlainColumns = {
    prefix,
    width: first.length - prefix.length,
    ids: [],
    dictionaries: [[], [], []],
    indexes: [[], [], []],
    orderedAt: [],
    updatedAt: [],
    counts: COUNT_FIELDS.map(() => []),
  };
  let previousId = 0;
  let previousAt = 0;
  for (const o of orders) {
    const n = Number(o.orderId.slice(prefix.length));
    c.ids.push(n - previousId);
    previousId = n;
    c.indexes[0].push(indexOf(dicts[0], o.storeId));
    c.indexes[1].push(indexOf(dicts[1], o.channel));
    c.indexes[2].push(indexOf(dicts[2], o.status));
    c.orderedAt.push((o.orderedAt - previousAt) / 1000);
    previousAt = o.orderedAt;
    c.updatedAt.push((o.updatedAt - o.orderedAt) / 1000);
    COUNT_FIELDS.forEach((f, i) => c.counts[i]!.push(o[f]));
  }
  c.dictionaries = dicts.map((d) => [...d.keys()]) as PlainColumns['dictionaries'];
  return c;
}

function fromPlainColumns(c: PlainColumns): Order[] {
  const out = new Array<Order>(c.ids.length);
  let id = 0;
  let at = 0;
  for (let i = 0; i < c.ids.length; i++) {
    id += c.ids[i]!;
    at += c.orderedAt[i]! * 1000;
    out[i] = {
      orderId: c.prefix + String(id).padStart(c.width, '0'),
      storeId: c.dictionaries[0][c.indexes[0][i]!]!,
      channel: c.dictionaries[1][c.indexes[1][i]!]!,
      status: c.dictionaries[2][c.indexes[2][i]!]! as Order['status'],
      orderedAt: at,
      items: c.counts[0]![i]!,
      grossCents: c.counts[1]![i]!,
      discountCents: c.counts[2]![i]!,
      packagingCents: c.counts[3]![i]!,
      deliveryCents: c.counts[4]![i]!,
      commissionCents: c.counts[5]![i]!,
      costCents: c.counts[6]![i]!,
      updatedAt: at + c.updatedAt[i]! * 1000,
    };
  }
  return out;
}

const columnPackr = new Packr({ useRecords: false });
const columnarJsonBench = {
  name: 'columnar-json*',
  encode: (orders: Order[]) => Buffer.from(JSON.stringify(toPlainColumns(orders))),
  decode: (bytes: Uint8Array) => fromPlainColumns(JSON.parse(Buffer.from(bytes).toString('utf8')) as PlainColumns),
};
const columnarMsgpackBench = {
  name: 'columnar-msgpack*',
  encode: (orders: Order[]) => columnPackr.pack(toPlainColumns(orders)),
  decode: (bytes: Uint8Array) => fromPlainColumns(columnPackr.unpack(bytes) as PlainColumns),
};

// ---------------------------------------------------------------- timing

interface Timing {
  /** Median CPU milliseconds of one operation: user + system time of this process, all threads. */
  cpuMs: number;
  /** Median wall-clock milliseconds of one operation. */
  wallMs: number;
}

interface TimingOptions {
  /** Each sample repeats the operation for at least this long, so it carries its share of GC. */
  sampleMs: number;
  samples: number;
  warmMs: number;
}
const STEADY: TimingOptions = QUICK ? { sampleMs: 50, samples: 5, warmMs: 50 } : { sampleMs: 100, samples: 9, warmMs: 200 };
const LIGHT: TimingOptions = { sampleMs: 30, samples: 3, warmMs: 30 };

/**
 * Median time of `op` after warm-up, in a steady state (no forced GC: a forced collection
 * shrinks the young generation and makes allocation-heavy decodes look several times slower
 * than in a long-running worker). CPU time is the headline because the host is shared: it
 * does not count time spent waiting for a core.
 */
function time(op: () => unknown, options: TimingOptions = STEADY): Timing {
  const warm = performance.now();
  let warmRuns = 0;
  do {
    op();
    warmRuns++;
  } while (performance.now() - warm < options.warmMs || warmRuns < 2);
  const single = (performance.now() - warm) / warmRuns;
  const batch = Math.max(1, Math.ceil(options.sampleMs / single));
  const samples = single > 500 ? Math.min(5, options.samples) : options.samples;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let s = 0; s < samples; s++) {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < batch; i++) op();
    wall.push((performance.now() - start) / batch);
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1000 / batch);
  }
  return { cpuMs: median(cpu), wallMs: median(wall) };
}

// ---------------------------------------------------------------- measurement

interface AnyLayout<T> {
  name: string;
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

interface Result {
  layout: string;
  compressor: string;
  /** Row-JSON (or JSON) bytes of the value: the 100 % of the table. */
  baseline: number;
  stored: number;
  rows: number;
  encode: Timing;
  decode: Timing;
}

function measure<T>(value: T, rows: number, baseline: number, layout: AnyLayout<T>, compressor: Compressor): Result {
  const stored = compressor.compress(layout.encode(value));
  const back = layout.decode(compressor.decompress(stored));
  if (!isDeepStrictEqual(back, value)) throw new Error(`${layout.name} + ${compressor.label} does not round-trip`);
  return {
    layout: layout.name,
    compressor: compressor.label,
    baseline,
    stored: stored.length,
    rows,
    encode: time(() => compressor.compress(layout.encode(value))),
    decode: time(() => layout.decode(compressor.decompress(stored))),
  };
}

/** Measures many values (e.g. all chunks) as one workload: bytes and times are summed. */
function measureAll<T>(values: readonly T[], rowsOf: (v: T) => number, layout: AnyLayout<T>, compressor: Compressor): Result {
  const stored = values.map((v) => compressor.compress(layout.encode(v)));
  values.forEach((v, i) => {
    if (!isDeepStrictEqual(layout.decode(compressor.decompress(stored[i]!)), v)) throw new Error(`${layout.name} + ${compressor.label} does not round-trip`);
  });
  return {
    layout: layout.name,
    compressor: compressor.label,
    baseline: values.reduce((sum, v) => sum + Buffer.byteLength(JSON.stringify(v)), 0),
    stored: stored.reduce((sum, b) => sum + b.length, 0),
    rows: values.reduce((sum, v) => sum + rowsOf(v), 0),
    encode: time(() => values.forEach((v) => compressor.compress(layout.encode(v)))),
    decode: time(() => stored.forEach((b) => layout.decode(compressor.decompress(b)))),
  };
}

function compressors(): Compressor[] {
  const list = [identityCompressor, gzipCompressor(1), gzipCompressor(6), brotliCompressor(4), brotliCompressor(5)];
  if (zstdAvailable()) list.push(zstdCompressor(1), zstdCompressor(3));
  return list;
}

// ---------------------------------------------------------------- formatting

const pct = (r: Result): string => `${((100 * r.stored) / r.baseline).toFixed(1)} %`;
const rate = (bytes: number, ms: number): string => (bytes / MB / (ms / 1000)).toFixed(0);
/** `cpu (wall)` throughput in MB/s. */
const rates = (bytes: number, t: Timing): string => `${rate(bytes, t.cpuMs)} (${rate(bytes, t.wallMs)})`;
const kb = (bytes: number): string => (bytes >= 10_000 ? `${(bytes / 1000).toFixed(0)} KB` : `${bytes} B`);
const us = (ms: number): string => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(1)} ms`);

function ordersTable(results: readonly Result[]): string {
  const lines = [
    '| layout | compressor | stored | % of row JSON | bytes/row | encode MB/s cpu (wall) | decode MB/s cpu (wall) |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.layout} | ${r.compressor} | ${kb(r.stored)} | ${pct(r)} | ${(r.stored / r.rows).toFixed(1)} | ${rates(r.baseline, r.encode)} | ${rates(r.baseline, r.decode)} |`,
    );
  }
  return lines.join('\n');
}

function chunkTable(sizes: readonly { label: string; results: readonly Result[] }[]): string {
  const head = `| layout + compressor | ${sizes.map((s) => s.label).join(' | ')} |`;
  const lines = [head, `|---|${sizes.map(() => '---:').join('|')}|`];
  const first = sizes[0]!.results;
  first.forEach((r, i) => {
    const cells = sizes.map((s) => {
      const x = s.results[i]!;
      return `${pct(x)} · ${rate(x.baseline, x.encode.cpuMs)} / ${rate(x.baseline, x.decode.cpuMs)}`;
    });
    lines.push(`| ${r.layout} + ${r.compressor} | ${cells.join(' | ')} |`);
  });
  return lines.join('\n');
}

interface JsonResult extends Result {
  asyncMs: number;
  /** Serving the entry as a gzip HTTP body: 0 for gzip (bytes as stored), else decompress + gzip-1. */
  serveGzipMs: number;
}

async function measureJson(value: unknown, compressor: Compressor): Promise<JsonResult> {
  const json = Buffer.byteLength(JSON.stringify(value));
  const r = measure(value, 1, json, jsonLayout, compressor);
  const stored = compressor.compress(jsonLayout.encode(value));
  const asyncRuns = 200;
  const start = performance.now();
  for (let i = 0; i < asyncRuns; i++) await compressor.compressAsync(jsonLayout.encode(value));
  const asyncMs = (performance.now() - start) / asyncRuns;
  const gzip1 = gzipCompressor(1);
  const serveGzipMs = compressor.name === 'gzip' ? 0 : time(() => gzip1.compress(compressor.decompress(stored))).cpuMs;
  return { ...r, asyncMs, serveGzipMs };
}

function jsonTable(results: readonly JsonResult[]): string {
  const lines = [
    '| compressor | stored | % of JSON | encode | decode | compressAsync (serial) | to a gzip HTTP body |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const serve = r.serveGzipMs === 0 ? 'as stored' : us(r.serveGzipMs);
    lines.push(
      `| ${r.compressor} | ${kb(r.stored)} | ${pct(r)} | ${us(r.encode.cpuMs)} (${rate(r.baseline, r.encode.cpuMs)} MB/s) | ${us(r.decode.cpuMs)} (${rate(r.baseline, r.decode.cpuMs)} MB/s) | ${us(r.asyncMs)} | ${serve} |`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- scenarios

async function main(): Promise<void> {
  const load = os.loadavg()[0]!;
  const log = (s: string): void => console.error(`[codec-bench] ${s}`);
  const out: string[] = [];

  // 1. 100 k orders of 100 stores over 90 days, as one array (the headline number).
  const sample = generateSample({ stores: 100, days: 90, orders: 100_000, seed: 1, end: '2025-06-30' });
  const orders = ordersOf(sample);
  const rowJsonBytes = Buffer.byteLength(JSON.stringify(orders));
  log(`100k orders: row JSON ${rowJsonBytes} bytes`);
  const orderLayouts: AnyLayout<Order[]>[] = [
    { ...rowJsonLayout, name: 'row-json' },
    msgpackLayout as Layout<Order[]>,
    columnarJsonBench,
    columnarMsgpackBench,
    columnarOrdersLayout,
  ];
  const headline: Result[] = [];
  for (const layout of run('rows') ? orderLayouts : []) {
    for (const c of compressors()) {
      headline.push(measure(orders, orders.length, rowJsonBytes, layout, c));
      log(`100k ${layout.name} + ${c.label}`);
    }
  }
  if (run('rows')) out.push(
    `### L1 layouts × compressors: 100,000 orders (100 stores, 90 days, one array)`,
    '',
    `Row JSON (\`JSON.stringify(Order[])\`, UTF-8) is ${(rowJsonBytes / MB).toFixed(1)} MB, ${(rowJsonBytes / orders.length).toFixed(0)} bytes a row: the 100 %.`,
    'Throughput is MB of that row JSON per second, serialization included: per CPU-second of the process, wall-clock in parentheses. `*`: bench-only containers of the same column transforms.',
    '',
    ordersTable(headline),
    '',
  );

  // 2. L1 chunks: one store × one month of a 450 k-order month (100 stores).
  const month = run('chunks') ? ordersOf(generateSample({ stores: 100, days: 31, orders: 450_000, seed: 2, end: '2025-05-31' })) : [];
  const monthChunks = chunksOf(month).filter((c) => c.length > 0);
  const chunkLayouts: [AnyLayout<Order[]>, Compressor][] = [
    [{ ...rowJsonLayout, name: 'row-json' }, gzipCompressor(6)],
    [{ ...rowJsonLayout, name: 'row-json' }, zstdAvailable() ? zstdCompressor(3) : gzipCompressor(1)],
    ...compressors().map((c) => [columnarOrdersLayout, c] as [AnyLayout<Order[]>, Compressor]),
  ];
  const smallChunks = chunksOf(orders);
  const sizes: { label: string; results: Result[] }[] = [];
  for (const target of run('chunks') ? [300, 3000, 30_000] : []) {
    const chunk = closestChunk([...smallChunks, ...monthChunks], target);
    const json = Buffer.byteLength(JSON.stringify(chunk));
    sizes.push({ label: `${chunk.length} rows (${kb(json)})`, results: chunkLayouts.map(([l, c]) => measure(chunk, chunk.length, json, l, c)) });
    log(`chunk ${chunk.length}`);
  }
  if (run('chunks')) {
    sizes.push({
      label: `all ${smallChunks.length} chunks of the 100 k set`,
      results: chunkLayouts.map(([l, c]) => measureAll(smallChunks, (v) => v.length, l, c)),
    });
  }
  log('all chunks');
  if (run('chunks')) out.push(
    '### L1 chunks (one store × one month)',
    '',
    `Single chunks closest to 300, 3,000 and 30,000 rows, from the 100 k set above and from a 450,000-order month of 100 stores (chunk sizes ${Math.min(...monthChunks.map((c) => c.length))}–${Math.max(...monthChunks.map((c) => c.length))} rows); and all ${smallChunks.length} chunks of the 100 k set (median ${quantile(smallChunks.map((c) => c.length).sort((a, b) => a - b), 0.5)} rows) as one workload.`,
    'Each cell: stored % of row JSON · encode / decode MB/s (CPU time).',
    '',
    chunkTable(sizes),
    '',
  );

  // 2b. The compressors alone on the columnar payload of those chunks (the layout cost is the
  // same for all of them), timed in interleaved rounds.
  if (run('chunks')) {
    const only = [gzipCompressor(1), gzipCompressor(6), brotliCompressor(3), brotliCompressor(4), brotliCompressor(5)];
    if (zstdAvailable()) only.push(zstdCompressor(1), zstdCompressor(3));
    const picked = [3000, 30_000].map((n) => closestChunk(monthChunks, n));
    const lines = [
      `| compressor | ${picked.map((c) => `${c.length} rows: bytes · compress · decompress`).join(' | ')} |`,
      `|---|${picked.map(() => '---:').join('|')}|`,
    ];
    const cells = new Map<string, string[]>(only.map((c) => [c.label, []]));
    const layoutCells: string[] = [];
    for (const chunk of picked) {
      const payload = columnarOrdersLayout.encode(chunk);
      const encodeMs = time(() => columnarOrdersLayout.encode(chunk)).cpuMs;
      const decodeMs = time(() => columnarOrdersLayout.decode(payload)).cpuMs;
      layoutCells.push(`${kb(payload.length)} · ${us(encodeMs)} · ${us(decodeMs)}`);
      const samples = new Map<string, { c: number[]; d: number[] }>(only.map((c) => [c.label, { c: [], d: [] }]));
      for (let round = 0; round < (QUICK ? 3 : 7); round++) {
        for (const c of only) {
          const packed = c.compress(payload);
          samples.get(c.label)!.c.push(time(() => c.compress(payload), LIGHT).cpuMs);
          samples.get(c.label)!.d.push(time(() => c.decompress(packed), LIGHT).cpuMs);
        }
      }
      for (const c of only) {
        const s = samples.get(c.label)!;
        cells.get(c.label)!.push(`${kb(c.compress(payload).length)} · ${us(median(s.c))} · ${us(median(s.d))}`);
      }
      log(`compressors on ${chunk.length} rows (${payload.length} bytes of columnar payload)`);
    }
    lines.push(`| (the layout: encode · decode) | ${layoutCells.join(' | ')} |`);
    for (const c of only) lines.push(`| ${c.label} | ${cells.get(c.label)!.join(' | ')} |`);
    out.push(
      '### L1 compressors alone, on the columnar payload',
      '',
      "Chunks of the 450 k month. First row: the layout's own cost, the same whatever the compressor; the other rows: what each compressor adds (stored bytes · compress · decompress, CPU time, median of interleaved rounds).",
      '',
      lines.join('\n'),
      '',
    );
  }

  // 3. L3 diagnosis of all 100 stores over 30 days, and one L2 store-day of daily metrics.
  const stores = sample.stores.map((s) => ({ ...s }));
  const range = { from: addDays(sample.to, -59), to: sample.to };
  const builder = new DailyMetricsBuilder(new Map(stores.map((s) => [s.store_id, s])), range);
  for (const o of orders) builder.add(o);
  const daily = new Map(stores.map((s) => [s.store_id, builder.daily(s.store_id)]));
  const diagnosis = diagnoseFromDaily(stores, { from: addDays(sample.to, -29), to: sample.to }, daily);
  const storeDay = [...daily.values()].flat().reduce((a: DailyMetrics, b) => (b.orders > a.orders ? b : a));
  const jsonCompressors = [identityCompressor, gzipCompressor(1), gzipCompressor(6), gzipCompressor(9), brotliCompressor(4), brotliCompressor(5)];
  if (zstdAvailable()) jsonCompressors.push(zstdCompressor(1), zstdCompressor(3));
  for (const [label, value] of [
    [`L3 diagnosis, all 100 stores, 30 days`, diagnosis],
    [`L2 daily metrics, one store-day`, storeDay],
  ] as const) {
    if (!run('json')) break;
    const results: JsonResult[] = [];
    for (const c of jsonCompressors) results.push(await measureJson(value, c));
    log(label);
    out.push(`### ${label} (JSON ${kb(Buffer.byteLength(JSON.stringify(value)))})`, '', jsonTable(results), '');
  }

  const machine = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores,`,
    `Node ${process.version}, msgpackr native acceleration ${isNativeAccelerationEnabled ? 'on' : 'off'},`,
    `zstd ${zstdAvailable() ? 'zstd-napi 0.0.13' : 'not available'}; load average ${load.toFixed(2)} at start, ${os.loadavg()[0]!.toFixed(2)} at end`,
    `(the host is shared: single cells move by 15–30 % between runs).${QUICK ? ' QUICK run.' : ''}`,
  ].join(' ');
  const generated = [BEGIN, '', machine, '', ...out, END].join('\n');
  console.log(generated);
  if (!QUICK && ONLY === undefined) {
    let doc: string;
    try {
      doc = readFileSync(DOC, 'utf8');
    } catch {
      doc = `# Payload codecs\n\n${BEGIN}\n${END}\n`;
    }
    const begin = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    const next = begin >= 0 && end > begin ? doc.slice(0, begin) + generated + doc.slice(end + END.length) : `${doc}\n${generated}\n`;
    writeFileSync(DOC, next);
    log(`wrote ${DOC.pathname}`);
  }
}

if (isMain(import.meta.url)) await main();
