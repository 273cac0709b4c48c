import { localToday } from '@prewarm/domain';
import { SAMPLE_DEFAULTS, generateSample, openWriter } from '@prewarm/source';
import type { Command } from 'commander';
import { forgetInCache } from '../cache-session.js';
import type { CommandContext } from '../context.js';
import { count } from '../output/format.js';
import { Progress } from '../output/progress.js';
import { businessDate, wholeNumber } from './parsers.js';

interface SeedOptions {
  stores: number;
  days: number;
  orders: number;
  seed: string;
  end?: string;
}

export function registerSeed(program: Command, ctx: CommandContext): void {
  program
    .command('seed')
    .description('replace the source data with a deterministic sample (skewed stores, channels, refunds, loss orders)')
    .option('--stores <n>', 'number of stores', wholeNumber('--stores', 1, 9999), SAMPLE_DEFAULTS.stores)
    .option('--days <d>', 'number of business days', wholeNumber('--days', 1, 3660), SAMPLE_DEFAULTS.days)
    .option('--orders <m>', 'number of orders', wholeNumber('--orders', 0, 100_000_000), SAMPLE_DEFAULTS.orders)
    .option('--seed <s>', 'random seed: the same seed and end date give the same data', String(SAMPLE_DEFAULTS.seed))
    .option('--end <date>', 'last business date, YYYY-MM-DD (default: today)', businessDate('--end'))
    .action(async (opts: SeedOptions) => {
      const started = performance.now();
      const dataset = generateSample({ stores: opts.stores, days: opts.days, orders: opts.orders, seed: opts.seed, end: opts.end ?? localToday() });
      const writer = await openWriter(ctx.config.source.url);
      const progress = new Progress('seed', opts.orders);
      try {
        const replaced = await writer.reset();
        await writer.writeStores(dataset.stores);
        const written = await writer.writeOrders(progress.track(dataset.orderBatches()));
        progress.done();
        await forgetInCache(ctx.config, ctx.logger, ctx.warn, 'all');
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        const note = replaced > 0 ? ` (replaced ${count(replaced)} orders)` : '';
        ctx.out(
          `seeded ${count(dataset.stores.length)} stores and ${count(written)} orders, ${dataset.from} .. ${dataset.to}, into ${ctx.config.source.kind} in ${seconds} s${note}`,
        );
      } finally {
        progress.done();
        await writer.close();
      }
    });
}
