/**
 * Incremental runs stay exact for changes `updated_at` cannot announce, on stores the full run
 * did not warm at L1 (their cached days cannot be looked up in L1 chunks): an order moved 10
 * days, an order moved to another store, a hard-deleted order, and a change committed late
 * with an `updated_at` older than the store's watermark. After each change and one
 * `prewarm run --incremental`, every read equals the same read computed from the source.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheEnv, runCli } from '../helpers/cli.js';
import { ok } from '../helpers/reads.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';

const END = '2026-11-20';
const FROM = '2026-10-22';
let redis: TestRedis;
let dbPath: string;
let env: Record<string, string>;
/** Stores the full run warmed neither as hot nor as cold (no L1 chunks). */
let unwarmed: string[];

beforeAll(async () => {
  redis = await startTestRedis();
  dbPath = join(mkdtempSync(join(tmpdir(), 'prewarm-incr-')), 'orders.db');
  env = { PREWARM_SOURCE_URL: `sqlite:${dbPath}`, ...cacheEnv(redis.url), PREWARM_QUEUE_PREFIX: '{incr}', PREWARM_COLD_STORE_LIMIT: '3' };
  ok(await runCli(['seed', '--stores', '20', '--days', '70', '--orders', '12000', '--seed', '12', '--end', END], env));
  const summary = JSON.parse(ok(await runCli(['run', '--json', '--end', END], env)).stdout);
  const warmed = new Set<string>([...summary.stores.hot, ...summary.stores.cold]);
  unwarmed = Array.from({ length: 20 }, (_, i) => `S${String(i + 1).padStart(3, '0')}`).filter((s) => !warmed.has(s));
  expect(unwarmed.length).toBeGreaterThanOrEqual(10);
  // Dashboards read them: their days are cached by read-path fills.
  for (const store of unwarmed.slice(0, 6)) ok(await runCli(['get', 'metrics', '--store', store, '--from', '2026-09-22', '--to', END], env));
  ok(await runCli(['get', 'diagnosis', '--stores', 'all', '--from', FROM, '--to', END], env));
}, 180_000);

afterAll(async () => {
  await redis?.stop();
});

const now = () => new Date().toISOString().replace('Z', '+00:00');

function pickOrder(db: Database.Database, store: string, from: string, to: string): { order_id: string; ordered_at: string; updated_at: string } {
  return db
    .prepare("SELECT order_id, ordered_at, updated_at FROM orders WHERE store_id = ? AND status = 'completed' AND ordered_at >= ? AND ordered_at < ? ORDER BY order_id LIMIT 1")
    .get(store, from, to) as { order_id: string; ordered_at: string; updated_at: string };
}

async function expectExact(stores: readonly string[]): Promise<void> {
  const reads = [
    ['get', 'diagnosis', '--stores', 'all', '--from', FROM, '--to', END],
    ['get', 'diagnosis', '--stores', stores.join(','), '--from', FROM, '--to', END],
    ...stores.map((s) => ['get', 'metrics', '--store', s, '--from', '2026-09-22', '--to', END]),
  ];
  for (const args of reads) {
    const cached = ok(await runCli([...args, '--json'], env));
    const direct = ok(await runCli([...args, '--json', '--no-cache'], env));
    expect(cached.stdout, args.join(' ')).toBe(direct.stdout);
  }
}

async function incremental(): Promise<{ stores: { changed: string[] } }> {
  return JSON.parse(ok(await runCli(['run', '--incremental', '--json', '--end', END], env)).stdout);
}

describe('incremental runs are exact whatever changed', () => {
  it('an order moved 10 days', async () => {
    const store = unwarmed[0]!;
    const db = new Database(dbPath);
    const order = pickOrder(db, store, '2026-10-25', '2026-10-26');
    db.prepare("UPDATE orders SET ordered_at = '2026-11-04T12:00:00+08:00', updated_at = ? WHERE order_id = ?").run(now(), order.order_id);
    db.close();
    expect((await incremental()).stores.changed).toContain(store);
    await expectExact([store]);
  }, 120_000);

  it('an order moved to another store', async () => {
    const [from, to] = [unwarmed[1]!, unwarmed[2]!];
    const db = new Database(dbPath);
    const order = pickOrder(db, from, '2026-11-02', '2026-11-03');
    db.prepare('UPDATE orders SET store_id = ?, updated_at = ? WHERE order_id = ?').run(to, now(), order.order_id);
    db.close();
    const changed = (await incremental()).stores.changed;
    expect(changed).toEqual(expect.arrayContaining([from, to]));
    await expectExact([from, to]);
  }, 120_000);

  it('a hard-deleted order', async () => {
    const store = unwarmed[3]!;
    const db = new Database(dbPath);
    const order = pickOrder(db, store, '2026-11-10', '2026-11-11');
    db.prepare('DELETE FROM orders WHERE order_id = ?').run(order.order_id);
    db.close();
    expect((await incremental()).stores.changed).toContain(store);
    await expectExact([store]);
  }, 120_000);

  it('a change committed late, with an updated_at older than the store watermark', async () => {
    const store = unwarmed[4]!;
    const db = new Database(dbPath);
    const order = pickOrder(db, store, '2026-10-26', '2026-11-01');
    // The row keeps its old updated_at (an import that keeps the source's timestamps, a long transaction).
    db.prepare("UPDATE orders SET status = 'refunded' WHERE order_id = ?").run(order.order_id);
    db.close();
    expect((await incremental()).stores.changed).toContain(store);
    await expectExact([store]);
  }, 120_000);
});
