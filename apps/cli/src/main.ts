/**
 * Composition root of the `prewarm` CLI: parses the configuration once, creates the logger,
 * registers the commands and turns every failure into one line on stderr and an exit code.
 */
import { type Config, loadConfig } from '@prewarm/config';
import { Command, CommanderError } from 'commander';
import { type Logger, pino } from 'pino';
import { registerGet } from './commands/get.js';
import { registerImport } from './commands/import.js';
import { registerSeed } from './commands/seed.js';
import { registerHotStores } from './commands/hot-stores.js';
import { registerRun } from './commands/run.js';
import { registerScheduler } from './commands/scheduler.js';
import { registerServe } from './commands/serve.js';
import { registerStats } from './commands/stats.js';
import { registerWorker } from './commands/worker.js';
import type { CommandContext } from './context.js';
import { EXIT, describeError } from './errors.js';

const VERSION = '0.1.0';

export async function main(argv: readonly string[]): Promise<number> {
  const err = (line: string): void => void process.stderr.write(`${line}\n`);
  // `prewarm … | head` closes stdout early: that is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT.ok);
    throw e;
  });
  const ctx = lazyContext(err);
  const program = createProgram(ctx, err);

  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const { line, exitCode, unexpected } = describeError(e);
    err(`prewarm: ${line}`);
    if (unexpected) ctx.loggerIfReady()?.debug({ err: e }, 'unexpected error');
    return exitCode;
  } finally {
    ctx.loggerIfReady()?.flush();
  }
}

/**
 * The `prewarm` program: its commands, their options and the parsers of those. Nothing is
 * opened while arguments are parsed; a command's action validates the rest of its arguments
 * before it first reads `ctx.config`. Parse errors go to `err` as one line.
 */
export function createProgram(ctx: CommandContext, err: (line: string) => void): Command {
  const program = new Command('prewarm')
    .description('keeps a hierarchical Redis cache warm for multi-store retail dashboards')
    .version(VERSION)
    .exitOverride()
    // -V/--version and -h/--help of the program only before the command: elsewhere an option
    // value such as `--stores -VA` (a valid store id) was taken for them.
    .enablePositionalOptions()
    .showSuggestionAfterError()
    // One line: commander puts its suggestion ("(Did you mean get?)") on a line of its own and
    // quotes a refused argument as it is, line breaks included.
    .configureOutput({ outputError: (text) => err(`prewarm: ${text.replace(/^error: /, '').trim().replace(/\s*[\r\n]+\s*/g, ' ')}`) });
  program.hook('preAction', () => void ctx.config); // validate the environment before any command
  registerSeed(program, ctx);
  registerImport(program, ctx);
  registerGet(program, ctx);
  registerStats(program, ctx);
  registerRun(program, ctx);
  registerWorker(program, ctx);
  registerScheduler(program, ctx);
  registerHotStores(program, ctx);
  registerServe(program, ctx);
  return program;
}

/**
 * The context of a command. The configuration is parsed once, when a command is about to run —
 * so `--help` still works under a broken environment — and an invalid setting stops it there.
 */
function lazyContext(warn: (line: string) => void): CommandContext & { loggerIfReady(): Logger | undefined } {
  let config: Config | undefined;
  let logger: Logger | undefined;
  return {
    get config() {
      return (config ??= loadConfig());
    },
    get logger() {
      return (logger ??= pino({ level: this.config.log.level, name: 'prewarm', redact: ['*.password', '*.token'] }, pino.destination(2)));
    },
    loggerIfReady: () => logger,
    out: (text) => void process.stdout.write(`${text}\n`),
    warn,
  };
}
