/**
 * The cache overview page (`/`) in a real browser: Debian's chromium driven by playwright-core,
 * against a real Redis, a seeded SQLite source, a real warm-up run and an in-process server.
 * Not skipped when chromium is missing: it fails and says how to install it.
 */
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@prewarm/config';
import { type RunningServer, startServer } from '@prewarm/server';
import { pino } from 'pino';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, cacheEnv, runCli } from '../helpers/cli.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const END = '2026-11-20';
const FROM = '2026-10-22';
const TOKEN = 'page-test-token-0123456789';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const SCREENSHOT = join(ARTIFACTS, 'overview.png');
const TIMEOUT = 120_000;
const logger = pino({ level: 'silent' });

let redis: TestRedis | undefined;
let env: Record<string, string>;
let browser: Browser | undefined;
const servers: RunningServer[] = [];

async function cli(args: string[]): Promise<string> {
  const r = await runCli(args, env);
  if (r.code !== 0) throw new Error(`prewarm ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

async function serve(extra: Record<string, string> = {}): Promise<RunningServer> {
  const server = await startServer(parseConfig({ ...env, ...extra, PREWARM_LOG_LEVEL: 'silent' }), logger, { port: 0, host: '127.0.0.1' });
  servers.push(server);
  return server;
}

/** Collects uncaught page errors and failed console messages, so a broken script fails the test. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`http ${r.status()}: ${r.url()}`);
  });
  return errors;
}

/** A table as text: one array of cell texts per row (header row included). */
const table = (page: Page, id: string): Promise<string[][]> =>
  page.$$eval(`#${id} tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll('th,td')].map((c) => (c.textContent ?? '').trim())));

/** The browser, or a clear failure of the calling test (never a skip) when chromium is missing. */
function requireBrowser(): Browser {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`chromium not found at ${CHROMIUM}: install it (apt-get update && apt-get install -y chromium) or set CHROMIUM_PATH; this browser test does not skip`);
  }
  if (!browser) throw new Error(`chromium at ${CHROMIUM} was not launched (see the beforeAll error)`);
  return browser;
}

beforeAll(async () => {
  redis = await startTestRedis();
  const dir = mkdtempSync(join(tmpdir(), 'prewarm-page-'));
  env = { PREWARM_SOURCE_URL: `sqlite:${join(dir, 'orders.db')}`, ...cacheEnv(redis.url), PREWARM_QUEUE_PREFIX: '{pagetest}' };
  await cli(['seed', '--stores', '8', '--days', '70', '--orders', '5000', '--seed', '3', '--end', END]);
  const run = JSON.parse(await cli(['run', '--json', '--end', END])) as { status?: string };
  expect(run.status ?? 'completed').toBe('completed');
  // Read twice (both L3 hits after the warm-up): hit rates and access-log entries exist.
  const diagnosis = ['get', 'diagnosis', '--stores', 'all', '--from', FROM, '--to', END, '--json'];
  await cli(diagnosis);
  await cli(diagnosis);
  if (!existsSync(CHROMIUM)) return; // each test fails with requireBrowser()'s message
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  for (const server of servers) await server.close();
  await redis?.stop();
}, TIMEOUT);

describe('overview page in chromium', () => {
  it(
    'shows memory, keys, runs, hot stores, queues and charts from the live API',
    async () => {
      const context = await requireBrowser().newContext({ viewport: { width: 1280, height: 900 } });
      try {
        const server = await serve();
        const page = await context.newPage();
        const errors = watchErrors(page);
        const response = await page.goto(`${server.url}/`);
        expect(response?.status()).toBe(200);
        await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });

        expect(await page.textContent('#memory')).toContain('MB');
        expect(await page.textContent('#hitRate')).toMatch(/% overall$/);
        expect(await page.textContent('#updated')).toMatch(/^updated /);

        const keys = await table(page, 'keys');
        expect(keys[0]).toEqual(['level', 'keys', 'hits', 'misses']);
        const l2 = keys.find((r) => r[0] === 'L2');
        expect(l2, `keys table: ${JSON.stringify(keys)}`).toBeDefined();
        const l2Keys = Number(l2![1]!.replace(/,/g, ''));
        expect(l2Keys).toBeGreaterThan(0);
        expect(await page.textContent('#l4')).toMatch(/^L4: /);

        const runs = await table(page, 'runs');
        expect(runs[0]).toEqual(['run', 'status', 's', 'L2 entries']);
        expect(runs.slice(1).some((r) => r[1] === 'completed'), `runs table: ${JSON.stringify(runs)}`).toBe(true);

        const hot = await table(page, 'hot');
        expect(hot[0]).toEqual(['store', 'score', 'hot']);
        expect(hot.length, `hot-stores table: ${JSON.stringify(hot)}`).toBeGreaterThan(1);
        for (const row of hot.slice(1)) expect(row[0]).toMatch(/^S\d+$/);

        const queues = await table(page, 'queues');
        expect(queues.slice(1).map((r) => r[0])).toEqual(expect.arrayContaining(['runs', 'warm']));
        for (const row of queues.slice(1)) for (const cell of row.slice(1)) expect(cell).toMatch(/^\d+$/); // no "undefined"

        for (const id of ['memoryChart', 'hitChart', 'runsChart']) {
          const box = await page.locator(`#${id}`).boundingBox();
          expect(box, id).not.toBeNull();
          expect(box!.width, id).toBeGreaterThan(0);
          expect(box!.height, id).toBeGreaterThan(0);
          // Chart.js drew into it: the chart exists and holds at least one point/bar.
          const labels = await page.$eval(`#${id}`, (canvas) => {
            const { Chart } = globalThis as unknown as { Chart: { getChart(el: unknown): { data: { labels: unknown[] } } | undefined } };
            return Chart.getChart(canvas)?.data.labels.length ?? -1;
          });
          expect(labels, id).toBeGreaterThan(0);
        }

        // Layout: at 1280 px no card's content is wider than the card (nothing clipped or scrolled).
        const overflowing = await page.$$eval('.card', (cards) =>
          cards.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => `${c.querySelector('h2')?.textContent}: ${c.scrollWidth} > ${c.clientWidth}`),
        );
        expect(overflowing).toEqual([]);

        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
        expect(existsSync(SCREENSHOT)).toBe(true);
        expect(statSync(SCREENSHOT).size).toBeGreaterThan(10 * 1024);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );

  it(
    'with PREWARM_API_TOKEN: / answers 401 without the header, loads with the bearer header and #token',
    async () => {
      const anonymous = await requireBrowser().newContext();
      const server = await serve({ PREWARM_API_TOKEN: TOKEN });
      try {
        const page = await anonymous.newPage();
        const response = await page.goto(`${server.url}/`);
        expect(response?.status()).toBe(401);
        expect(response?.headers()['www-authenticate']).toBe('Bearer');
        expect(await page.locator('body[data-loaded]').count()).toBe(0);
      } finally {
        await anonymous.close();
      }

      const context = await requireBrowser().newContext();
      try {
        const page = await context.newPage();
        const errors = watchErrors(page);
        await page.setExtraHTTPHeaders({ authorization: `Bearer ${TOKEN}` });
        const response = await page.goto(`${server.url}/#token=${TOKEN}`);
        expect(response?.status()).toBe(200);
        await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
        expect(await page.textContent('#memory')).toContain('MB');
        expect(await page.textContent('#updated')).not.toContain('refresh failed');
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );
});
