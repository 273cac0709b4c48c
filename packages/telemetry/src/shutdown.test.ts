import { describe, expect, it } from 'vitest';
import { CloseError, closeAll } from './shutdown.js';

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
