import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheEnv, isOneLineError, runCli } from '../helpers/cli.js';
import { writeFixtureDb } from '../helpers/fixture.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';

let env: Record<string, string>;
let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
  env = { PREWARM_SOURCE_URL: `sqlite:${writeFixtureDb()}`, ...cacheEnv(redis.url) };
});
afterAll(() => redis?.stop());

describe('prewarm get metrics', () => {
  it('prints one element per business date, empty days included', async () => {
    const r = await runCli(['get', 'metrics', '--store', 'A1', '--from', '2026-10-31', '--to', '2026-11-03', '--json'], env);
    expect(r.code).toBe(0);
    const days = JSON.parse(r.stdout);
    expect(days.map((d: { date: string }) => d.date)).toEqual(['2026-10-31', '2026-11-01', '2026-11-02', '2026-11-03']);
    const nov1 = days[1];
    // a-1: revenue 10000-1000+100-1500-500 = 7100, profit 3100; a-2: 5000-3000-800 = 1200, profit -1800.
    expect(nov1).toMatchObject({
      store_id: 'A1',
      orders: 2,
      refunded: 1,
      cancelled: 1,
      gross_cents: 15000,
      revenue_cents: 8300,
      profit_cents: 1300,
      loss_orders: 1,
      loss_order_rate: 0.5,
      refund_rate: 0.3333,
      avg_order_value_cents: 4150,
      margin: 0.1566,
      by_channel: { eleme: { orders: 1, revenue_cents: 1200 }, meituan: { orders: 1, revenue_cents: 7100 } },
    });
    expect(nov1.by_hour[0]).toBe(1);
    expect(nov1.by_hour[23]).toBe(1);
    expect(days[2]).toMatchObject({ date: '2026-11-02', orders: 1, revenue_cents: 2000 });
    expect(days[3]).toMatchObject({ orders: 0, revenue_cents: 0, margin: null, avg_order_value_cents: null });
    expect(r.stderr).toContain('skipped 2 source rows');
    expect(r.stderr).toContain('bad-status');
  });

  it('puts a Los Angeles order on its local business date', async () => {
    const r = await runCli(['get', 'metrics', '--store', 'B2', '--from', '2026-11-01', '--to', '2026-11-02', '--json'], env);
    const days = JSON.parse(r.stdout);
    expect(days[0]).toMatchObject({ date: '2026-11-01', orders: 1 });
    expect(days[0].by_hour[21]).toBe(1);
    expect(days[1].orders).toBe(0);
  });

  it('prints a readable table without --json', async () => {
    const r = await runCli(['get', 'metrics', '--store', 'A1', '--from', '2026-11-01', '--to', '2026-11-01'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/date\s+orders\s+refunded/);
    expect(r.stdout).toContain('2026-11-01');
    expect(r.stdout).toContain('83.00');
  });
});

describe('prewarm get diagnosis', () => {
  it('prints the §5 diagnosis JSON', async () => {
    const r = await runCli(['get', 'diagnosis', '--stores', 'C3,A1,B2,A1', '--from', '2026-11-01', '--to', '2026-11-02', '--json'], env);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.period).toEqual({ from: '2026-11-01', to: '2026-11-02', days: 2 });
    expect(d.previous).toEqual({ from: '2026-10-30', to: '2026-10-31', days: 2 });
    expect(d.store_ids).toEqual(['A1', 'B2', 'C3']);
    expect(d.totals).toMatchObject({ orders: 4, revenue_cents: 8300 + 2000 + 3000 });
    expect(d.previous_totals).toMatchObject({ orders: 1, revenue_cents: 20000 });
    expect(d.change.revenue).toBe(-0.335);
    expect(d.stores.map((s: { store_id: string; rank: number }) => [s.store_id, s.rank])).toEqual([
      ['A1', 1],
      ['B2', 2],
      ['C3', 3],
    ]);
    // A1: revenue 10300 vs 20000 → -0.485 (critical drop); loss rate 1/3 (critical).
    expect(d.findings).toContainEqual({ store_id: 'A1', code: 'REVENUE_DROP', severity: 'critical', value: -0.485, threshold: -0.4 });
    expect(d.findings).toContainEqual({ store_id: 'A1', code: 'LOSS_ORDERS_HIGH', severity: 'critical', value: 0.3333, threshold: 0.2 });
  });

  it('gives the same answer for `all` as for the full list', async () => {
    const all = await runCli(['get', 'diagnosis', '--stores', 'all', '--from', '2026-11-01', '--to', '2026-11-02', '--json'], env);
    const list = await runCli(['get', 'diagnosis', '--stores', 'A1,B2,C3', '--from', '2026-11-01', '--to', '2026-11-02', '--json'], env);
    expect(all.code).toBe(0);
    expect(all.stdout).toBe(list.stdout);
  });

  it('uses thresholds from the environment', async () => {
    const r = await runCli(['get', 'diagnosis', '--stores', 'B2', '--from', '2026-11-01', '--to', '2026-11-02', '--json'], {
      ...env,
      PREWARM_RULE_MARGIN_LOW_WARNING: '0.9',
    });
    const d = JSON.parse(r.stdout);
    expect(d.findings).toContainEqual({ store_id: 'B2', code: 'MARGIN_LOW', severity: 'warning', value: 0.6667, threshold: 0.9 });
  });

  it('prints a readable report without --json', async () => {
    const r = await runCli(['get', 'diagnosis', '--stores', 'all', '--from', '2026-11-01', '--to', '2026-11-02'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('一号店');
    expect(r.stdout).toMatch(/critical\s+A1\s+LOSS_ORDERS_HIGH/);
  });
});

describe('prewarm errors', () => {
  it.each([
    [['get', 'metrics', '--store', 'A 1', '--from', '2026-11-01', '--to', '2026-11-02'], 2, /store: "A 1" is not a store id/],
    [['get', 'metrics', '--store', 'A1', '--from', '2026-11-31', '--to', '2026-12-02'], 2, /from: "2026-11-31" is not a date/],
    [['get', 'metrics', '--store', 'A1', '--from', '2026-11-05', '--to', '2026-11-02'], 2, /from \(2026-11-05\) is after to \(2026-11-02\)/],
    [['get', 'metrics', '--store', 'ZZ', '--from', '2026-11-01', '--to', '2026-11-02'], 3, /unknown store: ZZ/],
    [['get', 'diagnosis', '--stores', 'A1,ZZ,YY', '--from', '2026-11-01', '--to', '2026-11-02'], 3, /unknown stores: YY, ZZ/],
    [['get', 'diagnosis', '--stores', 'A1,,B2', '--from', '2026-11-01', '--to', '2026-11-02'], 2, /stores must be "all" or a comma-separated list/],
    [['get', 'metrics', '--from', '2026-11-01', '--to', '2026-11-02'], 2, /required option '--store <id>'/],
    [['get', 'metrics', '--store', 'A1', '--to', '2026-11-02'], 2, /missing --from/],
    [['frobnicate'], 2, /unknown command 'frobnicate'/],
    [['get', 'diagnosis', '--stores', 'all,A1', '--from', '2026-11-01', '--to', '2026-11-02'], 2, /"all" cannot be combined/],
    [['get', 'metrics', '--store', 'A1', '--last', '100000'], 2, /--last must be a number of days from 1 to 3660/],
  ])('%j exits %i with one line', async (args, code, message) => {
    const r = await runCli(args, env);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(r.stdout).toBe('');
  });

  it('reports a missing SQLite file in one line', async () => {
    const r = await runCli(['get', 'metrics', '--store', 'A1', '--from', '2026-11-01', '--to', '2026-11-02'], {
      ...env,
      PREWARM_SOURCE_URL: 'sqlite:/nonexistent/orders.db',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/nonexistent/orders.db');
    expect(isOneLineError(r.stderr)).toBe(true);
  });

  it('reports an unreachable PostgreSQL in one line', async () => {
    const r = await runCli(['get', 'metrics', '--store', 'A1', '--from', '2026-11-01', '--to', '2026-11-02'], {
      ...env,
      PREWARM_SOURCE_URL: 'postgres://postgres@127.0.0.1:1/test',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('127.0.0.1:1');
    expect(isOneLineError(r.stderr)).toBe(true);
  });

  it.each([
    ['PREWARM_SOURCE_URL', 'mysql://x'],
    ['PREWARM_HTTP_PORT', 'http'],
  ])('stops on an invalid %s naming it', async (name, value) => {
    const r = await runCli(['get', 'metrics', '--store', 'A1', '--from', '2026-11-01', '--to', '2026-11-02'], { [name]: value });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`invalid ${name}`);
    expect(isOneLineError(r.stderr)).toBe(true);
  });

  it('prints help even when the environment is invalid', async () => {
    const r = await runCli(['--help'], { PREWARM_SOURCE_URL: 'mysql://x' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('seed');
  });

  it('exits quietly when the reader closes the pipe early', async () => {
    const { spawn } = await import('node:child_process');
    const { REPO_ROOT } = await import('../helpers/cli.js');
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['apps/cli/bin/prewarm.js', 'get', 'metrics', '--store', 'A1', '--from', '2017-01-01', '--to', '2026-11-02', '--json'], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env, PREWARM_LOG_LEVEL: 'silent' },
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.once('data', () => child.stdout.destroy()); // read one chunk, then hang up
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).not.toContain('EPIPE');
    expect(result.code).toBe(0);
  });

  it('prints help with every command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['seed', 'import', 'get']) expect(r.stdout).toContain(cmd);
  });
});
