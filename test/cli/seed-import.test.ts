import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheEnv, isOneLineError, runCli } from '../helpers/cli.js';
import { type TestSchema, createTestSchema } from '../helpers/postgres.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';

const SEED = ['seed', '--stores', '6', '--days', '20', '--orders', '3000', '--seed', '7', '--end', '2026-11-20'];
const DIAGNOSIS = ['get', 'diagnosis', '--stores', 'all', '--from', '2026-11-11', '--to', '2026-11-20', '--json'];

const tmp = (): string => mkdtempSync(join(tmpdir(), 'prewarm-cli-'));
let redis: TestRedis;
const sqlite = (): Record<string, string> => ({ PREWARM_SOURCE_URL: `sqlite:${join(tmp(), 'orders.db')}`, ...cacheEnv(redis.url) });
const postgres = (url: string): Record<string, string> => ({ PREWARM_SOURCE_URL: url, ...cacheEnv(redis.url) });

let pgSchema: TestSchema;
beforeAll(async () => {
  redis = await startTestRedis();
  pgSchema = await createTestSchema();
});
afterAll(async () => {
  await pgSchema?.drop();
  await redis?.stop();
});

describe('prewarm seed', () => {
  it('writes a deterministic sample that get reads back', async () => {
    const env = sqlite();
    const seeded = await runCli(SEED, env);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/^seeded 6 stores and 3,000 orders, 2026-11-01 \.\. 2026-11-20, into sqlite in [\d.]+ s\n$/);
    const first = await runCli(DIAGNOSIS, env);
    expect(first.code).toBe(0);
    const d = JSON.parse(first.stdout);
    expect(d.store_ids).toHaveLength(6);
    expect(d.totals.orders + d.totals.refunded + d.totals.cancelled + d.previous_totals.orders + d.previous_totals.refunded + d.previous_totals.cancelled).toBe(3000);

    const again = await runCli(SEED, env);
    expect(again.stdout).toContain('(replaced 3,000 orders)');
    expect((await runCli(DIAGNOSIS, env)).stdout).toBe(first.stdout);
  });

  it('gives byte-identical answers on SQLite and PostgreSQL', async () => {
    const lite = sqlite();
    const pgEnv = postgres(pgSchema.url);
    expect((await runCli(SEED, lite)).code).toBe(0);
    const seeded = await runCli(SEED, pgEnv);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toContain('into postgres');
    const fromSqlite = await runCli(DIAGNOSIS, lite);
    const fromPostgres = await runCli(DIAGNOSIS, pgEnv);
    expect(fromPostgres.code).toBe(0);
    expect(fromPostgres.stdout).toBe(fromSqlite.stdout);
    const metrics = ['get', 'metrics', '--store', 'S001', '--from', '2026-11-01', '--to', '2026-11-20', '--json'];
    expect((await runCli(metrics, pgEnv)).stdout).toBe((await runCli(metrics, lite)).stdout);
  });

  it.each([
    [['seed', '--stores', 'many'], /--stores must be a whole number from 1 to 9999/],
    [['seed', '--orders', '-5'], /--orders must be a whole number/],
    [['seed', '--end', '2026-13-01'], /2026-13-01/],
  ])('rejects %j in one line', async (args, message) => {
    const r = await runCli(args, sqlite());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(isOneLineError(r.stderr)).toBe(true);
  });
});

const STORES_CSV = ['store_id,name,city,timezone', 'K1,Kiosk One,Shanghai,Asia/Shanghai', 'K2,Kiosk Two,,America/Los_Angeles', 'bad id,Broken,,Asia/Shanghai'].join('\n');
const HEADER = 'order_id,store_id,channel,status,ordered_at,items,gross_cents,discount_cents,packaging_cents,delivery_cents,commission_cents,cost_cents,updated_at';
const row = (id: string, store: string, status: string, at: string, gross: number): string =>
  `${id},${store},meituan,${status},${at},1,${gross},0,0,0,0,100,${at}`;
const ORDERS_CSV = [
  HEADER,
  row('o1', 'K1', 'completed', '2026-11-01T12:00:00+08:00', 1000), // line 2
  row('o2', 'K1', 'lost', '2026-11-01T12:00:00+08:00', 1000), // line 3: unknown status
  row('o3', 'K9', 'completed', '2026-11-01T12:00:00+08:00', 1000), // line 4: unknown store
  row('o4', 'K2', 'completed', '2026-11-01T12:00:00-08:00', 2500), // line 5
  row('o5', 'K1', 'completed', 'yesterday', 1000), // line 6: unparsable time
  row('o1', 'K1', 'completed', '2026-11-01T13:00:00+08:00', 1500), // line 7: replaces line 2
].join('\n');

describe('prewarm import', () => {
  function files(orders = ORDERS_CSV): { orders: string; stores: string } {
    const dir = tmp();
    writeFileSync(join(dir, 'orders.csv'), orders);
    writeFileSync(join(dir, 'stores.csv'), STORES_CSV);
    return { orders: join(dir, 'orders.csv'), stores: join(dir, 'stores.csv') };
  }

  for (const kind of ['sqlite', 'postgres'] as const) {
    it(`reports bad rows with their line and imports the rest (${kind})`, async () => {
      const env = kind === 'sqlite' ? sqlite() : postgres((await createTestSchema()).url);
      const f = files();
      const r = await runCli(['import', f.orders, '--stores', f.stores], env);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/stores line 4: bad id:/);
      expect(r.stderr).toMatch(/orders line 3: o2: unknown status "lost"/);
      expect(r.stderr).toMatch(/orders line 4: o3: unknown store_id "K9"/);
      expect(r.stderr).toMatch(/orders line 6: o5: unparsable ordered_at/);
      expect(r.stdout).toMatch(/imported 2 stores and \d orders; skipped 1 bad store rows and 3 bad order rows/);
      const m = await runCli(['get', 'metrics', '--store', 'K1', '--from', '2026-11-01', '--to', '2026-11-01', '--json'], env);
      expect(JSON.parse(m.stdout)[0]).toMatchObject({ orders: 1, gross_cents: 1500 });
      const k2 = await runCli(['get', 'metrics', '--store', 'K2', '--from', '2026-11-01', '--to', '2026-11-01', '--json'], env);
      expect(JSON.parse(k2.stdout)[0]).toMatchObject({ orders: 1, gross_cents: 2500 });
    });
  }

  it('--strict writes nothing when any row is bad', async () => {
    const env = sqlite();
    const f = files();
    const r = await runCli(['import', f.orders, '--stores', f.stores, '--strict'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/orders line 3: o2/);
    expect(r.stderr).toMatch(/nothing was written/);
    const m = await runCli(['get', 'metrics', '--store', 'K1', '--from', '2026-11-01', '--to', '2026-11-01', '--json'], env);
    expect(m.code).toBe(3); // K1 was not written either
  });

  it('--strict imports a clean file', async () => {
    const env = sqlite();
    const clean = [HEADER, row('o1', 'K1', 'completed', '2026-11-01T12:00:00+08:00', 1000)].join('\n');
    const f = files(clean);
    const r = await runCli(['import', f.orders, '--stores', f.stores.replace('stores.csv', 'stores.csv'), '--strict'], env);
    // The stores file has a bad row, so strict rejects it too.
    expect(r.code).toBe(2);
    writeFileSync(f.stores, STORES_CSV.split('\n').slice(0, 3).join('\n'));
    const ok = await runCli(['import', f.orders, '--stores', f.stores, '--strict'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('imported 2 stores and 1 orders');
  });

  it.each([
    ['a missing file', (dir: string) => join(dir, 'nope.csv'), /nope\.csv/],
    ['a missing column', (dir: string) => (writeFileSync(join(dir, 'o.csv'), 'order_id,store_id\nx,K1\n'), join(dir, 'o.csv')), /channel/],
  ])('rejects %s in one line', async (_name, make, message) => {
    const r = await runCli(['import', make(tmp())], sqlite());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(isOneLineError(r.stderr)).toBe(true);
  });
});
