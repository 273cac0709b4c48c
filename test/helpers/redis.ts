/**
 * Gives tests a real Redis, in this order of preference:
 *   1. `REDIS_URL`, when set (CI or a developer's own server);
 *   2. a `redis-server` started here on a free port, in a temporary directory, nothing kept;
 *   3. a Redis container through testcontainers, when a Docker engine answers.
 * When none works it fails loudly, naming the three options. Never a mock.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface TestRedis {
  url: string;
  /** How it was obtained. */
  origin: 'REDIS_URL' | 'redis-server' | 'testcontainers';
  /** Stops what this helper started (a no-op for REDIS_URL). */
  stop(): Promise<void>;
}

export interface TestRedisOptions {
  /** Defaults to `process.env.REDIS_URL`; pass `null` to ignore it. */
  url?: string | null;
  /** The redis-server binary (default `redis-server` on PATH); `null` to skip this option. */
  redisServer?: string | null;
  /** Try testcontainers (default true). */
  docker?: boolean;
  /** Extra redis-server arguments, e.g. ['--maxmemory', '64mb']. */
  args?: string[];
}

export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const envUrl = options.url === undefined ? process.env.REDIS_URL : options.url;
  const failures: string[] = [];
  if (envUrl) {
    await assertPing(envUrl);
    return { url: envUrl, origin: 'REDIS_URL', stop: async () => {} };
  }
  failures.push('REDIS_URL is not set');

  const binary = options.redisServer === undefined ? 'redis-server' : options.redisServer;
  if (binary !== null) {
    try {
      return await startRedisServer(binary, options.args ?? []);
    } catch (err) {
      failures.push(`${binary}: ${(err as Error).message}`);
    }
  } else failures.push('redis-server was not allowed');

  if (options.docker !== false) {
    try {
      return await startContainer();
    } catch (err) {
      failures.push(`testcontainers: ${(err as Error).message.split('\n')[0]}`);
    }
  } else failures.push('testcontainers was not allowed');

  throw new Error(
    `no Redis for the tests: set REDIS_URL, install redis-server (apt-get install redis-server), or run a Docker engine for testcontainers (${failures.join('; ')})`,
  );
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function startRedisServer(binary: string, args: string[]): Promise<TestRedis> {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error('binary not found or not runnable');
  const dir = mkdtempSync(join(tmpdir(), 'prewarm-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`exited with code ${code}`))));
  try {
    await Promise.race([waitForPing(url, 10_000), exited]);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    origin: 'redis-server',
    stop: async () => {
      if (child.exitCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startContainer(): Promise<TestRedis> {
  // Imported lazily: testcontainers is only needed when neither option above works.
  const { GenericContainer } = await import('testcontainers');
  const container = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
  return {
    url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
    origin: 'testcontainers',
    stop: async () => {
      await container.stop();
    },
  };
}

async function assertPing(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  client.on('error', () => {}); // the rejected connect() below reports it
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(`REDIS_URL=${url} does not answer: ${(err as Error).message}`);
  } finally {
    client.disconnect();
  }
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertPing(url);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Runs one exchange with the redis-server on a local port over a short-lived connection (no retries). */
export async function withNode<T>(port: number, run: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  client.on('error', () => {}); // the rejected command reports it
  try {
    await client.connect();
    return await run(client);
  } finally {
    client.disconnect();
  }
}
