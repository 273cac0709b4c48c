/**
 * Codec benchmark (not a test): stored size and whole encode/decode throughput of every
 * layout × compressor on realistic orders (L1), a diagnosis (L3) and daily metrics (L2).
 *
 *   npx tsx bench/codec.ts            # full run, rewrites the generated part of docs/codecs.md
 *   npx tsx bench/codec.ts --quick    # fewer runs, prints only
 *
 * Throughput is MB of row-JSON-equivalent bytes per second (serialization included), the
 * median of several timed runs after warm-up. Needs `npx turbo run build` first.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { isDeepStrictEqual } from 'node:util';
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
// The codec is not exported from the package index yet: import its source directly.
import {
  type Compressor,
  type Layout,
  brotliCompressor,
  columnarOrdersLayout,
  gzipCompressor,
  identityCompressor,
  jsonLayout,
  msgpackLayout,
  rowJsonLayout,
  zstdAvailable,
  zstdCompressor,
} from '../packages/cache/src/codec/index.js';

const QUICK = process.argv.includes('--quick');
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
  /** Median milliseconds of one operation. */
  ms: number;
}

/** Median time of `op` after warm-up; tiny operations are timed in batches. */
function time(op: () => unknown): Timing {
  const warm = performance.now();
  let warmRuns = 0;
  do {
    op();
    warmRuns++;
  } while (performance.now() - warm < (QUICK ? 50 : 200) || warmRuns < 2);
  const single = (performance.now() - warm) / warmRuns;
  const batch = Math.max(1, Math.ceil(20 / single)); // ≥ 20 ms a sample
  const samples = single > 500 ? 3 : QUICK ? 5 : 9;
  const ms: number[] = [];
  for (let s = 0; s < samples; s++) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) op();
    ms.push((performance.now() - start) / batch);
  }
  ms.sort((a, b) => a - b);
  return { ms: ms[samples >> 1]! };
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
  encodeMs: number;
  decodeMs: number;
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
    encodeMs: time(() => compressor.compress(layout.encode(value))).ms,
    decodeMs: time(() => layout.decode(compressor.decompress(stored))).ms,
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
    encodeMs: time(() => values.forEach((v) => compressor.compress(layout.encode(v)))).ms,
    decodeMs: time(() => stored.forEach((b) => layout.decode(compressor.decompress(b)))).ms,
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
const kb = (bytes: number): string => (bytes >= 10_000 ? `${(bytes / 1000).toFixed(0)} KB` : `${bytes} B`);
const us = (ms: number): string => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(1)} ms`);

function ordersTable(results: readonly Result[]): string {
  const lines = [
    '| layout | compressor | stored | % of row JSON | bytes/row | encode MB/s | decode MB/s |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.layout} | ${r.compressor} | ${kb(r.stored)} | ${pct(r)} | ${(r.stored / r.rows).toFixed(1)} | ${rate(r.baseline, r.encodeMs)} | ${rate(r.baseline, r.decodeMs)} |`,
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
      return `${pct(x)} · ${rate(x.baseline, x.encodeMs)} / ${rate(x.baseline, x.decodeMs)}`;
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
  const serveGzipMs = compressor.name === 'gzip' ? 0 : time(() => gzip1.compress(compressor.decompress(stored))).ms;
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
      `| ${r.compressor} | ${kb(r.stored)} | ${pct(r)} | ${us(r.encodeMs)} (${rate(r.baseline, r.encodeMs)} MB/s) | ${us(r.decodeMs)} (${rate(r.baseline, r.decodeMs)} MB/s) | ${us(r.asyncMs)} | ${serve} |`,
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
  for (const layout of orderLayouts) {
    for (const c of compressors()) {
      headline.push(measure(orders, orders.length, rowJsonBytes, layout, c));
      log(`100k ${layout.name} + ${c.label}`);
    }
  }
  out.push(
    `### L1 layouts × compressors: 100,000 orders (100 stores, 90 days, one array)`,
    '',
    `Row JSON (\`JSON.stringify(Order[])\`, UTF-8) is ${(rowJsonBytes / MB).toFixed(1)} MB, ${(rowJsonBytes / orders.length).toFixed(0)} bytes a row: the 100 %.`,
    'Throughput is MB of that row JSON per second, serialization included. `*`: bench-only containers of the same column transforms.',
    '',
    ordersTable(headline),
    '',
  );

  // 2. L1 chunks: one store × one month of a 450 k-order month (100 stores).
  const month = ordersOf(generateSample({ stores: 100, days: 31, orders: 450_000, seed: 2, end: '2025-05-31' }));
  const monthChunks = chunksOf(month).filter((c) => c.length > 0);
  const chunkLayouts: [AnyLayout<Order[]>, Compressor][] = [
    [{ ...rowJsonLayout, name: 'row-json' }, gzipCompressor(6)],
    [{ ...rowJsonLayout, name: 'row-json' }, zstdAvailable() ? zstdCompressor(3) : gzipCompressor(1)],
    ...compressors().map((c) => [columnarOrdersLayout, c] as [AnyLayout<Order[]>, Compressor]),
  ];
  const sizes: { label: string; results: Result[] }[] = [];
  for (const target of [300, 3000, 30_000]) {
    const chunk = closestChunk(monthChunks, target);
    const json = Buffer.byteLength(JSON.stringify(chunk));
    sizes.push({ label: `${chunk.length} rows (${kb(json)})`, results: chunkLayouts.map(([l, c]) => measure(chunk, chunk.length, json, l, c)) });
    log(`chunk ${chunk.length}`);
  }
  const smallChunks = chunksOf(orders);
  sizes.push({
    label: `all ${smallChunks.length} chunks of the 100 k set`,
    results: chunkLayouts.map(([l, c]) => measureAll(smallChunks, (v) => v.length, l, c)),
  });
  log('all chunks');
  out.push(
    '### L1 chunks (one store × one month)',
    '',
    `Chunks of a 450,000-order month of 100 stores (sizes ${Math.min(...monthChunks.map((c) => c.length))}–${Math.max(...monthChunks.map((c) => c.length))} rows), and all ${smallChunks.length} chunks of the 100 k set above (median ${smallChunks.map((c) => c.length).sort((a, b) => a - b)[smallChunks.length >> 1]} rows).`,
    'Each cell: stored % of row JSON · encode / decode MB/s.',
    '',
    chunkTable(sizes),
    '',
  );

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
    const results: JsonResult[] = [];
    for (const c of jsonCompressors) results.push(await measureJson(value, c));
    log(label);
    out.push(`### ${label} (JSON ${kb(Buffer.byteLength(JSON.stringify(value)))})`, '', jsonTable(results), '');
  }

  const machine = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores,`,
    `Node ${process.version}, msgpackr native acceleration ${isNativeAccelerationEnabled ? 'on' : 'off'},`,
    `zstd ${zstdAvailable() ? 'zstd-napi 0.0.13' : 'not available'}; load average ${load.toFixed(2)} at start, ${os.loadavg()[0]!.toFixed(2)} at end`,
    `(the host is shared: treat differences under ~15 % as noise).${QUICK ? ' QUICK run.' : ''}`,
  ].join(' ');
  const generated = [BEGIN, '', machine, '', ...out, END].join('\n');
  console.log(generated);
  if (!QUICK) {
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

await main();
