/**
 * What the distributed tests (cluster, sentinel, scale-out) share: a seeded sample source, a
 * CLI result that must have succeeded, and the check that a cached read equals the source.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type CliResult, runCli } from './cli.js';

/** A fresh SQLite source seeded with the deterministic sample; returns its `PREWARM_SOURCE_URL`. */
export async function seededSource(sample: { stores: number; orders: number; seed: number; end: string }, env: Record<string, string> = {}): Promise<string> {
  const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'prewarm-sample-')), 'orders.db')}`;
  const seeded = await runCli(['seed', '--stores', String(sample.stores), '--days', '70', '--orders', String(sample.orders), '--seed', String(sample.seed), '--end', sample.end], { ...env, PREWARM_SOURCE_URL: url });
  expect(seeded.stderr).toBe('');
  expect(seeded.code).toBe(0);
  return url;
}

/** A CLI run that succeeded without a `prewarm:` error line. */
export function ok(r: CliResult): CliResult {
  expect(r.stderr.split('\n').filter((l) => l.startsWith('prewarm:'))).toEqual([]);
  expect(r.code).toBe(0);
  return r;
}

/** The cached answer (`--json`) and a fresh computation from the source (`--no-cache`) are byte-identical. */
export async function expectCacheEqualsSource(env: Record<string, string>, args: readonly string[]): Promise<void> {
  const cached = ok(await runCli([...args, '--json'], env));
  const direct = ok(await runCli([...args, '--json', '--no-cache'], env));
  expect(cached.stdout).toBe(direct.stdout);
}
