import { afterEach, describe, expect, it } from 'vitest';
import { runUntilSignal } from './signals.js';

const listeners = () => [process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')];

describe('runUntilSignal', () => {
  const before = listeners();
  afterEach(() => expect(listeners()).toEqual(before));

  it('stops the service with the signal that came, and stops listening', async () => {
    const stopped: string[] = [];
    const running = runUntilSignal(
      async () => 'service',
      async (service, signal) => void stopped.push(`${service} ${signal}`),
    );
    await new Promise((resolve) => setImmediate(resolve));
    process.emit('SIGINT');
    await running;
    expect(stopped).toEqual(['service SIGINT']);
  });

  it('keeps a signal that arrives during start-up and stops the service once it is up', async () => {
    const stopped: string[] = [];
    let up!: () => void;
    const running = runUntilSignal(
      () => new Promise<string>((resolve) => (up = () => resolve('late service'))),
      async (service, signal) => void stopped.push(`${service} ${signal}`),
    );
    process.emit('SIGTERM'); // while starting
    expect(stopped).toEqual([]);
    up();
    await running;
    expect(stopped).toEqual(['late service SIGTERM']);
  });

  it('removes its listeners when the start fails, so a later signal has its default effect', async () => {
    await expect(runUntilSignal(async () => Promise.reject(new Error('port in use')), async () => {})).rejects.toThrow('port in use');
  });

  it('gives up on a stop that hangs past the deadline, and says so once', async () => {
    const said: string[] = [];
    let release!: () => void;
    const running = runUntilSignal(
      async () => 'hung service',
      () => new Promise<void>((resolve) => (release = resolve)),
      { withinMs: 50, overdue: (line) => said.push(line) },
    );
    await new Promise((resolve) => setImmediate(resolve));
    process.emit('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(said).toEqual(['not stopped 50 ms after SIGTERM; exiting']);
    release();
    await running;
  });

  it('does not fire the deadline of a stop that finished in time', async () => {
    const said: string[] = [];
    const running = runUntilSignal(async () => 'service', async () => {}, { withinMs: 50, overdue: (line) => said.push(line) });
    await new Promise((resolve) => setImmediate(resolve));
    process.emit('SIGINT');
    await running;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(said).toEqual([]);
  });
});
