/**
 * A real Redis Cluster for tests: N masters with one replica each, every node a `redis-server`
 * process on its own free ports (data port and cluster-bus port), joined with
 * `redis-cli --cluster create`. Fails loudly when the binaries are missing. Never a mock.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, withNode } from './redis.js';

export interface ClusterNode {
  port: number;
  process: ChildProcess;
}

export interface TestCluster {
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,…` (every node a seed). */
  url: string;
  nodes: ClusterNode[];
  /** Ports of the nodes that are masters right now. */
  masters(): Promise<number[]>;
  /** SIGKILLs one node. */
  kill(port: number): void;
  /** Resolves when every slot is served by a live master and the cluster says ok (after a failover). */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestCluster(options: { masters?: number; replicas?: number; nodeTimeoutMs?: number } = {}): Promise<TestCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 1;
  for (const binary of ['redis-server', 'redis-cli']) {
    const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) throw new Error(`${binary} is needed for the cluster tests (apt-get install redis-server): not found or not runnable`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'prewarm-cluster-'));
  const nodes: ClusterNode[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(
      nodes.map(async (n) => {
        if (n.process.exitCode !== null || n.process.signalCode !== null) return;
        const gone = new Promise((resolve) => n.process.once('exit', resolve));
        n.process.kill('SIGKILL');
        await gone;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const port = await freePort();
      const bus = await freePort();
      const child = spawn(
        'redis-server',
        [
          '--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1',
          '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
          '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 2000),
          '--save', '', '--appendonly', 'no', '--dir', dir,
        ],
        { stdio: 'ignore' },
      );
      nodes.push({ port, process: child });
    }
    await Promise.all(nodes.map((n) => waitForPing(n.port, 10_000)));
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicas), '--cluster-yes'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${(created.stdout + created.stderr).trim().split('\n').slice(-3).join(' / ')}`);
    const cluster: TestCluster = {
      url: `redis+cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`,
      nodes,
      masters: async () => {
        const live = nodes.filter((n) => n.process.exitCode === null && n.process.signalCode === null);
        const roles = await Promise.all(live.map(async (n) => ({ port: n.port, role: await withNode(n.port, (r) => r.role()) })));
        return roles.filter((r) => (r.role as string[])[0] === 'master').map((r) => r.port);
      },
      kill: (port) => void nodes.find((n) => n.port === port)?.process.kill('SIGKILL'),
      waitHealthy: async (timeoutMs = 30_000) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          if (await healthy(nodes)) return;
          if (Date.now() > deadline) throw new Error('the test cluster did not become healthy in time');
          await new Promise((r) => setTimeout(r, 200));
        }
      },
      stop,
    };
    await cluster.waitHealthy();
    return cluster;
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Every live node says `cluster_state:ok` and sees all 16384 slots assigned, and every live
 * replica is in sync with a live master (a replica that never synced cannot take over).
 */
async function healthy(nodes: ClusterNode[]): Promise<boolean> {
  const live = nodes.filter((n) => n.process.exitCode === null && n.process.signalCode === null);
  const infos = await Promise.all(live.map((n) => withNode(n.port, (r) => r.cluster('INFO')).catch(() => '')));
  if (!infos.every((info) => /cluster_state:ok/.test(String(info)) && /cluster_slots_ok:16384/.test(String(info)))) return false;
  const roles = await Promise.all(live.map((n) => withNode(n.port, (r) => r.role()).catch(() => ['unknown'])));
  const livePorts = new Set(live.map((n) => n.port));
  return roles.every((role) => {
    const [kind, , masterPort, state] = role as [string, string, number, string];
    return kind === 'master' || (kind === 'slave' && state === 'connected' && livePorts.has(Number(masterPort)));
  });
}


async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await withNode(port, (r) => r.ping());
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
