import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisUnavailableError, isRedisFailure } from './errors.js';

describe('isRedisFailure', () => {
  it('is true for what a real client reports when no Redis answers, or its connection is closed', async () => {
    const refused = new Redis({ port: 1, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    refused.on('error', () => {});
    const connectError = await refused.connect().catch((err: unknown) => err);
    expect(isRedisFailure(connectError)).toBe(true);
    const closedError = await refused.get('k').catch((err: unknown) => err);
    expect(isRedisFailure(closedError)).toBe(true);
    refused.disconnect();
    expect(isRedisFailure(new RedisUnavailableError('no Redis answers'))).toBe(true);
  });

  it('is false for errors that are the caller\'s own', () => {
    expect(isRedisFailure(new TypeError('x is not a function'))).toBe(false);
    // Configuration to fix, not an outage to ride out.
    const wrongPassword = Object.assign(new Error('WRONGPASS invalid username-password pair or user is disabled.'), { name: 'ReplyError' });
    expect(isRedisFailure(new RedisUnavailableError('refused the credentials', { cause: wrongPassword }))).toBe(false);
    const untrusted = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect(isRedisFailure(new RedisUnavailableError('the TLS connection failed', { cause: untrusted }))).toBe(false);
    expect(isRedisFailure(new Error('invalid from: not a date'))).toBe(false);
    expect(isRedisFailure('Connection is closed.')).toBe(false); // not an Error
  });
});
