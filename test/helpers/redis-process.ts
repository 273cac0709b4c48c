/**
 * One redis-server process that a fault test can stop and start again on the same port and
 * directory (its AOF comes back with it), shut down cleanly, hang (SIGSTOP) and resume.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, withNode } from './redis.js';

export interface RedisProcess {
  url: string;
  port: number;
  /** `SHUTDOWN` (an AOF is written first), then waits for the process to end. */
  shutdown(): Promise<void>;
  /** Starts redis-server again on the same port and directory; resolves once it answers. */
  start(): Promise<void>;
  /** SIGSTOP: the server hangs, connections stay open. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** Stops it for good and removes its directory. */
  stop(): Promise<void>;
}

export async function startRedisProcess(args: readonly string[] = []): Promise<RedisProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'prewarm-redis-proc-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const ended = () => (alive() ? new Promise<void>((resolve) => child!.once('exit', () => resolve())) : Promise.resolve());
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, ...args], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        // An AOF being loaded answers LOADING: wait until commands work.
        await withNode(port, (r) => r.set('__probe', '1').then(() => r.del('__probe')));
        return;
      } catch (err) {
        if (!alive() || Date.now() > deadline) throw new Error(`redis-server on ${port} did not start: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    shutdown: async () => {
      const gone = ended();
      await withNode(port, (r) => r.call('SHUTDOWN')).catch(() => {}); // the connection closes as it ends
      await gone;
    },
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    stop: async () => {
      if (alive()) {
        child!.kill('SIGCONT');
        const gone = ended();
        child!.kill('SIGKILL');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
