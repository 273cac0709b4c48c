/**
 * End to end, the property of apps/cli/src/args.property.test.ts: the built `prewarm` binary,
 * given generated bad arguments, exits 2 with exactly one line on stderr that names the bad
 * input, and nothing on stdout. Every case is refused before anything is opened; the settings
 * point at a source file that does not exist and at a closed Redis port all the same, so a case
 * wrongly accepted fails without touching anything.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CliResult, REPO_ROOT, isOneLineError } from '../helpers/cli.js';

const env = {
  PREWARM_SOURCE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'prewarm-args-')), 'orders.db')}`,
  PREWARM_QUEUE_REDIS_URL: 'redis://127.0.0.1:1',
  PREWARM_CACHE_PREFIX: `args${process.pid}`,
};

/** Text a user might type: printable, no line breaks or NUL (argv cannot carry a NUL). */
const text = (maxLength: number) => fc.string({ unit: fc.constantFrom(...'ab-_ 0123456789,:/.é漢"\'=\t'.split('')), maxLength });

interface Case {
  args: readonly string[];
  /** The line must contain one of these (the bad argument, quoted, or the option it was given to). */
  names: readonly string[];
}

const q = (s: string) => JSON.stringify(s);
const COMMANDS = new Set(['seed', 'import', 'get', 'stats', 'run', 'worker', 'scheduler', 'hot-stores', 'serve', 'help']);

const badCase: fc.Arbitrary<Case> = fc.oneof(
  // An unknown command (near misses get a suggestion from commander: still one line).
  fc
    .oneof(fc.constantFrom('gett', 'sed', 'stat', 'runn', 'hotstores', 'serv'), fc.stringMatching(/^[a-z][a-z-]{0,9}$/))
    .filter((c) => !COMMANDS.has(c))
    .map((c) => ({ args: [c, '--json'], names: [`'${c}'`] })),
  // An unknown option of a command.
  fc
    .tuple(
      fc.constantFrom(['stats'], ['run'], ['get', 'metrics', '--store', 'S1', '--last', '3'], ['seed', '--days', '5']),
      fc.oneof(fc.constantFrom('--jsn', '--fro', '--las', '--polcy', '--incremntal', '--day', '--version'), fc.stringMatching(/^--[a-z][a-z-]{0,8}$/)),
    )
    .filter(([, flag]) => !['--json', '--store', '--stores', '--from', '--to', '--last', '--no-cache', '--days', '--orders', '--seed', '--end', '--policy', '--incremental', '--help', '--limit'].includes(flag))
    .map(([command, flag]) => ({ args: [...command, flag], names: [`'${flag}'`] })),
  // A bad date.
  fc
    .tuple(fc.constantFrom('metrics', 'diagnosis'), fc.constantFrom('--from', '--to'), fc.oneof(fc.constantFrom('2026-02-29', '2026-13-01', '0099-12-31', '2026-1-1', 'yesterday'), text(10)))
    .filter(([, , date]) => !/^\d{4}-\d{2}-\d{2}$/.test(date) || date.startsWith('0099') || date.startsWith('2026-02') || date.startsWith('2026-13'))
    .map(([sub, flag, date]) => ({
      args: ['get', sub, sub === 'metrics' ? '--store' : '--stores', 'S1', ...(flag === '--from' ? ['--from', date, '--to', '2026-11-02'] : ['--from', '2026-11-01', '--to', date])],
      names: [`${flag.slice(2)}: ${q(date)}`],
    })),
  // A bad store id or store list.
  fc.oneof(fc.constantFrom('a b', 'S1;S2', 'x'.repeat(65), 'é'), text(8).filter((s) => /[^A-Za-z0-9_-]/.test(s.trim()) || s.trim() === '')).map((store) => ({
    args: ['get', 'metrics', `--store=${store}`, '--last', '7'],
    names: [`store: ${q(store)}`],
  })),
  fc.constantFrom('all,S1', 'S1,,S2', ',', 'S1, S 2').map((stores) => ({ args: ['get', 'diagnosis', '--stores', stores, '--last', '7'], names: ['stores'] })),
  // A bad number.
  fc
    .tuple(fc.constantFrom(['seed', '--stores'], ['seed', '--days'], ['seed', '--orders'], ['hot-stores', '--limit']), fc.oneof(fc.constantFrom('-1', '1.5', '1e3', 'ten', '99999999999', ''), text(5).filter((s) => !/^\s*[-+]?\d+\s*$/.test(s))))
    .map(([[command, flag], n]) => ({ args: [command!, flag!, n], names: [`${flag} must be a whole number`] })),
  // A bad --last, --policy or --end.
  fc.constantFrom('0', '3661', '-2', 'week', '7.5').map((n) => ({ args: ['get', 'metrics', '--store', 'S1', '--last', n], names: [`--last must be a number of days from 1 to 3660, got ${q(n)}`] })),
  text(8)
    .filter((p) => p !== 'default' && p !== 'seed')
    .map((p) => ({ args: ['run', `--policy=${p}`], names: [`--policy must be default or seed, got ${q(p)}`] })),
  fc.constantFrom('2026-02-30', 'today', '26-11-01').map((d) => ({ args: ['seed', '--end', d], names: ['--end must be a date YYYY-MM-DD'] })),
  // An option without its value, last.
  fc.constantFrom(['seed', '--days'], ['get', 'metrics', '--store'], ['get', 'diagnosis', '--stores', 'S1', '--from'], ['run', '--end'], ['hot-stores', '--limit']).map((args) => ({
    args,
    names: [`option '${args.at(-1)} <`],
  })),
  // --last with --from.
  fc.constant({ args: ['get', 'metrics', '--store', 'S1', '--last', '3', '--from', '2026-11-01'], names: ['use either --last or --from/--to'] }),
);

function expectRefused(c: Case, r: CliResult): void {
  const where = `${JSON.stringify(c.args)} → exit ${r.code}, stderr ${JSON.stringify(r.stderr)}`;
  expect(r.code, where).toBe(2);
  expect(r.stdout, where).toBe('');
  expect(isOneLineError(r.stderr), where).toBe(true);
  expect(
    c.names.some((n) => r.stderr.includes(n)),
    `${where} names none of ${JSON.stringify(c.names)}`,
  ).toBe(true);
}

const BIN = join(REPO_ROOT, 'apps/cli/bin/prewarm.js');

/** Like runCli (only these PREWARM_* settings), with a deadline: a case wrongly accepted is killed, not waited for. */
function run(args: readonly string[]): Promise<CliResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PREWARM_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: { ...base, PREWARM_LOG_LEVEL: 'silent', ...env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      stderr += '(killed after 15 s: the arguments were accepted?)';
      child.kill('SIGKILL');
    }, 15_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

describe('prewarm with bad arguments (property, end to end)', () => {
  it('exits 2 with one stderr line naming the bad input, nothing on stdout', async () => {
    // Three processes at a time (each start takes about a second), six times: 18 cases (the
    // parse layer itself is covered by thousands of cases in apps/cli/src/args.property.test.ts).
    await fc.assert(
      fc.asyncProperty(fc.tuple(badCase, badCase, badCase), async (cases) => {
        const results = await Promise.all(cases.map((c) => run(c.args)));
        cases.forEach((c, i) => expectRefused(c, results[i]!));
      }),
      { numRuns: 6 },
    );
  }, 120_000);
});
