/**
 * What the fingerprint reconciliation of every run costs: `source.fingerprints` over the warm
 * window (60 business dates, read as 62 UTC days) on 100 stores × 1 M orders, SQLite and
 * PostgreSQL, the median of several reads each, next to `maxUpdatedAt` (the watermark read every
 * run already does).
 *
 *   npx tsx bench/fingerprints.ts [--orders 1000000] [--rounds 5] [--pg postgres://…] [--write]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSource } from '@prewarm/source';
import pg from 'pg';
import { isMain, median, option, seedSample, writeDocBlock } from './lib.js';

const END = '2026-11-20';
const ORDERS = Number(option('orders', '1000000'));
const ROUNDS = Number(option('rounds', '5'));
const PG = option('pg', 'postgres://postgres@127.0.0.1:5432/test');

async function measure(url: string): Promise<{ fingerprints: number; watermarks: number; groups: number }> {
  const source = await openSource(url);
  try {
    const fromMs = Date.parse('2026-09-21T00:00:00Z');
    const toMs = Date.parse('2026-11-22T00:00:00Z');
    const fp: number[] = [];
    const wm: number[] = [];
    let groups = 0;
    for (let i = 0; i < ROUNDS; i++) {
      let t = performance.now();
      const prints = await source.fingerprints(fromMs, toMs);
      fp.push(performance.now() - t);
      groups = [...prints.values()].reduce((n, days) => n + days.size, 0);
      t = performance.now();
      await source.maxUpdatedAt();
      wm.push(performance.now() - t);
    }
    return { fingerprints: median(fp), watermarks: median(wm), groups };
  } finally {
    await source.close();
  }
}

async function main(): Promise<void> {
  const sample = { stores: 100, days: 120, orders: ORDERS, seed: 1, end: END };
  const sqlite = `sqlite:${join(mkdtempSync(join(tmpdir(), 'prewarm-fp-')), 'orders.db')}`;
  const schema = `bench_fp_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pgUrl = `${PG}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  try {
    const rows: string[] = [];
    for (const [kind, url] of [['SQLite', sqlite], ['PostgreSQL', pgUrl]] as const) {
      await seedSample(url, sample);
      const m = await measure(url);
      rows.push(`| ${kind} | ${m.groups} | ${m.fingerprints.toFixed(0)} ms | ${m.watermarks.toFixed(0)} ms |`);
      console.log(kind, m);
    }
    const table = [
      `${sample.stores} stores, ${ORDERS.toLocaleString('en')} orders over ${sample.days} days; window of 62 UTC days; median of ${ROUNDS} reads (\`npx tsx bench/fingerprints.ts\`).`,
      '',
      '| source | store-days fingerprinted | fingerprints | maxUpdatedAt (for comparison) |',
      '|---|---|---|---|',
      ...rows,
    ].join('\n');
    console.log(table);
    if (process.argv.includes('--write')) writeDocBlock(new URL('../docs/benchmarks.md', import.meta.url), 'fingerprints-bench', table, '## Incremental runs: fingerprint reconciliation');
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

if (isMain(import.meta.url)) await main();
