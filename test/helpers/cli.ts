import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../apps/cli/bin/prewarm.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `prewarm` binary as a user would, with only the given PREWARM_* variables
 * (the test process's own PREWARM_* settings are not inherited).
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}, cwd = REPO_ROOT): Promise<CliResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PREWARM_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...base, PREWARM_LOG_LEVEL: 'silent', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Asserts the shape of a user-facing failure: one line, no stack trace. */
export function isOneLineError(stderr: string): boolean {
  const lines = stderr.trim().split('\n');
  return lines.length === 1 && lines[0]!.startsWith('prewarm: ') && !/\n\s+at /.test(stderr);
}

/** Settings for CLI runs against a test Redis: a fresh key prefix, so runs never share entries by accident. */
export function cacheEnv(redisUrl: string): Record<string, string> {
  return { PREWARM_QUEUE_REDIS_URL: redisUrl, PREWARM_CACHE_PREFIX: `t${randomBytes(5).toString('hex')}` };
}
