/**
 * The load generator of `bench/http.ts`: autocannon 8 driven over IPC from a child process (this
 * file with `--child`), so it does not take the measured server's event loop. Latencies are
 * autocannon's per-response times (float ms, 2xx only); its own histogram rounds to whole ms.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isMain, quantile, stopChild } from './lib.js';

/** The part of autocannon 8's programmatic API used here (the package ships no types). */
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  pipelining: number;
  headers: Record<string, string>;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  latency: { p99: number };
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
}
type Autocannon = (options: AutocannonOptions) => AutocannonInstance;

export interface LoadJob {
  url: string;
  headers: Record<string, string>;
  duration: number;
  connections: number;
}

/** What one load window measured, from the client's side. */
export interface LoadResult {
  ok: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  bytes: number;
  /** Whole-millisecond p99 of autocannon's own histogram, as a cross-check. */
  autocannonP99: number;
  /** CPU of the load generator's process during the window, ms. */
  cpuMs: number;
}

export async function generateLoad(job: LoadJob): Promise<LoadResult> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const times: number[] = [];
  let bytes = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const instance = autocannon({ url: job.url, connections: job.connections, duration: job.duration, pipelining: 1, headers: job.headers });
  instance.on('response', (_client, status, resBytes, ms) => {
    if (status >= 200 && status < 300) {
      times.push(ms);
      bytes += resBytes;
    }
  });
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const sorted = Float64Array.from(times).sort();
  return {
    ok: sorted.length,
    seconds,
    rps: sorted.length / seconds,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    p999: quantile(sorted, 0.999),
    max: sorted[sorted.length - 1] ?? NaN,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    bytes,
    autocannonP99: result.latency.p99,
    cpuMs: (used.user + used.system) / 1000,
  };
}

/** Child mode (this file started by `startGenerator` with `--child`): runs each job the parent sends, answers with its result. */
function serveJobs(): void {
  process.on('message', (job: LoadJob) => {
    void generateLoad(job).then(
      (result) => process.send!({ result }),
      (err: unknown) => process.send!({ error: String((err as Error)?.stack ?? err) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

if (isMain(import.meta.url) && process.argv.includes('--child')) serveJobs();

/** A load generator in a child process, one job at a time. */
export function startGenerator(): { pid: number | undefined; run: (job: LoadJob) => Promise<LoadResult>; close: () => Promise<void> } {
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--cpu-prof') && !a.startsWith('--inspect'));
  const child = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    pid: child.pid,
    run: (job) =>
      new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
        child.once('exit', onExit);
        child.once('message', (m: { result?: LoadResult; error?: string }) => {
          child.off('exit', onExit);
          if (m.result) resolve(m.result);
          else reject(new Error(`load generator: ${m.error}`));
        });
        child.send(job);
      }),
    close: () => stopChild(child),
  };
}
