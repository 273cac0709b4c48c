import { describe, expect, it } from 'vitest';
import { newRunId } from './run-id.js';

describe('newRunId', () => {
  const now = new Date('2026-12-02T03:15:00.123Z');

  it('stamps the UTC time and tags runs started over HTTP', () => {
    expect(newRunId('cli', now)).toMatch(/^run-20261202031500-[0-9a-f]{6}$/);
    expect(newRunId('http', now)).toMatch(/^run-20261202031500-http[0-9a-z]{1,6}$/);
  });

  it('is a valid BullMQ job id (no colon) and unique', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newRunId('cli', now)));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).not.toContain(':');
  });
});
