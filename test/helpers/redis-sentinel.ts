/**
 * A real Sentinel setup for tests: a master, a replica and three `redis-server --sentinel`
 * processes watching it (quorum 2, a failover after 1 s without an answer). Never a mock.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { freePort, withNode } from './redis.js';

export const MASTER_NAME = 'prewarm-master';

export interface TestSentinel {
  /** `redis+sentinel://127.0.0.1:s1,127.0.0.1:s2,127.0.0.1:s3/prewarm-master`. */
  url: string;
  /** The port of the current master, as the sentinels see it. */
  masterPort(): Promise<number>;
  /** SIGKILLs the redis-server on a port. */
  kill(port: number): void;
  stop(): Promise<void>;
}

export async function startTestSentinel(): Promise<TestSentinel> {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error('redis-server is needed for the sentinel tests (apt-get install redis-server): not found or not runnable');
  const dir = mkdtempSync(join(tmpdir(), 'prewarm-sentinel-'));
  const children = new Map<number, ChildProcess>();
  const start = (port: number, args: string[]) => children.set(port, spawn('redis-server', args, { stdio: 'ignore' }));
  const stop = async (): Promise<void> => {
    await Promise.all(
      [...children.values()].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await gone;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const master = await freePort();
    const replica = await freePort();
    const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    start(master, ['--port', String(master), ...common]);
    start(replica, ['--port', String(replica), '--replicaof', '127.0.0.1', String(master), ...common]);
    await Promise.all([waitFor(master, (r) => r.ping()), waitFor(replica, async (r) => /master_link_status:up/.test(await r.info('replication')) || Promise.reject(new Error('not in sync')))]);
    const sentinels: number[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const conf = join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${master} 2`,
          `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
          `sentinel failover-timeout ${MASTER_NAME} 5000`,
          `sentinel parallel-syncs ${MASTER_NAME} 1`,
          '',
        ].join('\n'),
      );
      start(port, [conf, '--sentinel']);
      sentinels.push(port);
    }
    // Every sentinel sees the master, the replica and the two other sentinels.
    await Promise.all(
      sentinels.map((port) =>
        waitFor(port, async (r) => {
          const [info] = (await r.call('SENTINEL', 'MASTERS')) as string[][];
          const fields = Object.fromEntries((info ?? []).flatMap((v, i, all) => (i % 2 === 0 ? [[v, all[i + 1]]] : [])));
          if (fields['num-slaves'] !== '1' || fields['num-other-sentinels'] !== '2') throw new Error('sentinels not settled');
        }, 20_000),
      ),
    );
    return {
      url: `redis+sentinel://${sentinels.map((p) => `127.0.0.1:${p}`).join(',')}/${MASTER_NAME}`,
      masterPort: async () => {
        for (const port of sentinels) {
          if (children.get(port)?.exitCode !== null) continue;
          const [, p] = (await withNode(port, (r) => r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME))) as [string, string];
          return Number(p);
        }
        throw new Error('no sentinel answers');
      },
      kill: (port) => void children.get(port)?.kill('SIGKILL'),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}


async function waitFor(port: number, check: (r: Redis) => Promise<unknown>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await withNode(port, check);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
