import { HotStoreAnalyzer } from '@prewarm/analyzer';
import { Keyspace, openRedisRole } from '@prewarm/redis';
import { SourceComputer } from '@prewarm/compute';
import { openSource } from '@prewarm/source';
import type { Command } from 'commander';
import { hostname } from 'node:os';
import type { CommandContext } from '../context.js';
import { renderTable } from '../output/table.js';
import { wholeNumber } from './parsers.js';

export function registerHotStores(program: Command, ctx: CommandContext): void {
  program
    .command('hot-stores')
    .description('the hot-store ranking: time-decayed demand per store and per store set, from the access stream')
    .option('--json', 'print the ranking as JSON')
    .option('--limit <n>', 'store sets to show', wholeNumber('--limit', 1, 10_000), 20)
    .action(async (opts: { json?: boolean; limit: number }) => {
      const config = ctx.config;
      const state = await openRedisRole(config.redis, 'queue/state');
      const source = await openSource(config.source.url).catch((err) => {
        state.disconnect();
        throw err;
      });
      try {
        const analyzer = new HotStoreAnalyzer({ state, keyspace: new Keyspace(config.cache.prefix), consumer: `cli-${hostname()}-${process.pid}` });
        await analyzer.analyze(); // count what the stream holds now (idempotent)
        const stores = [...(await new SourceComputer(source).stores()).keys()];
        const ranking = await analyzer.ranking({ stores, ratio: config.runs.hotRatio, limit: opts.limit });
        if (opts.json) return ctx.out(JSON.stringify(ranking));
        ctx.out(
          [
            ranking.fallback ? 'no access history yet: hot = the first stores by id (the seed rule)' : `${ranking.hot.length} hot stores of ${stores.length}`,
            '',
            renderTable(ranking.stores.slice(0, 50), [
              { header: 'store', value: (s) => s.store_id },
              { header: 'score', value: (s) => s.score.toFixed(2), right: true },
              { header: 'hot', value: (s) => (ranking.hot.includes(s.store_id) ? 'yes' : '') },
            ]),
            '',
            renderTable(ranking.sets, [
              { header: 'store set', value: (s) => s.stores },
              { header: 'from', value: (s) => s.from },
              { header: 'to', value: (s) => s.to },
              { header: 'score', value: (s) => s.score.toFixed(2), right: true },
            ]),
          ].join('\n'),
        );
      } finally {
        await source.close();
        state.disconnect();
      }
    });
}
