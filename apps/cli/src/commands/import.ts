import { type SkippedRow } from '@prewarm/domain';
import { importCsv, openSource, openWriter } from '@prewarm/source';
import type { Command } from 'commander';
import { forgetInCache } from '../cache-session.js';
import type { CommandContext } from '../context.js';
import { count } from '../output/format.js';

interface ImportOptions {
  stores?: string;
  strict?: boolean;
}

/** How many bad rows are printed one per line before the rest are only counted. */
const SHOWN_BAD_ROWS = 50;

export function registerImport(program: Command, ctx: CommandContext): void {
  program
    .command('import')
    .description('upsert orders (and stores) from CSV files with the contract §4 column names')
    .argument('<orders.csv>', 'orders CSV')
    .option('--stores <stores.csv>', 'stores CSV, written before the orders')
    .option('--strict', 'write nothing if any row is bad')
    .action(async (ordersPath: string, opts: ImportOptions) => {
      const writer = await openWriter(ctx.config.source.url);
      let shown = 0;
      const report = (file: 'orders' | 'stores', line: number | undefined, id: string, reason: string): void => {
        if (shown++ < SHOWN_BAD_ROWS) ctx.warn(`${file} line ${line ?? '?'}: ${id || '(no id)'}: ${reason}`);
      };
      try {
        await writer.ensureSchema();
        const existing = await openSource(ctx.config.source.url);
        const existingStores = (await existing.listStores()).map((s) => s.store_id);
        await existing.close();
        const result = await importCsv(writer, {
          orders: ordersPath,
          ...(opts.stores ? { stores: opts.stores } : {}),
          existingStores,
          strict: opts.strict === true,
          onSkip: (row: SkippedRow) => report('orders', row.line, row.orderId, row.reason),
          onSkipStore: (row) => report('stores', row.line, row.storeId, row.reason),
        });
        if (result.touchedStores.length > 0) await forgetInCache(ctx.config, ctx.logger, ctx.warn, result.touchedStores);
        if (shown > SHOWN_BAD_ROWS) ctx.warn(`… and ${count(shown - SHOWN_BAD_ROWS)} more bad rows`);
        const skipped = result.skippedOrders + result.skippedStores;
        ctx.out(
          `imported ${count(result.stores)} stores and ${count(result.orders)} orders` +
            (skipped > 0 ? `; skipped ${count(result.skippedStores)} bad store rows and ${count(result.skippedOrders)} bad order rows` : ''),
        );
      } finally {
        await writer.close();
      }
    });
}
