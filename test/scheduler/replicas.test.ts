/**
 * Two scheduler replicas in two processes (own clocks, own timers, own connections) on one
 * state Redis: every slot is enqueued by exactly one of them — also when the replica holding a
 * slot's claim is SIGKILLed before it enqueued: the other takes the slot over once the lease lapses.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { countBy, uniquePrefix, waitUntil } from './harness.js';

interface Line {
  event: 'started' | 'tick' | 'enqueue' | 'warn' | 'error' | 'stopped';
  slot?: string;
  outcome?: string;
}

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./fixtures/replica.mjs', import.meta.url));

let redis: TestRedis;
const children: ChildProcessWithoutNullStreams[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await redis.stop();
});

function replica(prefix: string, id: string, extra: string[] = []): { lines: Line[]; stderr: () => string; exited: Promise<number | null>; child: ChildProcessWithoutNullStreams } {
  const child = spawn(process.execPath, [SCRIPT, redis.url, prefix, id, ...extra], { cwd: REPO_ROOT });
  children.push(child);
  const lines: Line[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const complete = buffer.split('\n');
    buffer = complete.pop()!;
    for (const line of complete) if (line.trim()) lines.push(JSON.parse(line) as Line);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { lines, stderr: () => stderr, exited, child };
}

describe('two replicas in two processes', () => {
  it('enqueue each slot exactly once in total', async () => {
    const prefix = uniquePrefix();
    const a = replica(prefix, 'process-a');
    const b = replica(prefix, 'process-b');
    const ticked = (r: typeof a) => new Set(r.lines.filter((l) => l.event === 'tick').map((l) => l.slot!));
    const contested = () => [...ticked(a)].filter((slot) => ticked(b).has(slot));
    await waitUntil(`3 slots contested by both processes (stderr: ${a.stderr()}${b.stderr()})`, () => contested().length >= 3, 20_000);

    for (const child of children) child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    expect(a.lines.at(-1)?.event).toBe('stopped');
    expect(b.lines.at(-1)?.event).toBe('stopped');

    const enqueued = [...a.lines, ...b.lines].filter((l) => l.event === 'enqueue').map((l) => l.slot!);
    const counts = countBy(enqueued);
    expect(counts.size).toBeGreaterThanOrEqual(2);
    expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
    for (const slot of contested()) expect(counts.get(slot), slot).toBe(1);
    // Each process won its claims and enqueued exactly those; it lost the others.
    for (const r of [a, b]) {
      const won = r.lines.filter((l) => l.event === 'tick' && l.outcome === 'claimed').map((l) => l.slot);
      expect(r.lines.filter((l) => l.event === 'enqueue').map((l) => l.slot)).toEqual(won);
    }
    expect([...a.lines, ...b.lines].filter((l) => l.event === 'error')).toEqual([]);
  });

  it('a replica SIGKILLed while it holds claims it never enqueued: the other enqueues those slots once, after the lease', async () => {
    const prefix = uniquePrefix();
    const hung = replica(prefix, 'process-hung', ['hang', '2']);
    const live = replica(prefix, 'process-live', ['ok', '2']);
    const claimedBy = (r: typeof hung) => r.lines.filter((l) => l.event === 'tick' && l.outcome === 'claimed').map((l) => l.slot!);
    await waitUntil(`the hung replica to claim a slot (stderr: ${hung.stderr()}${live.stderr()})`, () => claimedBy(hung).length >= 1, 20_000);
    hung.child.kill('SIGKILL');
    await hung.exited;
    const orphans = claimedBy(hung);
    const enqueuedByLive = () => live.lines.filter((l) => l.event === 'enqueue').map((l) => l.slot!);
    await waitUntil('the live replica to enqueue every orphaned slot', () => orphans.every((slot) => enqueuedByLive().includes(slot)), 20_000);
    const takenOver = live.lines.filter((l) => l.event === 'tick' && l.outcome === 'taken-over').map((l) => l.slot!);
    expect(takenOver.sort()).toEqual([...orphans].sort());
    live.child.kill('SIGTERM');
    expect(await live.exited).toBe(0);
    expect(hung.lines.filter((l) => l.event === 'enqueue')).toEqual([]);
    const counts = countBy(enqueuedByLive());
    expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
    expect(live.lines.filter((l) => l.event === 'error')).toEqual([]);
  }, 60_000);
});
