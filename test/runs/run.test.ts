import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheEnv, runCli } from '../helpers/cli.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';

const END = '2026-11-20';
const LAST30 = ['--from', '2026-10-22', '--to', END];

let redis: TestRedis;
let env: Record<string, string>;
let dbPath: string;

beforeAll(async () => {
  redis = await startTestRedis();
  dbPath = join(mkdtempSync(join(tmpdir(), 'prewarm-run-')), 'orders.db');
  env = { PREWARM_SOURCE_URL: `sqlite:${dbPath}`, ...cacheEnv(redis.url), PREWARM_QUEUE_PREFIX: `{q${Date.now() % 100000}}` };
  const seeded = await runCli(['seed', '--stores', '12', '--days', '70', '--orders', '6000', '--seed', '5', '--end', END], env);
  expect(seeded.code).toBe(0);
}, 60_000);
afterAll(() => redis?.stop());

async function json(args: string[]) {
  const r = await runCli(args, env);
  expect(r.stderr.split('\n').filter((l) => l.startsWith('prewarm:'))).toEqual([]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** The cached answer and a fresh computation from the source must be byte-identical. */
async function expectCacheEqualsSource(args: string[]): Promise<void> {
  const cached = await runCli([...args, '--json'], env);
  const direct = await runCli([...args, '--json', '--no-cache'], env);
  expect(cached.code).toBe(0);
  expect(cached.stdout).toBe(direct.stdout);
}

describe('prewarm run', () => {
  it('walks every phase and leaves every expected entry, served as hits equal to direct computation', async () => {
    const summary = await json(['run', '--json', '--end', END]);
    expect(summary).toMatchObject({ status: 'completed', incremental: false, skippedRows: 0 });
    expect(summary.phases.map((p: { name: string }) => p.name)).toEqual(['global', 'analyze', 'hot', 'cold', 'sets']);
    // No access history: the seed's fallback, the first 20 % of stores are hot; the others are cold (limit 20).
    expect(summary.stores.hot).toEqual(['S001', 'S002', 'S003']);
    expect(summary.stores.cold).toHaveLength(9);
    expect(summary.stores.failed).toEqual([]);
    // The window is 67 days (Sep 15 – Nov 20). L1: 12 stores × 3 business months. L2: every
    // store's warm-up writes its 67 days (12 × 67), and the global phase — after the 3 hot stores,
    // before the 9 cold ones — fills the days of the 9 not warm yet while computing `all`
    // (9 × 67 more writes; 12 × 67 keys). L3: `all` × 3 ranges (the last 7 and 30 days, and the
    // 30 days ending a week ago) + 12 stores × 2 ranges.
    expect(summary.entries).toEqual({ l1: 12 * 3, l2: 12 * 67 + 9 * 67, l3: 3 + 12 * 2 });
    expect(summary.bytes.stored).toBeLessThan(summary.bytes.raw);
    expect(summary.durationMs).toBeGreaterThan(0);

    const before = await json(['stats', '--json']);
    expect([before.level_1, before.level_2, before.level_3]).toEqual([12 * 3, 12 * 67, 27]);
    await expectCacheEqualsSource(['get', 'diagnosis', '--stores', 'all', ...LAST30]);
    await expectCacheEqualsSource(['get', 'diagnosis', '--stores', 'S007', ...LAST30]);
    await expectCacheEqualsSource(['get', 'metrics', '--store', 'S011', ...LAST30]);
    const after = await json(['stats', '--json']);
    expect(after.levels.l3.hits - before.levels.l3.hits).toBe(2);
    expect(after.levels.l3.misses - before.levels.l3.misses).toBe(0);
    expect(after.levels.l2.misses - before.levels.l2.misses).toBe(0);
  });

  it('learns demand from the access stream: the next run warms the most read stores first', async () => {
    for (let i = 0; i < 3; i++) await runCli(['get', 'diagnosis', '--stores', 'S009,S010', ...LAST30, '--json'], env);
    const ranking = await json(['hot-stores', '--json']);
    expect(ranking.fallback).toBe(false);
    expect(ranking.stores.slice(0, 2).map((s: { store_id: string }) => s.store_id).sort()).toEqual(['S009', 'S010']);
    expect(ranking.sets[0]).toMatchObject({ stores: 'S009,S010', from: '2026-10-22', to: END });
    const summary = await json(['run', '--json', '--end', END]);
    expect(summary.stores.hot.slice(0, 2).sort()).toEqual(['S009', 'S010']);
    // The default policy warms the demanded sets among the hot stores; the seed policy last.
    const phase = (run: { phases: { name: string; jobs: number }[] }, name: string) => run.phases.find((p) => p.name === name)!.jobs;
    expect(phase(summary, 'sets')).toBe(0);
    expect(phase(summary, 'hot')).toBeGreaterThan(0);
    const seed = await json(['run', '--json', '--end', END, '--policy', 'seed']);
    expect(phase(seed, 'sets')).toBe(1);
    expect(seed.stores.hot).toHaveLength(3); // ⌈20 % of 12⌉
    expect(seed.stores.hot.slice(0, 2).sort()).toEqual(['S009', 'S010']);
  });

  it('an incremental run reflects status changes and late orders exactly, and only touches changed stores', async () => {
    await json(['run', '--json', '--end', END]);
    const db = new Database(dbPath);
    const victim = db.prepare("SELECT order_id, store_id, ordered_at FROM orders WHERE store_id = 'S004' AND status = 'completed' AND ordered_at < '2026-11-01' ORDER BY order_id LIMIT 1").get() as {
      order_id: string;
      store_id: string;
      ordered_at: string;
    };
    const now = new Date().toISOString().replace('Z', '+00:00');
    db.prepare("UPDATE orders SET status = 'refunded', updated_at = ? WHERE order_id = ?").run(now, victim.order_id);
    db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run('LATE-1', 'S006', 'pickup', 'completed', '2026-10-25T12:00:00+08:00', 3, 99900, 0, 0, 0, 0, 1000, now);
    db.close();

    const summary = await json(['run', '--incremental', '--json', '--end', END]);
    expect(summary.status).toBe('completed');
    expect(summary.incremental).toBe(true);
    expect(summary.stores.changed).toEqual(['S004', 'S006']);
    expect(summary.droppedEntries).toBeGreaterThanOrEqual(2);
    for (const s of [...summary.stores.hot, ...summary.stores.cold]) expect(['S004', 'S006']).toContain(s);

    await expectCacheEqualsSource(['get', 'diagnosis', '--stores', 'all', ...LAST30]);
    await expectCacheEqualsSource(['get', 'diagnosis', '--stores', 'S004,S006', ...LAST30]);
    await expectCacheEqualsSource(['get', 'metrics', '--store', 'S004', '--from', '2026-09-22', '--to', END]);
    const late = await json(['get', 'metrics', '--store', 'S006', '--from', '2026-10-25', '--to', '2026-10-25', '--json']);
    const direct = JSON.parse((await runCli(['get', 'metrics', '--store', 'S006', '--from', '2026-10-25', '--to', '2026-10-25', '--json', '--no-cache'], env)).stdout);
    expect(late).toEqual(direct);
    expect(late[0].gross_cents).toBeGreaterThanOrEqual(99900);

    const quiet = await json(['run', '--incremental', '--json', '--end', END]);
    expect(quiet.stores.changed).toEqual([]);
    expect(quiet.stores.hot).toEqual([]);
    expect(quiet.stores.cold).toEqual([]);
  }, 90_000);

  it('an incremental run moves an order that changed its day: its old day and month stop counting it', async () => {
    await json(['run', '--json', '--end', END]);
    const db = new Database(dbPath);
    const moved = db.prepare("SELECT order_id FROM orders WHERE store_id = 'S007' AND status = 'completed' AND ordered_at >= '2026-10-05' AND ordered_at < '2026-10-06' ORDER BY order_id LIMIT 1").get() as { order_id: string };
    const now = new Date().toISOString().replace('Z', '+00:00');
    // From 5 October to 12 November (another business month), noon in the store's zone.
    db.prepare("UPDATE orders SET ordered_at = '2026-11-12T12:00:00+08:00', updated_at = ? WHERE order_id = ?").run(now, moved.order_id);
    db.close();

    const summary = await json(['run', '--incremental', '--json', '--end', END]);
    expect(summary.stores.changed).toEqual(['S007']);
    await expectCacheEqualsSource(['get', 'metrics', '--store', 'S007', '--from', '2026-10-05', '--to', '2026-10-05']);
    await expectCacheEqualsSource(['get', 'metrics', '--store', 'S007', '--from', '2026-09-22', '--to', END]);
    await expectCacheEqualsSource(['get', 'diagnosis', '--stores', 'S007,S008', '--from', '2026-10-01', '--to', '2026-10-31']);
    await expectCacheEqualsSource(['get', 'diagnosis', '--stores', 'all', ...LAST30]);
  }, 90_000);

  it('names the skipped rows in the run log: their order ids and reasons', async () => {
    const db = new Database(dbPath);
    const bad = db.prepare("SELECT order_id FROM orders WHERE store_id = 'S003' AND ordered_at >= '2026-11-01' ORDER BY order_id LIMIT 1").get() as { order_id: string };
    db.prepare("UPDATE orders SET status = 'teleported', updated_at = ? WHERE order_id = ?").run(new Date().toISOString().replace('Z', '+00:00'), bad.order_id);
    db.close();
    const r = await runCli(['run', '--json', '--end', END], { ...env, PREWARM_LOG_LEVEL: 'warn' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).skippedRows).toBeGreaterThan(0);
    const logged = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { skippedRows?: number; rows?: { orderId: string; reason: string }[]; msg: string })
      .filter((l) => l.skippedRows !== undefined);
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) {
      expect(line.rows).toContainEqual({ orderId: bad.order_id, reason: expect.stringContaining('teleported') });
      expect(line.msg).toContain(bad.order_id);
    }
  }, 90_000);
});
