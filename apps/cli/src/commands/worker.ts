import { startWorker } from '@prewarm/worker';
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { runUntilSignal } from '../signals.js';

export function registerWorker(program: Command, ctx: CommandContext): void {
  program
    .command('worker')
    .description('run a worker process (warm-up jobs; stops cleanly on SIGTERM/SIGINT)')
    .action(() =>
      runUntilSignal(
        () => startWorker(ctx.config, ctx.logger),
        async (worker, signal) => {
          ctx.logger.info({ signal }, 'stopping: finishing running jobs');
          await worker.close();
        },
        // The grace for running jobs, then time to close the connections.
        { withinMs: ctx.config.queue.shutdownGraceMs + 10_000 },
      ),
    );
}
