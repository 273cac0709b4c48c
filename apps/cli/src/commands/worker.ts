import { startWorker } from '@prewarm/worker';
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';

export function registerWorker(program: Command, ctx: CommandContext): void {
  program
    .command('worker')
    .description('run a worker process (warm-up jobs; stops cleanly on SIGTERM/SIGINT)')
    .action(async () => {
      const worker = await startWorker(ctx.config, ctx.logger);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          ctx.logger.info({ signal }, 'stopping: finishing running jobs');
          void worker.close().then(resolve);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
}
