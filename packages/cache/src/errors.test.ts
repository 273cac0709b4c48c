import { describe, expect, it } from 'vitest';
import { CODEC_ERROR_CLASSES } from './codec/errors.js';
import { AccessLogLostError, CACHE_ERROR_CLASSES, CorruptEntryError } from './errors.js';

describe('cache errors', () => {
  it('have unique stable codes, on the class and on every instance', () => {
    const codes = [...CACHE_ERROR_CLASSES, ...CODEC_ERROR_CLASSES].map((c) => c.code);
    expect(codes.slice(0, CACHE_ERROR_CLASSES.length)).toEqual(['E_CORRUPT_ENTRY', 'E_ACCESS_LOG_LOST']);
    expect(new Set(codes).size).toBe(codes.length);
    const instances = [new CorruptEntryError('checksum', 'x'), new AccessLogLostError(3)];
    for (const e of instances) expect(e.code).toBe((e.constructor as { code: string }).code);
  });

  it('keep the cause of what they wrap', () => {
    const cause = new Error('Connection is closed.');
    const lost = new AccessLogLostError(3, { cause });
    expect(lost.cause).toBe(cause);
    expect(lost.message).toBe('3 recorded reads could not be written to the access stream');
    expect(new CorruptEntryError('undecodable', 'x', { cause }).cause).toBe(cause);
  });
});
