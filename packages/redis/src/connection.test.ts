import { describe, expect, it } from 'vitest';
import { redactUrl } from './connection.js';

describe('redactUrl', () => {
  it('hides the password, keeps the user, host and database', () => {
    expect(redactUrl('redis://user:s3cret@cache.internal:6380/2')).toBe('redis://user:***@cache.internal:6380/2');
    expect(redactUrl('rediss://:s3cret@cache.internal:6380')).toBe('rediss://:***@cache.internal:6380');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
