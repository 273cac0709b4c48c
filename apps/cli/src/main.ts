/**
 * Composition root of the `prewarm` CLI: parses the configuration once, creates the logger,
 * registers the commands and turns every failure into one line on stderr and an exit code.
 */
import { type Config, loadConfig } from '@prewarm/config';
import { Command, CommanderError } from 'commander';
import { pino } from 'pino';
import { registerGet } from './commands/get.js';
import { registerImport } from './commands/import.js';
import { registerSeed } from './commands/seed.js';
import type { CommandContext } from './context.js';
import { EXIT, describeError } from './errors.js';

export async function main(argv: readonly string[]): Promise<number> {
  const err = (line: string): void => void process.stderr.write(`${line}\n`);
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    err(`prewarm: ${describeError(e).line}`);
    return EXIT.usage;
  }
  const logger = pino({ level: config.log.level, name: 'prewarm', redact: ['*.password', '*.token', 'config.redis'] }, pino.destination(2));
  const ctx: CommandContext = {
    config,
    logger,
    out: (text) => void process.stdout.write(`${text}\n`),
    warn: err,
  };

  const program = new Command('prewarm')
    .description('keeps a hierarchical Redis cache warm for multi-store retail dashboards')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ outputError: (text) => err(`prewarm: ${text.replace(/^error: /, '').trim()}`) });
  registerSeed(program, ctx);
  registerImport(program, ctx);
  registerGet(program, ctx);

  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const { line, exitCode, unexpected } = describeError(e);
    err(`prewarm: ${line}`);
    if (unexpected) logger.debug({ err: e }, 'unexpected error');
    return exitCode;
  } finally {
    logger.flush();
  }
}
