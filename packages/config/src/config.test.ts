import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';
import { ENV_DOCS, EnvSchema } from './schema.js';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies the contract §9 defaults', () => {
    const c = parseConfig({});
    expect(c.source).toEqual({ url: 'sqlite:./data/orders.db', kind: 'sqlite' });
    expect(c.redis).toEqual({ queueUrl: 'redis://127.0.0.1:6379', cacheUrl: 'redis://127.0.0.1:6379', shared: true, tls: { ca: null, cert: null, key: null } });
    expect(c.http.port).toBe(8080);
    expect(c.thresholds.MARGIN_LOW).toEqual({ warning: 0.15, critical: 0.05 });
    expect(c.thresholds.DISCOUNT_HIGH).toEqual({ warning: 0.3, critical: null });
  });

  it('reads postgres URLs and a separate cache Redis', () => {
    const c = parseConfig({
      PREWARM_SOURCE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      PREWARM_QUEUE_REDIS_URL: 'redis://q:6379',
      PREWARM_CACHE_REDIS_URL: 'redis://c:6380',
      PREWARM_HTTP_PORT: '9090',
    });
    expect(c.source.kind).toBe('postgres');
    expect(c.redis).toEqual({ queueUrl: 'redis://q:6379', cacheUrl: 'redis://c:6380', shared: false, tls: { ca: null, cert: null, key: null } });
    expect(c.http.port).toBe(9090);
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig({ PREWARM_HTTP_PORT: '' }).http.port).toBe(8080);
  });

  it('returns a frozen object', () => {
    const c = parseConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.thresholds.MARGIN_LOW)).toBe(true);
  });

  it.each([
    ['PREWARM_SOURCE_URL', 'mysql://x', 'sqlite:PATH or postgres://'],
    ['PREWARM_HTTP_PORT', 'eighty', 'must be a number'],
    ['PREWARM_HTTP_PORT', '70000', 'between 1 and 65535'],
    ['PREWARM_HTTP_PORT', '80.5', 'whole number'],
    ['PREWARM_QUEUE_REDIS_URL', 'localhost:6379', 'redis://'],
    ['PREWARM_LOG_LEVEL', 'loud', 'PREWARM_LOG_LEVEL'],
    ['PREWARM_RULE_MARGIN_LOW_WARNING', 'abc', 'must be a number'],
  ])('rejects %s=%s with one line naming the variable', (name, value, expected) => {
    const err = errorOf({ [name]: value });
    expect(err.variable).toBe(name);
    expect(err.message).toContain(name);
    expect(err.message).toContain(expected);
    expect(err.message).toContain(JSON.stringify(value));
    expect(err.message).not.toContain('\n');
  });

  it('never shows a password of a rejected Redis URL', () => {
    const err = errorOf({ PREWARM_QUEUE_REDIS_URL: 'redis+bogus://app:hunter2@q:6379' });
    expect(err.variable).toBe('PREWARM_QUEUE_REDIS_URL');
    expect(err.message).toContain('redis+bogus://app:***@q:6379');
    expect(err.message).not.toContain('hunter2');
    expect(errorOf({ PREWARM_CACHE_REDIS_URL: 'redis://h:notaport' }).message).toMatch(/^invalid PREWARM_CACHE_REDIS_URL: has a bad host:port/);
  });

  it('reads the TLS files, and wants a client certificate and key together', () => {
    expect(parseConfig({ PREWARM_REDIS_TLS_CA: '/etc/ca.pem' }).redis.tls).toEqual({ ca: '/etc/ca.pem', cert: null, key: null });
    const err = errorOf({ PREWARM_REDIS_TLS_CERT: '/etc/client.pem' });
    expect(err.variable).toBe('PREWARM_REDIS_TLS_KEY');
    expect(err.message).toContain('needs both');
  });

  it.each([
    [{ PREWARM_RULE_LOSS_ORDERS_HIGH_WARNING: '0.5' }, 'PREWARM_RULE_LOSS_ORDERS_HIGH_CRITICAL', 'at least'],
    [{ PREWARM_RULE_MARGIN_LOW_WARNING: '-1', PREWARM_RULE_MARGIN_LOW_CRITICAL: '1' }, 'PREWARM_RULE_MARGIN_LOW_CRITICAL', 'at most'],
    [{ PREWARM_RULE_REVENUE_DROP_WARNING: '0.5', PREWARM_RULE_REVENUE_DROP_CRITICAL: '0.1' }, 'PREWARM_RULE_REVENUE_DROP_WARNING', 'negative'],
  ])('rejects inconsistent thresholds %j', (env, variable, expected) => {
    const err = errorOf(env);
    expect(err.variable).toBe(variable);
    expect(err.message).toContain(expected);
  });

  it('documents every variable', () => {
    expect(Object.keys(ENV_DOCS).sort()).toEqual(Object.keys(EnvSchema.shape).sort());
  });
});
