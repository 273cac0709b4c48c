/**
 * The production topology of docker-compose.yml, run from processes on one machine (no Docker):
 * workers, scheduler replicas and the server, each started as `node apps/cli/bin/prewarm.js …`
 * against the given Redis roles and source. Used by `npm run topology` (below) and by the
 * integration tests of the topology and of scale-out.
 *
 *   npx tsx scripts/topology.ts [--workers 2] [--schedulers 2] [--port 8080]
 *
 * reads PREWARM_* from the environment (both Redis roles, the source), starts the processes,
 * waits until the server is ready, and stops them all on Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BIN = fileURLToPath(new URL('../apps/cli/bin/prewarm.js', import.meta.url));

export interface PrewarmProcess {
  name: string;
  child: ChildProcess;
  /** Everything the process wrote on stderr so far (pino JSON lines, warnings). */
  stderr(): string;
  /** SIGTERM, then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface Topology {
  workers: PrewarmProcess[];
  schedulers: PrewarmProcess[];
  server: PrewarmProcess | null;
  /** `http://127.0.0.1:<port>` when a server was started. */
  url: string | null;
  stop(): Promise<void>;
}

export interface TopologyOptions {
  /** PREWARM_* settings of every process (Redis roles, source, prefixes, schedules, …). */
  env: Record<string, string>;
  workers?: number;
  schedulers?: number;
  /** Port of `prewarm serve`; null: no server. */
  port?: number | null;
}

/** Starts `node apps/cli/bin/prewarm.js <args>` with only the given PREWARM_* settings. */
export function startPrewarm(name: string, args: readonly string[], env: Record<string, string>): PrewarmProcess {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PREWARM_')));
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const started: PrewarmProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((p) => p.stop()));
  };
  try {
    const workers = Array.from({ length: options.workers ?? 2 }, (_, i) => startPrewarm(`worker-${i + 1}`, ['worker'], options.env));
    started.push(...workers);
    const schedulers = Array.from({ length: options.schedulers ?? 2 }, (_, i) => startPrewarm(`scheduler-${i + 1}`, ['scheduler'], options.env));
    started.push(...schedulers);
    const port = options.port === undefined ? 8080 : options.port;
    const server = port === null ? null : startPrewarm('server', ['serve'], { ...options.env, PREWARM_HTTP_PORT: String(port), PREWARM_HTTP_HOST: '127.0.0.1' });
    if (server) started.push(server);
    const url = port === null ? null : `http://127.0.0.1:${port}`;
    await waitUntil(async () => {
      const dead = started.find((p) => p.child.exitCode !== null);
      if (dead) throw new Error(`${dead.name} exited with ${dead.child.exitCode}: ${dead.stderr().trim().split('\n').slice(-2).join(' / ')}`);
      if (url) {
        const ready = await fetch(`${url}/readyz`).catch(() => null);
        if (!ready?.ok) return false;
        // Every worker has sent its first heartbeat.
        return (((await ready.json()) as { workers: number | null }).workers ?? 0) >= workers.length;
      }
      return workers.every((w) => w.stderr().includes('"worker started"'));
    }, 30_000);
    return { workers, schedulers, server, url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the topology did not become ready in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: number): number => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('PREWARM_') && e[1] !== undefined));
  const topology = await startTopology({ env, workers: arg('workers', 2), schedulers: arg('schedulers', 2), port: arg('port', Number(env.PREWARM_HTTP_PORT ?? 8080)) });
  console.log(`${topology.workers.length} workers, ${topology.schedulers.length} schedulers and the server at ${topology.url} are up; Ctrl-C stops them`);
  const stop = () => void topology.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
