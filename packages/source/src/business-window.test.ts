import { describe, expect, it } from 'vitest';
import { businessWindow } from './business-window.js';
import { SourceError } from './types.js';

describe('businessWindow', () => {
  it('widens [from, to] to the UTC instants where those days start (UTC+14) and end (UTC−12)', () => {
    const w = businessWindow({ from: '2026-11-02', to: '2026-11-03' });
    expect(new Date(w.startMs).toISOString()).toBe('2026-11-01T10:00:00.000Z');
    expect(new Date(w.endMs).toISOString()).toBe('2026-11-04T12:00:00.000Z');
    expect(w.lastDay - w.firstDay).toBe(1);
  });

  it('rejects malformed or reversed ranges with a SourceError', () => {
    expect(() => businessWindow({ from: '2026-11-3', to: '2026-11-03' })).toThrow(SourceError);
    expect(() => businessWindow({ from: '2026-11-04', to: '2026-11-03' })).toThrow('invalid range: from 2026-11-04 is after to 2026-11-03');
  });
});
