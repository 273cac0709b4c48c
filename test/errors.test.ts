/**
 * One error convention across the workspaces (fastify's lib/errors.js habit): every error class
 * declares a stable static `code`, every instance carries it, codes are unique, and each is in
 * the error table of docs/architecture.md. Read from the sources, so a new class cannot slip by.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CloseError } from '@prewarm/telemetry';
import { ConfigError } from '@prewarm/config';
import { InvalidRequestError, NotFoundError } from '@prewarm/compute';
import { InvalidPayloadError, InvalidResultError, JobTimeoutError } from '@prewarm/queue';
import { RedisUnavailableError } from '@prewarm/redis';
import { ScheduleConfigError } from '@prewarm/scheduler';
import { CsvFormatError, ImportRejectedError, SourceError } from '@prewarm/source';
import { HalfLifeMismatchError, InvalidAnalyzerOptionError } from '@prewarm/analyzer';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every error class declared in a workspace's sources: class name → its static code. */
const declared = ['apps', 'packages'].flatMap((top) =>
  readdirSync(join(root, top)).flatMap((ws) => {
    const src = join(root, top, ws, 'src');
    return statSync(src, { throwIfNoEntry: false })?.isDirectory() ? sources(src) : [];
  }),
).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/export class (\w+) extends (\w+) \{\n([\s\S]*?)\n\}/g)]
    .filter(([, , base]) => base!.endsWith('Error'))
    .map(([, name, base, body]) => ({ file: file.slice(root.length), name: name!, base: base!, body: body!, code: /static (?:override )?readonly code(?:: string)? = '([A-Z_]+)'/.exec(body!)?.[1] }));
});

/** A class sets its own code on instances, or inherits a getter that reads the class's static code. */
function codeOnInstances(d: (typeof declared)[number]): boolean {
  if (new RegExp(`readonly code(?:: string)? = ${d.name}\\.code`).test(d.body) || /get code\(\)/.test(d.body)) return true;
  const base = declared.find((b) => b.name === d.base);
  return base !== undefined && /get code\(\)/.test(base.body);
}

describe('error classes', () => {
  it('are found (the scan works)', () => {
    expect(declared.length).toBeGreaterThanOrEqual(20);
  });

  it.each(declared.map((d) => [d.name, d] as const))('%s declares a static code and puts it on every instance', (_name, d) => {
    expect(d.code, `${d.file}: ${d.name} has no static code`).toMatch(/^E_[A-Z_]+$/);
    expect(codeOnInstances(d), `${d.file}: ${d.name} does not set its code on instances`).toBe(true);
  });

  it('have unique codes, each in the error table of docs/architecture.md', () => {
    const codes = declared.map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
    expect(codes.filter((c) => !doc.includes(`\`${c}\``))).toEqual([]);
  });

  it('carry their code and cause at run time', () => {
    const cause = new Error('underneath');
    const made = [
      new ConfigError('m', 'PREWARM_X', { cause }),
      new SourceError('m', { cause }),
      new CsvFormatError('m', 'f.csv', 1, { cause }),
      new ImportRejectedError('m', 0, 1),
      new NotFoundError('m', { cause }),
      new InvalidRequestError('m', 'from', { cause }),
      new RedisUnavailableError('m', { cause }),
      new InvalidPayloadError('run', 'm'),
      new InvalidResultError('run', 'm'),
      new JobTimeoutError('run', 1),
      new ScheduleConfigError('full', 'cron', 'm', { cause }),
      new InvalidAnalyzerOptionError('ratio', 'm'),
      new HalfLifeMismatchError(1, 2, { cause }),
      new CloseError('worker', [{ step: 'x', error: cause }]),
    ];
    for (const err of made) {
      expect(err.code, err.name).toBe((err.constructor as unknown as { code: string }).code);
      expect(err).toBeInstanceOf(Error);
    }
    expect(made.filter((e) => e.cause === cause).map((e) => e.name)).toEqual([
      'ConfigError', 'SourceError', 'CsvFormatError', 'NotFoundError', 'InvalidRequestError', 'RedisUnavailableError', 'ScheduleConfigError', 'HalfLifeMismatchError',
    ]);
  });
});
