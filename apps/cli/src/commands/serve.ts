import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { runUntilSignal } from '../signals.js';

export function registerServe(program: Command, ctx: CommandContext): void {
  program
    .command('serve')
    .description('HTTP read API, /queues (bull-board), the overview page, /metrics, /healthz and /readyz')
    .action(() =>
      runUntilSignal(
        async () => {
          // Loaded on demand: the server's dependencies (fastify, bull-board, prom-client) cost every other command start-up time.
          const { startServer } = await import('@prewarm/server');
          const server = await startServer(ctx.config, ctx.logger);
          ctx.warn(`prewarm serving on ${server.url}`);
          return server;
        },
        (server) => server.close(),
      ),
    );
}
