import { describe, expect, it } from 'vitest';
import { CloseError, StartupScope, closeAll } from './shutdown.js';

describe('closeAll', () => {
  it('runs every step in order when all succeed', async () => {
    const ran: string[] = [];
    await closeAll('thing', [
      ['a', () => void ran.push('a')],
      ['b', async () => void ran.push('b')],
    ]);
    expect(ran).toEqual(['a', 'b']);
  });

  it('runs the steps after a failed one, then reports every failure', async () => {
    const ran: string[] = [];
    const err = await closeAll('worker', [
      ['queues', () => { throw new Error('queue gone'); }],
      ['cache', () => void ran.push('cache')],
      ['source', async () => { throw new Error('db gone'); }],
      ['redis', () => void ran.push('redis')],
    ]).catch((e: unknown) => e);
    expect(ran).toEqual(['cache', 'redis']);
    expect(err).toBeInstanceOf(CloseError);
    const close = err as CloseError;
    expect(close.code).toBe('E_CLOSE');
    expect(close.failures.map((f) => f.step)).toEqual(['queues', 'source']);
    expect(close.errors).toHaveLength(2);
    expect(close.message).toBe('closing worker: queues failed (queue gone); source failed (db gone)');
  });
});

describe('StartupScope', () => {
  it('closes what was opened, newest first, when start-up is abandoned', async () => {
    const closed: string[] = [];
    const scope = new StartupScope();
    expect(await scope.open('a', async () => 'A', (v) => void closed.push(v))).toBe('A');
    await scope.open('b', async () => 'B', () => { throw new Error('b will not close'); });
    await scope.open('c', async () => 'C', (v) => void closed.push(v));
    await expect(scope.open('d', async () => { throw new Error('d failed to open'); }, () => closed.push('D'))).rejects.toThrow('d failed to open');
    await scope.abandon();
    expect(closed).toEqual(['C', 'A']);
  });
});
