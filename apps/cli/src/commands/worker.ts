import { startWorker } from '@prewarm/worker';
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { stopSignal } from '../signals.js';

export function registerWorker(program: Command, ctx: CommandContext): void {
  program
    .command('worker')
    .description('run a worker process (warm-up jobs; stops cleanly on SIGTERM/SIGINT)')
    .action(async () => {
      const stop = stopSignal();
      const worker = await startWorker(ctx.config, ctx.logger);
      ctx.logger.info({ signal: await stop }, 'stopping: finishing running jobs');
      await worker.close();
    });
}
