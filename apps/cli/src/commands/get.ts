import { CachedComputer, SkippedRows, SourceComputer, type StoreSelection, assertStoreId, parseDateRange, parseDiagnosisPeriod, parseStoreSelection } from '@prewarm/compute';
import type { ReadResult } from '@prewarm/cache';
import type { DailyMetrics, DateRange, Diagnosis, DiagnosisThresholds } from '@prewarm/domain';
import { openSource } from '@prewarm/source';
import { isRedisFailure } from '@prewarm/redis';
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { count, money, percent, signedPercent } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { openCacheSession } from '../cache-session.js';
import { resolveDates, type DateOptions } from './dates.js';

export interface ReadOptions extends DateOptions {
  json?: boolean;
  /** `--no-cache`: compute from the source, neither reading nor writing Redis. */
  cache: boolean;
}

export interface MetricsOptions extends ReadOptions {
  store: string;
}

export interface DiagnosisOptions extends ReadOptions {
  stores: string;
}

export function registerGet(program: Command, ctx: CommandContext): void {
  const get = program.command('get').description('read dashboard payloads through the cache (computed and cached on a miss)');

  withReadOptions(
    get
      .command('metrics')
      .description('daily metrics of one store, one element per business date')
      .requiredOption('--store <id>', 'store id'),
  )
    .action(async (opts: MetricsOptions) => {
      const { store, range } = metricsRequest(opts);
      const result = await read(ctx, opts.cache, async (source, skipped) => ({ value: (await source.dailyMetrics([store], range, { onSkip: skipped.add })).get(store)! }), (cached, skipped) =>
        cached.dailyMetrics(store, range, { onSkip: skipped.add }),
      );
      report(ctx, opts, result);
      ctx.out(opts.json ? JSON.stringify(result.value) : metricsTable(result.value));
    });

  withReadOptions(
    get
      .command('diagnosis')
      .description('diagnosis of a store set over a period (contract §5)')
      .requiredOption('--stores <ids>', '"all" or a comma-separated list of store ids'),
  )
    .action(async (opts: DiagnosisOptions) => {
      const { selection, period } = diagnosisRequest(opts);
      const thresholds = ctx.config.thresholds as DiagnosisThresholds;
      const result = await read(ctx, opts.cache, async (source, skipped) => ({ value: await source.diagnosis(selection, period, thresholds, { onSkip: skipped.add }) }), (cached, skipped) =>
        cached.diagnosis(selection, period, { onSkip: skipped.add }),
      );
      report(ctx, opts, result);
      ctx.out(opts.json ? JSON.stringify(result.value) : diagnosisReport(result.value));
    });
}

/** The arguments of `get metrics`, validated (before anything is opened). */
export function metricsRequest(opts: MetricsOptions): { store: string; range: DateRange } {
  const store = assertStoreId(opts.store, 'store');
  return { store, range: parseDateRange(...resolveDates(opts)) };
}

/** The arguments of `get diagnosis`, validated (before anything is opened). */
export function diagnosisRequest(opts: DiagnosisOptions): { selection: StoreSelection; period: DateRange } {
  const selection = parseStoreSelection(opts.stores, 'stores');
  return { selection, period: parseDiagnosisPeriod(...resolveDates(opts)) };
}

/** The options every read shares: the range, the output format, the cache switch. */
function withReadOptions(command: Command): Command {
  return command
    .option('--from <date>', 'first business date, YYYY-MM-DD')
    .option('--to <date>', 'last business date, YYYY-MM-DD')
    .option('--last <days>', 'instead of --from/--to: the last N days, ending today')
    .option('--json', 'print the contract §5 JSON')
    .option('--no-cache', 'compute from the source without reading or writing the cache');
}

type Answer<T> = Pick<ReadResult<T>, 'value'> & Partial<ReadResult<T>>;

/** Runs one read through the cache (or straight from the source with --no-cache). */
async function read<T>(
  ctx: CommandContext,
  useCache: boolean,
  direct: (source: SourceComputer, skipped: SkippedRows) => Promise<Answer<T>>,
  cached: (reader: CachedComputer, skipped: SkippedRows) => Promise<Answer<T>>,
): Promise<Answer<T>> {
  const source = await openSource(ctx.config.source.url);
  const skipped = new SkippedRows();
  const computer = new SourceComputer(source);
  try {
    if (!useCache) return await direct(computer, skipped);
    let session;
    try {
      session = await openCacheSession(ctx.config, ctx.logger);
    } catch (err) {
      // The cache is an accelerator: with the source up, the answer is computed without it.
      if (!isRedisFailure(err)) throw err;
      ctx.warn(`warning: ${(err as Error).message.split('\n')[0]}; answered from the source without the cache`);
      return { ...(await direct(computer, skipped)), hit: false, tier: 'bypass' };
    }
    try {
      return await cached(new CachedComputer(computer, session.cache, ctx.config.thresholds as DiagnosisThresholds), skipped);
    } finally {
      await session.close();
    }
  } finally {
    await source.close();
    if (skipped.total > 0) {
      ctx.warn(`warning: ${skipped.summary()}`);
      for (const row of skipped.examples) ctx.logger.warn({ orderId: row.orderId, reason: row.reason }, 'skipped source row');
    }
  }
}

/** Where the answer came from, on stderr for humans (stdout stays the payload). */
function report(ctx: CommandContext, opts: ReadOptions, result: Answer<unknown>): void {
  if (opts.json || result.tier === undefined) return;
  if (result.tier === 'bypass') ctx.warn('cache: bypass (the cache Redis fails: computed from the source, not cached)');
  else ctx.warn(result.hit ? `cache: hit (${result.tier})` : 'cache: miss (computed from the source and cached)');
}

function metricsTable(rows: readonly DailyMetrics[]): string {
  return renderTable(rows, [
    { header: 'date', value: (r) => r.date },
    { header: 'orders', value: (r) => count(r.orders), right: true },
    { header: 'refunded', value: (r) => count(r.refunded), right: true },
    { header: 'cancelled', value: (r) => count(r.cancelled), right: true },
    { header: 'revenue', value: (r) => money(r.revenue_cents), right: true },
    { header: 'profit', value: (r) => money(r.profit_cents), right: true },
    { header: 'margin', value: (r) => percent(r.margin), right: true },
    { header: 'avg order', value: (r) => (r.avg_order_value_cents === null ? '-' : money(r.avg_order_value_cents)), right: true },
    { header: 'loss orders', value: (r) => percent(r.loss_order_rate), right: true },
    { header: 'discount', value: (r) => percent(r.discount_rate), right: true },
  ]);
}

function diagnosisReport(d: Diagnosis): string {
  const t = d.totals;
  const lines = [
    `period ${d.period.from} .. ${d.period.to} (${d.period.days} days), compared with ${d.previous.from} .. ${d.previous.to}`,
    `${d.stores.length} stores  revenue ${money(t.revenue_cents)} (${signedPercent(d.change.revenue)})  ` +
      `orders ${count(t.orders)} (${signedPercent(d.change.orders)})  profit ${money(t.profit_cents)} (${signedPercent(d.change.profit)})  ` +
      `margin ${percent(t.margin)}  refunds ${percent(t.refund_rate)}`,
    '',
    renderTable(d.stores, [
      { header: 'rank', value: (s) => String(s.rank), right: true },
      { header: 'store', value: (s) => s.store_id },
      { header: 'name', value: (s) => s.name },
      { header: 'revenue', value: (s) => money(s.totals.revenue_cents), right: true },
      { header: 'change', value: (s) => signedPercent(s.revenue_change), right: true },
      { header: 'orders', value: (s) => count(s.totals.orders), right: true },
      { header: 'margin', value: (s) => percent(s.totals.margin), right: true },
      { header: 'loss orders', value: (s) => percent(s.totals.loss_order_rate), right: true },
    ]),
    '',
  ];
  if (d.findings.length === 0) lines.push('no findings');
  else {
    lines.push(`${d.findings.length} findings`);
    lines.push(
      renderTable(d.findings, [
        { header: 'severity', value: (f) => f.severity },
        { header: 'store', value: (f) => f.store_id },
        { header: 'code', value: (f) => f.code },
        { header: 'value', value: (f) => String(f.value), right: true },
        { header: 'threshold', value: (f) => String(f.threshold), right: true },
      ]),
    );
  }
  return lines.join('\n');
}
