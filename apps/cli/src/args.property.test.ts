/**
 * Properties of the CLI's argument parsing (outside input). The program is the one `prewarm`
 * runs (`createProgram`), with a context whose configuration throws `WouldConnect` at the first
 * setting a command reads — so a command is "accepted" exactly when its action got past every
 * check of its arguments, and nothing is ever opened. Properties:
 *   - any argv is accepted, shows help, or is refused with one line (`prewarm: …`) by commander
 *     or with one of the CLI's own errors (exit code 2) — never another exception;
 *   - `get metrics|diagnosis`: accepted exactly when a model of the options says so, and a
 *     refusal names one of the problems the model found (the option or the parameter);
 *   - `--stores` gives one canonical store set whatever the order, duplicates and spaces;
 *   - `--from/--to` are accepted iff both are dates, from <= to, at most 3660 days;
 *   - the numbers and dates of `seed`, `run` and `hot-stores` are accepted iff valid, and a
 *     refusal names the option.
 */
import { InvalidRequestError } from '@prewarm/compute';
import type { Config } from '@prewarm/config';
import { localToday } from '@prewarm/domain';
import { type Command, CommanderError } from 'commander';
import fc from 'fast-check';
import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { diagnosisRequest, metricsRequest, type DiagnosisOptions, type MetricsOptions } from './commands/get.js';
import type { CommandContext } from './context.js';
import { CliError, EXIT, describeError } from './errors.js';
import { createProgram } from './main.js';

/** Thrown at the first setting a command reads: its arguments were all accepted by then. */
class WouldConnect extends Error {}

type Outcome =
  | { kind: 'accepted'; command: string; opts: Record<string, unknown>; args: string[] }
  /** Help or version shown (`--help`, `help`, `-V`, or a command group without its subcommand). */
  | { kind: 'help'; code: string; exitCode: number }
  /** Refused: the one line `prewarm` prints, the exit code, and the parameter when the error names one. */
  | { kind: 'refused'; line: string; exitCode: number; parameter?: string; error: unknown };

const commandPath = (c: Command): string => {
  const names: string[] = [];
  for (let x: Command | null = c; x?.parent; x = x.parent) names.unshift(x.name());
  return names.join(' ');
};

/** Parses `args` exactly as `prewarm args` does, stopping before anything is opened. */
async function parse(args: readonly string[]): Promise<Outcome> {
  const touched = (): never => {
    throw new WouldConnect('a command read its configuration');
  };
  const config = new Proxy({}, { get: touched }) as Config;
  const ctx: CommandContext = {
    get config() {
      return config;
    },
    get logger(): Logger {
      return touched();
    },
    out: () => {},
    warn: () => {},
  };
  const lines: string[] = [];
  const program = createProgram(ctx, (line) => lines.push(line));
  // Help and version texts are not errors: keep them off the test's output.
  const quiet = (c: Command): void => {
    c.configureOutput({ writeOut: () => {}, writeErr: () => {} });
    c.commands.forEach(quiet);
  };
  quiet(program);
  let action: { command: string; opts: Record<string, unknown>; args: string[] } | undefined;
  program.hook('preAction', (_program, command) => void (action = { command: commandPath(command), opts: command.opts(), args: [...command.args] }));
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (err) {
    if (err instanceof WouldConnect) return { kind: 'accepted', ...action! };
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return { kind: 'help', code: err.code, exitCode: err.exitCode };
      expect(lines, `commander error ${err.code} for ${JSON.stringify(args)}`).toHaveLength(1);
      return { kind: 'refused', line: lines[0]!, exitCode: err.exitCode === 0 ? EXIT.ok : EXIT.usage, error: err };
    }
    const { line, exitCode, unexpected } = describeError(err);
    expect(unexpected, `unexpected ${String(err)} for ${JSON.stringify(args)}\n${(err as Error).stack}`).toBe(false);
    expect(lines).toHaveLength(0);
    return { kind: 'refused', line: `prewarm: ${line}`, exitCode, error: err, ...(err instanceof InvalidRequestError ? { parameter: err.parameter } : {}) };
  }
  throw new Error(`${JSON.stringify(args)}: the command ran without reading its configuration`);
}

/** A refusal is one line, an exit code for bad usage, and one of the CLI's own errors. */
function expectOneLineRefusal(o: Extract<Outcome, { kind: 'refused' }>, args: readonly string[]): void {
  const where = JSON.stringify(args);
  expect(o.line, where).toMatch(/^prewarm: \S/);
  expect(o.line, where).not.toMatch(/[\r\n]/);
  expect(o.line.length, where).toBeLessThan(400 + args.join(' ').length);
  expect(o.exitCode, where).toBe(EXIT.usage);
  const known = o.error instanceof CommanderError || o.error instanceof CliError || o.error instanceof InvalidRequestError;
  expect(known, `${where}: ${String(o.error)}`).toBe(true);
}

// ---------------------------------------------------------------------------------------------
// An independent model of business dates: YYYY-MM-DD, a real calendar date, from year 0100 (the
// domain reads no earlier year: Date.UTC takes 0–99 for 1900–1999; such dates are refused).

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const FIRST_YEAR = 100;

function dayNumber(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (y < FIRST_YEAR || mo < 1 || mo > 12 || d < 1 || d > (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!)) return null;
  // Days since 1970-01-01 (the civil-from-days algorithm, by hand rather than through Date).
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const DAY_MS = 86_400_000;
const format = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const FIRST_DAY = dayNumber('0100-01-01')!;
const LAST_DAY = dayNumber('9999-12-31')!;
const MAX_DAYS = 3660;

const anyDay = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: dayNumber('2016-01-01')!, max: dayNumber('2036-12-31')! }) },
  { weight: 1, arbitrary: fc.integer({ min: FIRST_DAY, max: LAST_DAY }) },
  { weight: 1, arbitrary: fc.integer({ min: FIRST_DAY, max: FIRST_DAY + 2 * MAX_DAYS }) },
);
const badDate = fc.oneof(
  fc.constantFrom(
    '0099-12-31', '0000-01-01', '2023-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-1-01', '20260101', ' 2026-01-01', '2026-01-01 ',
    '2026-01-01T00:00:00Z', '+02026-01-01', '10000-01-01', '２０２６-01-01', '2026/01/01', '', '-', '--', 'today', '-5',
  ),
  fc.string({ maxLength: 12 }),
);
const dateText = fc.oneof({ weight: 4, arbitrary: anyDay.map(format) }, { weight: 1, arbitrary: badDate });
/** A from/to pair, often valid and close to the limits (equal, inverted by a day, 3660 days, 3661). */
const datePair = fc.oneof(
  fc.tuple(dateText, dateText),
  fc
    .tuple(anyDay, fc.oneof(fc.constantFrom(-1, 0, 1, 365, 366, MAX_DAYS - 2, MAX_DAYS - 1, MAX_DAYS), fc.integer({ min: -400, max: MAX_DAYS + 50 })))
    .filter(([from, offset]) => from + offset >= FIRST_DAY && from + offset <= LAST_DAY)
    .map(([from, offset]) => [format(from), format(from + offset)] as [string, string]),
);

// ---------------------------------------------------------------------------------------------
// Store ids and store lists.

const STORE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const storeId = fc.stringMatching(/^[A-Za-z0-9_-]{1,10}$/).filter((s) => s !== 'all');
const storeText = fc.oneof(
  { weight: 3, arbitrary: storeId },
  { weight: 1, arbitrary: fc.constantFrom('all', '', ' ', 'a b', 'é', 'S1,S2', 'x'.repeat(64), 'x'.repeat(65), '-', '_', 'S1\n') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const storeList = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.tuple(storeText, fc.constantFrom('', ' ', '\t')), { minLength: 1, maxLength: 6 }).map((ids) => ids.map(([id, pad]) => `${pad}${id}${pad}`).join(',')) },
  { weight: 1, arbitrary: fc.constantFrom('all', ' all ', 'ALL', 'all,S1', 'S1,all', ',', 'S1,', ',S1', 'S1,,S2', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
);

/** The model of `parseStoreSelection`: 'all', a canonical list, or null when refused. */
function modelSelection(text: string): 'all' | string[] | null {
  const trimmed = text.trim();
  if (trimmed === 'all') return 'all';
  const ids = trimmed.split(',').map((s) => s.trim());
  if (ids.some((id) => id === '' || id === 'all' || !STORE_ID.test(id))) return null;
  return [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// `get metrics|diagnosis` argv, built from items the model understands.

type Item =
  | { kind: 'value'; flag: string; value: string; form: 'space' | 'equals' }
  | { kind: 'switch'; flag: '--json' | '--no-cache' }
  | { kind: 'unknown'; token: string }
  | { kind: 'operand'; token: string };

const UNKNOWN_OPTIONS = ['--fro', '--stor', '--cache', '--no-json', '--Store', '--last-days', '--from-date', '-x', '-s', '--tO', '--verbose'];

function readItems(sub: 'metrics' | 'diagnosis') {
  const storeFlag = sub === 'metrics' ? '--store' : '--stores';
  const form = fc.constantFrom('space' as const, 'equals' as const);
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('value' as const), flag: fc.constant(storeFlag), value: sub === 'metrics' ? storeText : storeList, form }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('value' as const), flag: fc.constantFrom('--from', '--to'), value: dateText, form }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('value' as const), flag: fc.constant('--last'), value: fc.oneof(fc.integer({ min: -2, max: 3700 }).map(String), fc.constantFrom('0010', '3660', '3661', '1e3', '7.0', ' 7', ''), fc.string({ maxLength: 5 })), form }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('switch' as const), flag: fc.constantFrom('--json' as const, '--no-cache' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('unknown' as const), token: fc.constantFrom(...UNKNOWN_OPTIONS, sub === 'metrics' ? '--stores' : '--store') }) },
    // An operand never starts with a dash (that would be an option or `--`).
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('operand' as const), token: fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !s.startsWith('-')) }) },
  );
}

/** The options of a valid request (the model may still find its range too long or inverted). */
function validItems(sub: 'metrics' | 'diagnosis') {
  const store = sub === 'metrics' ? storeId : fc.oneof(fc.array(storeId, { minLength: 1, maxLength: 4 }).map((ids) => ids.join(',')), fc.constant('all'));
  const form = fc.constantFrom('space' as const, 'equals' as const);
  const value = (flag: string, text: string, f: 'space' | 'equals'): Item => ({ kind: 'value', flag, value: text, form: f });
  return fc.oneof(
    fc.tuple(store, datePair, form, form).map(([s, [from, to], f1, f2]) => [value(sub === 'metrics' ? '--store' : '--stores', s, f1), value('--from', from, f2), value('--to', to, f1)]),
    fc.tuple(store, fc.integer({ min: 1, max: MAX_DAYS }), form).map(([s, n, f]) => [value(sub === 'metrics' ? '--store' : '--stores', s, f), value('--last', String(n), f)]),
  );
}

const readArgv = fc.constantFrom('metrics' as const, 'diagnosis' as const).chain((sub) =>
  fc.record({
    sub: fc.constant(sub),
    items: fc.oneof(
      fc.array(readItems(sub), { maxLength: 7 }),
      // Mostly valid: the options of a valid request, maybe one or two more, in any order.
      fc
        .tuple(validItems(sub), fc.array(readItems(sub), { maxLength: 2 }))
        .chain(([valid, extra]) => fc.shuffledSubarray([...valid, ...extra], { minLength: valid.length + extra.length })),
    ),
    /** An option without its value, last (anywhere else it takes the next argument as its value). */
    dangling: fc.option(fc.constantFrom(sub === 'metrics' ? '--store' : '--stores', '--from', '--to', '--last'), { freq: 6 }),
  }),
);

const tokensOf = (item: Item): string[] =>
  item.kind === 'value' ? (item.form === 'space' ? [item.flag, item.value] : [`${item.flag}=${item.value}`]) : item.kind === 'switch' ? [item.flag] : [item.token];

/** A problem the model finds, and how a refusal names it. */
interface Problem {
  what: string;
  named: (o: Extract<Outcome, { kind: 'refused' }>) => boolean;
}

const byOption = (what: string, flag: string): Problem => ({ what, named: (o) => o.line.includes(flag) });
const byParameter = (what: string, parameter: string): Problem => ({ what, named: (o) => o.parameter === parameter && new RegExp(`^prewarm: ${parameter}\\b`).test(o.line) });

interface Expected {
  problems: Problem[];
  /** What an accepted argv must give. */
  store?: string;
  selection?: 'all' | string[];
  range?: { from: string; to: string };
  json: boolean;
  cache: boolean;
}

function modelRead({ sub, items, dangling }: { sub: 'metrics' | 'diagnosis'; items: Item[]; dangling: string | null }): Expected {
  const problems: Problem[] = [];
  const values = new Map<string, string>();
  let json = false;
  let cache = true;
  for (const item of items) {
    if (item.kind === 'value') values.set(item.flag, item.value);
    else if (item.kind === 'switch') item.flag === '--json' ? (json = true) : (cache = false);
    else if (item.kind === 'unknown') problems.push({ what: `unknown option ${item.token}`, named: (o) => o.line.includes(`'${item.token}'`) });
    else problems.push({ what: `operand ${item.token}`, named: (o) => o.line.includes(`too many arguments for '${sub}'`) });
  }
  if (dangling) problems.push(byOption(`${dangling} without a value`, dangling));
  const storeFlag = sub === 'metrics' ? '--store' : '--stores';
  const storeValue = values.get(storeFlag);
  let store: string | undefined;
  let selection: 'all' | string[] | undefined;
  if (storeValue === undefined) problems.push(byOption(`no ${storeFlag}`, storeFlag));
  else if (sub === 'metrics') {
    if (STORE_ID.test(storeValue)) store = storeValue;
    else problems.push(byParameter(`bad store ${JSON.stringify(storeValue)}`, 'store'));
  } else {
    selection = modelSelection(storeValue) ?? undefined;
    if (!selection) problems.push(byParameter(`bad stores ${JSON.stringify(storeValue)}`, 'stores'));
  }
  const [from, to, last] = [values.get('--from'), values.get('--to'), values.get('--last')];
  let range: { from: string; to: string } | undefined;
  if (last !== undefined) {
    if (from !== undefined || to !== undefined) problems.push(byOption('--last with --from/--to', '--last'));
    else if (!/^\d{1,4}$/.test(last) || Number(last) < 1 || Number(last) > MAX_DAYS) problems.push(byOption(`bad --last ${JSON.stringify(last)}`, '--last'));
    else {
      const today = dayNumber(localToday())!;
      range = { from: format(today - Number(last) + 1), to: format(today) };
    }
  } else if (from === undefined) problems.push(byOption('no --from', '--from'));
  else if (to === undefined) problems.push(byOption('no --to', '--to'));
  else {
    const [a, b] = [dayNumber(from), dayNumber(to)];
    if (a === null) problems.push(byParameter(`bad from ${JSON.stringify(from)}`, 'from'));
    else if (b === null) problems.push(byParameter(`bad to ${JSON.stringify(to)}`, 'to'));
    else if (a > b) problems.push(byParameter('from after to', 'from'));
    else if (b - a + 1 > MAX_DAYS) problems.push(byParameter('range over 3660 days', 'to'));
    // The diagnosis also reads as many days before the period.
    else if (sub === 'diagnosis' && a - (b - a + 1) < FIRST_DAY) problems.push(byParameter('previous period before 0100-01-01', 'from'));
    else range = { from, to };
  }
  return { problems, ...(store !== undefined ? { store } : {}), ...(selection !== undefined ? { selection } : {}), ...(range ? { range } : {}), json, cache };
}

const readArgs = (r: { sub: string; items: Item[]; dangling: string | null }): string[] => ['get', r.sub, ...r.items.flatMap(tokensOf), ...(r.dangling ? [r.dangling] : [])];

// ---------------------------------------------------------------------------------------------

describe('prewarm argument parsing (property)', () => {
  it('accepts any argv, shows help, or refuses it in one line with a usage error — nothing else', async () => {
    const COMMANDS = ['seed', 'import', 'get', 'metrics', 'diagnosis', 'stats', 'run', 'worker', 'scheduler', 'hot-stores', 'serve', 'help'];
    const FLAGS = ['--store', '--stores', '--from', '--to', '--last', '--json', '--no-cache', '--days', '--orders', '--seed', '--end', '--policy', '--incremental', '--strict', '--limit', '-h', '--help', '-V', '--version', '--', ...UNKNOWN_OPTIONS];
    const token = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...COMMANDS) },
      { weight: 4, arbitrary: fc.constantFrom(...FLAGS) },
      { weight: 2, arbitrary: fc.oneof(dateText, storeList, fc.integer({ min: -5, max: 20_000 }).map(String), fc.constantFrom('default', 'seed', 'orders.csv')) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...FLAGS), fc.string({ maxLength: 8 })).map(([f, v]) => `${f}=${v}`) },
      { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
    );
    const argv = fc.oneof(
      fc.array(token, { maxLength: 8 }),
      fc.tuple(fc.constantFrom(...COMMANDS), fc.array(token, { maxLength: 8 })).map(([c, rest]) => [c, ...rest]),
      fc.tuple(fc.constantFrom('metrics', 'diagnosis'), fc.array(token, { maxLength: 8 })).map(([c, rest]) => ['get', c, ...rest]),
    );
    const seen = { accepted: 0, help: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const o = await parse(args);
        seen[o.kind]++;
        if (o.kind === 'refused') {
          expectOneLineRefusal(o, args);
          // It names what it refuses: an argument (quoted), an option or a parameter.
          expect(o.line, JSON.stringify(args)).toMatch(/'[^']*'|"|--?[a-zA-Z]|^prewarm: (store|stores|from|to)\b/);
        }
        if (o.kind === 'help' && o.code === 'commander.help') {
          // Help instead of an error only for a bare `prewarm` or `prewarm get` (no subcommand).
          const operands = args.filter((a) => !a.startsWith('-'));
          expect(operands.length === 0 || operands[0] === 'get' || operands[0] === 'help', JSON.stringify(args)).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
    expect(seen.refused).toBeGreaterThan(500);
    expect(seen.accepted).toBeGreaterThan(10);
  });

  it('get metrics|diagnosis: accepted iff the model finds no problem; a refusal names one of them', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(readArgv, async (r) => {
        const args = readArgs(r);
        const expected = modelRead(r);
        const o = await parse(args);
        const where = `${JSON.stringify(args)} (model: ${expected.problems.map((p) => p.what).join('; ') || 'valid'})`;
        expect(o.kind, where).not.toBe('help');
        if (expected.problems.length === 0) {
          expect(o, where).toMatchObject({ kind: 'accepted', command: `get ${r.sub}` });
          if (o.kind !== 'accepted') return;
          accepted++;
          expect(o.opts.json === true, where).toBe(expected.json);
          expect(o.opts.cache, where).toBe(expected.cache);
          if (r.sub === 'metrics') expect(metricsRequest(o.opts as unknown as MetricsOptions), where).toEqual({ store: expected.store, range: expected.range });
          else expect(diagnosisRequest(o.opts as unknown as DiagnosisOptions), where).toEqual({ selection: expected.selection, period: expected.range });
        } else {
          expect(o.kind, where).toBe('refused');
          if (o.kind !== 'refused') return;
          expectOneLineRefusal(o, args);
          expect(
            expected.problems.some((p) => p.named(o)),
            `${where}: "${o.line}" names none of the problems`,
          ).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
    expect(accepted).toBeGreaterThan(20);
  });

  it('--stores gives one canonical store set whatever the order, duplicates and spaces', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(storeId, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom('', ' ', '  '), async (ids, extra, pad) => {
        const shuffled = [...ids, ...extra.map((i) => ids[i % ids.length]!)].reverse();
        const parsed = await Promise.all(
          [ids.join(','), shuffled.map((id) => `${pad}${id}${pad}`).join(',')].map(async (stores) => {
            const o = await parse(['get', 'diagnosis', '--stores', stores, '--from', '2026-11-01', '--to', '2026-11-02', '--json']);
            expect(o.kind).toBe('accepted');
            return diagnosisRequest((o as Extract<Outcome, { kind: 'accepted' }>).opts as unknown as DiagnosisOptions).selection;
          }),
        );
        expect(parsed[1]).toEqual(parsed[0]);
        expect(parsed[0]).toEqual([...new Set(ids)].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('--from/--to are accepted iff both are dates, from <= to, at most 3660 days apart', async () => {
    await fc.assert(
      fc.asyncProperty(datePair, fc.constantFrom('metrics', 'diagnosis'), async ([from, to], sub) => {
        const args = ['get', sub, sub === 'metrics' ? '--store' : '--stores', 'S1', `--from=${from}`, '--to', to];
        const [a, b] = [dayNumber(from), dayNumber(to)];
        const valid = a !== null && b !== null && a <= b && b - a + 1 <= MAX_DAYS && (sub === 'metrics' || a - (b - a + 1) >= FIRST_DAY);
        const o = await parse(args);
        expect(o.kind, JSON.stringify(args)).toBe(valid ? 'accepted' : 'refused');
        if (o.kind === 'refused') {
          expectOneLineRefusal(o, args);
          expect(['from', 'to'], o.line).toContain(o.parameter);
          expect(o.line).toMatch(/^prewarm: (from|to)\b/);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('seed, run and hot-stores: numbers, dates and the policy are accepted iff valid; a refusal names the option', async () => {
    const number = fc.oneof(
      fc.integer({ min: -3, max: 20_000 }).map(String),
      fc.constantFrom('0', '1', '9999', '10000', '3660', '3661', '100000000', '100000001', ' 5', '5 ', '5.0', '1e3', '0x10', '-0', '+5', 'Infinity', 'NaN', '', '9007199254740993'),
      fc.string({ maxLength: 6 }),
    );
    const wholeIn = (min: number, max: number) => (text: string) => /^-?\d+$/.test(text.trim()) && Number.isSafeInteger(Number(text)) && Number(text) >= min && Number(text) <= max;
    const cases = fc.oneof(
      fc.record({ command: fc.constant(['seed']), flag: fc.constant('--stores'), value: number, valid: fc.constant(wholeIn(1, 9999)) }),
      fc.record({ command: fc.constant(['seed']), flag: fc.constant('--days'), value: number, valid: fc.constant(wholeIn(1, 3660)) }),
      fc.record({ command: fc.constant(['seed']), flag: fc.constant('--orders'), value: number, valid: fc.constant(wholeIn(0, 100_000_000)) }),
      fc.record({ command: fc.constant(['hot-stores']), flag: fc.constant('--limit'), value: number, valid: fc.constant(wholeIn(1, 10_000)) }),
      fc.record({ command: fc.constantFrom(['seed'], ['run']), flag: fc.constant('--end'), value: dateText, valid: fc.constant((t: string) => dayNumber(t) !== null) }),
      fc.record({
        command: fc.constant(['run']),
        flag: fc.constant('--policy'),
        value: fc.oneof(fc.constantFrom('default', 'seed', 'Default', 'seed ', ''), fc.string({ maxLength: 8 })),
        valid: fc.constant((t: string) => t === 'default' || t === 'seed'),
      }),
    );
    await fc.assert(
      fc.asyncProperty(cases, fc.boolean(), async ({ command, flag, value, valid }, equals) => {
        const args = [...command, ...(equals ? [`${flag}=${value}`] : [flag, value])];
        const o = await parse(args);
        const where = JSON.stringify(args);
        if (valid(value)) {
          expect(o, where).toMatchObject({ kind: 'accepted', command: command[0] });
        } else {
          expect(o.kind, where).toBe('refused');
          if (o.kind !== 'refused') return;
          expectOneLineRefusal(o, args);
          expect(o.line, where).toContain(flag);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
