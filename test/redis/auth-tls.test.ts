/**
 * Redis that asks who is connecting, through the CLI as a user runs it, against real
 * redis-server processes:
 *
 * - a password (`--requirepass`) and an ACL user (`--user app …`, the default user off): every
 *   command works with the credentials in the URL; a wrong password fails in one line that says
 *   the credentials were refused and hides the password; the credentials never reach stderr
 *   (debug logs included), `stats --json` or an HTTP answer of `serve` — not even while the
 *   server refuses them on a reconnect;
 * - TLS (`rediss://`, `--port 0`): run (its embedded worker's BullMQ connections too) and reads
 *   work with `PREWARM_REDIS_TLS_CA`; without it, or with another CA, one line says the
 *   certificate is not trusted; a server that asks for client certificates takes the ones of
 *   `PREWARM_REDIS_TLS_CERT`/`_KEY` and, without them, one line names those variables; a
 *   URL whose scheme does not match the port (TLS or not) is never answered with "start a
 *   redis-server";
 * - URLs that do not parse: exit 2, the variable named, the password hidden.
 *
 * redis-server processes are started here (not with startTestRedis, whose readiness check has
 * neither a password nor TLS), one per describe, and stopped by the PID of the child started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, REPO_ROOT, cacheEnv, isOneLineError, runCli } from '../helpers/cli.js';
import { freePort, startTestRedis, type TestRedis } from '../helpers/redis.js';
import { type TestCertificates, makeTestCertificates } from '../helpers/tls.js';

const END = '2026-11-20';
const LAST30 = ['--from', '2026-10-22', '--to', END];
const SEED = ['seed', '--stores', '6', '--days', '40', '--orders', '2000', '--seed', '3', '--end', END];

const dataDir = mkdtempSync(join(tmpdir(), 'prewarm-auth-tls-'));
const SOURCE = { PREWARM_SOURCE_URL: `sqlite:${join(dataDir, 'orders.db')}` };
let certs: TestCertificates;

beforeAll(() => {
  certs = makeTestCertificates();
});
afterAll(() => {
  certs?.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The sample is written once, through whichever Redis asks first (seed forgets cached entries there). */
let seeded: Promise<void> | undefined;
function ensureSeeded(env: Record<string, string>): Promise<void> {
  seeded ??= runCli(SEED, env).then((r) => {
    if (r.code !== 0) throw new Error(`seed failed (${r.code}): ${r.stderr}`);
  });
  return seeded;
}

/** The settings of one test Redis: the shared source, a fresh cache prefix and queue prefix. */
function envFor(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...SOURCE, ...cacheEnv(url), PREWARM_QUEUE_PREFIX: `{q${randomBytes(3).toString('hex')}}`, ...extra };
}

function ok(r: CliResult): CliResult {
  expect(r.stderr.split('\n').filter((l) => l.startsWith('prewarm:'))).toEqual([]);
  expect(r.code).toBe(0);
  return r;
}

/** A run over the whole sample: completed, every store warmed. */
async function expectRun(env: Record<string, string>): Promise<CliResult> {
  const r = ok(await runCli(['run', '--json', '--end', END], env));
  const summary = JSON.parse(r.stdout);
  expect(summary.status).toBe('completed');
  expect(summary.stores.failed).toEqual([]);
  expect(summary.stores.hot.length + summary.stores.cold.length).toBe(6);
  expect(summary.entries.l3).toBeGreaterThan(0);
  return r;
}

/** After a run: the last 30 days of all stores are a cache hit, equal to a fresh computation from the source. */
async function expectReads(env: Record<string, string>): Promise<CliResult[]> {
  const cached = ok(await runCli(['get', 'diagnosis', '--stores', 'all', ...LAST30, '--json'], env));
  const direct = ok(await runCli(['get', 'diagnosis', '--stores', 'all', ...LAST30, '--json', '--no-cache'], env));
  expect(cached.stdout).toBe(direct.stdout);
  expect(JSON.parse(cached.stdout)).toBeTruthy();
  const shown = ok(await runCli(['get', 'diagnosis', '--stores', 'all', ...LAST30], env));
  expect(shown.stderr).toContain('cache: hit');
  return [cached, direct, shown];
}

/** A user-facing failure: the exit code, one line, and what it must and must not say. */
function expectFailure(r: CliResult, code: number, says: (string | RegExp)[], never: string[]): string {
  expect(r.code, r.stderr).toBe(code);
  expect(isOneLineError(r.stderr), r.stderr).toBe(true);
  expect(r.stdout).toBe('');
  for (const s of says) typeof s === 'string' ? expect(r.stderr).toContain(s) : expect(r.stderr).toMatch(s);
  for (const s of never) expect(r.stderr).not.toContain(s);
  expect(r.stderr).not.toContain('unexpected error');
  return r.stderr;
}

interface OwnRedis {
  port: number;
  stop(): Promise<void>;
}

/**
 * A redis-server with these arguments (they choose the ports), ready when a client with
 * `ready` options gets PONG on `port`. Stopped with SIGTERM to this child only.
 */
async function startRedisServer(args: string[], port: number, ready: RedisOptions): Promise<OwnRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'prewarm-redis-auth-'));
  const child: ChildProcess = spawn('redis-server', ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`redis-server exited with code ${code}: ${stderr}`))));
  exited.catch(() => {});
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000, ...ready });
    client.on('error', () => {});
    try {
      await Promise.race([client.connect().then(() => client.ping()), exited]);
      return { port, stop };
    } catch (err) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw err;
      }
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      client.disconnect();
    }
  }
}

/**
 * Runs the CLI like runCli and measures how long the process stays after its first line on
 * stderr (the error line of a failing command): nothing may hold it (a timer of a closed
 * connection).
 */
function lingerAfterError(args: string[], env: Record<string, string>): Promise<CliResult & { lingerMs: number }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PREWARM_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'apps/cli/bin/prewarm.js'), ...args], { cwd: REPO_ROOT, env: { ...base, PREWARM_LOG_LEVEL: 'silent', ...env } });
    let stdout = '';
    let stderr = '';
    let firstError = 0;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      firstError ||= performance.now();
      stderr += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr, lingerMs: firstError ? performance.now() - firstError : Number.NaN }));
  });
}

/** Waits until `check` returns a value that is not undefined. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a Redis with a password (requirepass)', () => {
  const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
  let server: OwnRedis;
  let url: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const port = await freePort();
    server = await startRedisServer(['--port', String(port), '--requirepass', PASSWORD], port, { password: PASSWORD });
    url = `redis://:${PASSWORD}@127.0.0.1:${port}`;
    env = envFor(url);
    await ensureSeeded(env);
  }, 60_000);
  afterAll(() => server?.stop());

  it('runs and serves reads equal to the source with redis://:password@', async () => {
    const results = [await expectRun(env), ...(await expectReads(env))];
    for (const r of results) expect(r.stderr + r.stdout).not.toContain(PASSWORD);
  }, 60_000);

  it('a wrong or missing password: exit 1, one line, the credentials refused, the password hidden', async () => {
    const wrong = `wrong-${randomBytes(4).toString('hex')}`;
    const port = server.port;
    const bad = await lingerAfterError(['stats', '--json'], { ...env, PREWARM_QUEUE_REDIS_URL: `redis://:${wrong}@127.0.0.1:${port}` });
    expectFailure(bad, 1, ['refused the credentials', 'PREWARM_QUEUE_REDIS_URL', `redis://:***@127.0.0.1:${port}`], [wrong, PASSWORD, 'start one with']);
    // It exits once it has said so (ioredis' 2 s disconnect timer of a socket already closed would hold it).
    expect(bad.lingerMs).toBeLessThan(1000);

    const none = await runCli(['run', '--json', '--end', END], { ...env, PREWARM_QUEUE_REDIS_URL: `redis://127.0.0.1:${port}` });
    expectFailure(none, 1, ['refused the credentials', 'PREWARM_QUEUE_REDIS_URL'], [PASSWORD, 'start one with']);

    // The cache role: the queue URL is right, the cache URL is not; the message names the cache variable.
    const cache = await runCli(['get', 'diagnosis', '--stores', 'all', ...LAST30], { ...env, PREWARM_CACHE_REDIS_URL: `redis://:${wrong}@127.0.0.1:${port}` });
    expectFailure(cache, 1, ['refused the credentials', 'PREWARM_CACHE_REDIS_URL', 'cache role', ':***@'], [wrong, PASSWORD, 'start one with']);
  });
});

describe('an ACL user (the default user off)', () => {
  const USER = 'app';
  const SECRET = `s3cret-${randomBytes(6).toString('hex')}`;
  const ADMIN = `adm-${randomBytes(6).toString('hex')}`; // the test's own user, to switch `app` off and on
  let server: OwnRedis;
  let admin: Redis;
  let env: Record<string, string>;
  const leaks = (text: string) => text.includes(SECRET) || text.includes(ADMIN);

  beforeAll(async () => {
    const port = await freePort();
    // redis-server 7.0 takes `user` directives on the command line, one `--user` each.
    server = await startRedisServer(
      ['--port', String(port), '--user', USER, 'on', `>${SECRET}`, '~*', '&*', '+@all', '--user', 'admin', 'on', `>${ADMIN}`, '~*', '&*', '+@all', '--user', 'default', 'off'],
      port,
      { username: USER, password: SECRET },
    );
    admin = new Redis({ host: '127.0.0.1', port, username: 'admin', password: ADMIN, maxRetriesPerRequest: 1 });
    // Debug logs: every error a connection reports reaches stderr, where no credential may appear.
    env = envFor(`redis://${USER}:${SECRET}@127.0.0.1:${port}`, { PREWARM_LOG_LEVEL: 'debug' });
    await ensureSeeded(env);
  }, 60_000);
  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
  });

  it('the default user is really off: without credentials the server refuses', async () => {
    const r = await runCli(['stats', '--json'], { ...env, PREWARM_QUEUE_REDIS_URL: `redis://127.0.0.1:${server.port}` });
    expectFailure(r, 1, ['refused the credentials'], ['start one with']);
  });

  it('seed, run, get and stats work with redis://app:password@; no credential in their output', async () => {
    const results = [ok(await runCli(SEED, env)), await expectRun(env), ...(await expectReads(env))];
    const stats = ok(await runCli(['stats', '--json'], env));
    const parsed = JSON.parse(stats.stdout);
    expect(parsed.level_3).toBeGreaterThan(0);
    expect(parsed.levels.l3.hits).toBeGreaterThan(0);
    results.push(stats);
    // The debug logs were written (so a leak would show), and hold no credential.
    expect(results.some((r) => r.stderr.includes('"level":'))).toBe(true);
    for (const r of results) {
      expect(leaks(r.stdout), r.stdout.slice(0, 200)).toBe(false);
      expect(leaks(r.stderr), r.stderr).toBe(false);
    }
    const wrong = await runCli(['stats', '--json'], { ...env, PREWARM_QUEUE_REDIS_URL: `redis://${USER}:nope@127.0.0.1:${server.port}` });
    expectFailure(wrong, 1, ['refused the credentials', `redis://${USER}:***@`, 'PREWARM_QUEUE_REDIS_URL'], ['nope', SECRET, 'start one with']);
  }, 60_000);

  it('serve: stats, metrics, readyz and error answers hold no credential, also while Redis refuses them', async () => {
    const httpPort = await freePort();
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PREWARM_')));
    const child = spawn(process.execPath, [join(REPO_ROOT, 'apps/cli/bin/prewarm.js'), 'serve'], {
      cwd: REPO_ROOT,
      env: { ...base, ...env, PREWARM_HTTP_PORT: String(httpPort), PREWARM_HTTP_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const http = `http://127.0.0.1:${httpPort}`;
    const answers: string[] = [];
    const get = async (path: string) => {
      const res = await fetch(`${http}${path}`);
      const body = await res.text();
      answers.push(`${path} ${res.status} ${JSON.stringify([...res.headers])} ${body}`);
      return { status: res.status, body };
    };
    try {
      await Promise.race([
        until('serve to listen', async () => (stderr.includes('prewarm serving on') ? true : undefined)),
        exited.then((code) => Promise.reject(new Error(`serve exited with ${code}: ${stderr}`))),
      ]);

      const stats = await get('/v1/stats');
      expect(stats.status).toBe(200);
      expect(JSON.parse(stats.body)).toHaveProperty('level_3');
      const metrics = await get('/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('prewarm_');
      const ready = await get('/readyz');
      expect(JSON.parse(ready.body).checks).toMatchObject({ queue_redis: 'ok', cache_redis: 'ok' });
      const notFound = await get(`/v1/metrics?store=NOPE&from=2026-11-01&to=${END}`);
      expect(notFound.status).toBe(404);
      const invalid = await get('/v1/diagnosis?stores=all');
      expect(invalid.status).toBe(400);

      // The server refuses the credentials now: `app` is switched off and its connections cut.
      // Every reconnect of serve's connections (the invalidation subscriber and BullMQ's too) gets
      // WRONGPASS: answers say so without the password, and so do the debug logs.
      await admin.acl('SETUSER', USER, 'off');
      await admin.client('KILL', 'USER', USER);
      const refused = await until('readyz to report the refusal', async () => {
        const r = await get('/readyz');
        const checks = JSON.parse(r.body).checks as Record<string, string>;
        return r.status === 503 && /WRONGPASS|NOAUTH/.test(checks.queue_redis ?? '') ? checks : undefined;
      });
      expect(refused.cache_redis).not.toBe('ok');
      expect((await get('/v1/stats')).status).toBe(503);
      // Reads go on from the source while the cache cannot be used (x-cache: bypass); the
      // answers are collected with the others and checked for credentials below.
      expect((await get(`/v1/diagnosis?stores=all&from=2026-11-01&to=${END}`)).status).toBe(200);
      await get('/metrics');
      // Several reconnects, each refused, have been logged.
      await until('refusals in the log', async () => ((stderr.match(/WRONGPASS/g) ?? []).length >= 3 ? true : undefined));

      // Back on: serve reconnects by itself.
      await admin.acl('SETUSER', USER, 'on');
      await until('readyz to recover', async () => {
        const r = await get('/readyz');
        return JSON.parse(r.body).checks.queue_redis === 'ok' ? true : undefined;
      });
      expect((await get('/v1/stats')).status).toBe(200);
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
      await admin.acl('SETUSER', USER, 'on');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('WRONGPASS');
    for (const a of answers) expect(leaks(a), a).toBe(false);
    expect(leaks(stderr), stderr.split('\n').filter(leaks).join('\n')).toBe(false);
    expect(leaks(stdout)).toBe(false);
  }, 60_000);
});

describe('TLS (rediss://), server certificate only', () => {
  let server: OwnRedis;
  let plain: TestRedis;
  let url: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const port = await freePort();
    server = await startRedisServer(
      ['--port', '0', '--tls-port', String(port), '--tls-cert-file', certs.serverCert, '--tls-key-file', certs.serverKey, '--tls-ca-cert-file', certs.ca, '--tls-auth-clients', 'no'],
      port,
      { tls: { ca: readFileSync(certs.ca) } },
    );
    plain = await startTestRedis({ url: null, docker: false });
    url = `rediss://127.0.0.1:${port}`;
    env = envFor(url, { PREWARM_REDIS_TLS_CA: certs.ca });
    await ensureSeeded(env);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await plain?.stop();
  });

  it('run (with its embedded worker) and reads work with PREWARM_REDIS_TLS_CA', async () => {
    await expectRun(env);
    await expectReads(env);
    // localhost is in the certificate too.
    const stats = JSON.parse(ok(await runCli(['stats', '--json'], { ...env, PREWARM_QUEUE_REDIS_URL: `rediss://localhost:${server.port}` })).stdout);
    expect(stats.level_3).toBeGreaterThan(0);
  }, 60_000);

  it('without the CA, or with a CA that did not sign the certificate: exit 1, one line, not trusted', async () => {
    const { PREWARM_REDIS_TLS_CA: _ca, ...noCa } = env;
    for (const r of [await runCli(['run', '--json', '--end', END], noCa), await runCli(['get', 'diagnosis', '--stores', 'all', ...LAST30], { ...env, PREWARM_REDIS_TLS_CA: certs.otherCa })]) {
      const line = expectFailure(r, 1, ['the TLS connection failed', 'PREWARM_REDIS_TLS_CA', 'PREWARM_QUEUE_REDIS_URL', url], ['start one with']);
      expect(line).toMatch(/certificate/i);
    }
  });

  it('an unreadable CA file: exit 2, one line naming PREWARM_REDIS_TLS_CA', async () => {
    const missing = join(certs.dir, 'no-such-ca.pem');
    const r = await runCli(['stats', '--json'], { ...env, PREWARM_REDIS_TLS_CA: missing });
    expectFailure(r, 2, ['PREWARM_REDIS_TLS_CA', missing], ['start one with']);
  });

  it('a URL whose scheme does not match the port is not answered with "start a redis-server"', async () => {
    // redis:// to the TLS port: the server closes the connection (something answers, in TLS).
    const toTls = await runCli(['stats', '--json'], { ...env, PREWARM_QUEUE_REDIS_URL: `redis://127.0.0.1:${server.port}` });
    expectFailure(toTls, 1, ['PREWARM_QUEUE_REDIS_URL', 'rediss://'], ['start one with']);
    // rediss:// to a plain port: no TLS handshake ever completes.
    const plainPort = new URL(plain.url).port;
    const toPlain = await runCli(['stats', '--json'], { ...env, PREWARM_QUEUE_REDIS_URL: `rediss://127.0.0.1:${plainPort}` });
    expectFailure(toPlain, 1, ['PREWARM_QUEUE_REDIS_URL', `rediss://127.0.0.1:${plainPort}`, 'redis://'], ['start one with']);
  });
});

describe('TLS with client certificates (--tls-auth-clients yes)', () => {
  let server: OwnRedis;
  let env: Record<string, string>;

  beforeAll(async () => {
    const port = await freePort();
    server = await startRedisServer(
      ['--port', '0', '--tls-port', String(port), '--tls-cert-file', certs.serverCert, '--tls-key-file', certs.serverKey, '--tls-ca-cert-file', certs.ca, '--tls-auth-clients', 'yes'],
      port,
      { tls: { ca: readFileSync(certs.ca), cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) } },
    );
    env = envFor(`rediss://127.0.0.1:${port}`, { PREWARM_REDIS_TLS_CA: certs.ca, PREWARM_REDIS_TLS_CERT: certs.clientCert, PREWARM_REDIS_TLS_KEY: certs.clientKey });
    await ensureSeeded(env);
  }, 60_000);
  afterAll(() => server?.stop());

  it('works with PREWARM_REDIS_TLS_CERT and PREWARM_REDIS_TLS_KEY', async () => {
    await expectRun(env);
    await expectReads(env);
  }, 60_000);

  it('without a client certificate: exit 1, one line naming PREWARM_REDIS_TLS_CERT', async () => {
    const { PREWARM_REDIS_TLS_CERT: _c, PREWARM_REDIS_TLS_KEY: _k, ...caOnly } = env;
    const r = await runCli(['run', '--json', '--end', END], caOnly);
    expectFailure(r, 1, ['the TLS connection failed', 'asks for a client certificate', 'PREWARM_REDIS_TLS_CERT', 'PREWARM_REDIS_TLS_KEY', 'PREWARM_QUEUE_REDIS_URL'], ['start one with', 'SSL routines']);
  });

  it('a client certificate the server does not trust: exit 1, one line naming PREWARM_REDIS_TLS_CERT', async () => {
    const r = await runCli(['stats', '--json'], { ...env, PREWARM_REDIS_TLS_CERT: certs.otherClientCert, PREWARM_REDIS_TLS_KEY: certs.otherClientKey });
    expectFailure(r, 1, ['the TLS connection failed', 'did not accept the client certificate', 'PREWARM_REDIS_TLS_CERT'], ['start one with', 'SSL routines']);
  });

  it('a certificate without its key: exit 2, the missing variable named', async () => {
    const { PREWARM_REDIS_TLS_KEY: _k, ...certOnly } = env;
    const r = await runCli(['stats', '--json'], certOnly);
    expectFailure(r, 2, ['PREWARM_REDIS_TLS_KEY'], []);
  });
});

describe('Redis URLs that do not parse', () => {
  const env = { ...SOURCE };

  it('an unknown scheme: exit 2, the variable named, the password hidden', async () => {
    const r = await runCli(['stats', '--json'], { ...env, PREWARM_QUEUE_REDIS_URL: 'redis+bogus://u:hunter2@h:1' });
    expectFailure(r, 2, ['PREWARM_QUEUE_REDIS_URL', 'u:***@'], ['hunter2']);
  });

  it('a port that is not a number: exit 2, the variable named', async () => {
    const r = await runCli(['stats', '--json'], { ...env, PREWARM_QUEUE_REDIS_URL: 'redis://127.0.0.1:notaport' });
    expectFailure(r, 2, ['PREWARM_QUEUE_REDIS_URL', 'notaport'], []);
    const cache = await runCli(['stats', '--json'], { ...env, PREWARM_CACHE_REDIS_URL: 'redis://u:hunter2@127.0.0.1:99999' });
    expectFailure(cache, 2, ['PREWARM_CACHE_REDIS_URL', 'u:***@'], ['hunter2', 'PREWARM_QUEUE_REDIS_URL']);
  });

  // Known bug, in redactRedisUrl (packages/config/src/redis-url.ts, not this file's to fix): a
  // password holding "/" or "@" (base64-made passwords hold "/") is shown whole or in part.
  // parseRedisUrl accepts such a URL (the user info ends at the last "@"), so the leak reaches
  // every message naming the URL. Remove `.fails` when redactRedisUrl masks up to the last "@".
  it('a password holding "/" or "@" is hidden too', async () => {
    const slash = await runCli(['stats', '--json'], { ...env, PREWARM_QUEUE_REDIS_URL: 'redis://u:hun/ter2@127.0.0.1:notaport' });
    expectFailure(slash, 2, ['PREWARM_QUEUE_REDIS_URL', 'u:***@'], ['hun/ter2', 'ter2']);
    const at = await runCli(['stats', '--json'], { ...env, PREWARM_QUEUE_REDIS_URL: 'redis://u:hun@ter2@127.0.0.1:notaport' });
    expectFailure(at, 2, ['PREWARM_QUEUE_REDIS_URL', 'u:***@'], ['hun@ter2', 'ter2']);
  });
});
