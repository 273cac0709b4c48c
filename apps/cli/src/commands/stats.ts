import type { CacheStats } from '@prewarm/cache';
import type { Command } from 'commander';
import { openCacheSession } from '../cache-session.js';
import type { CommandContext } from '../context.js';
import { count } from '../output/format.js';
import { renderTable } from '../output/table.js';

export function registerStats(program: Command, ctx: CommandContext): void {
  program
    .command('stats')
    .description('cache statistics: memory, hit rate, keys per level, L4, compression (contract §6)')
    .option('--json', 'print the statistics as JSON')
    .action(async (opts: { json?: boolean }) => {
      const session = await openCacheSession(ctx.config, ctx.logger);
      try {
        const stats = await session.cache.stats();
        ctx.out(opts.json ? JSON.stringify(stats) : statsReport(stats));
      } finally {
        await session.close();
      }
    });
}

const pct = (n: number | null): string => (n === null ? '-' : `${n.toFixed(2)}%`);

function statsReport(s: CacheStats): string {
  const budget = s.max_memory_mb === null ? 'no maxmemory set' : `of ${s.max_memory_mb} MB (${pct(s.memory_usage_pct)})`;
  return [
    `memory    ${s.used_memory_mb} MB used ${budget}`,
    `hit rate  ${pct(s.hit_rate)}`,
    `L4        ${count(s.l4.entries)} entries, ${count(s.l4.bytes)} bytes in ${s.l4.processes} process(es), ${count(s.l4.hits)} hits`,
    `bytes     ${count(s.bytes.raw)} serialized → ${count(s.bytes.stored)} stored (${pct(s.bytes.stored_pct)})`,
    `access    ${count(s.access_log.length)} entries in the stream`,
    '',
    renderTable(
      (['l1', 'l2', 'l3'] as const).map((level) => ({ level, ...s.levels[level] })),
      [
        { header: 'level', value: (r) => r.level },
        { header: 'keys', value: (r) => count(r.keys), right: true },
        { header: 'hits', value: (r) => count(r.hits), right: true },
        { header: 'misses', value: (r) => count(r.misses), right: true },
        { header: 'hit rate', value: (r) => pct(r.hit_rate), right: true },
        { header: 'corrupt', value: (r) => count(r.corrupt), right: true },
        { header: 'writes', value: (r) => count(r.writes), right: true },
        { header: 'stored/raw', value: (r) => (r.raw_bytes > 0 ? pct((100 * r.stored_bytes) / r.raw_bytes) : '-'), right: true },
      ],
    ),
  ].join('\n');
}
