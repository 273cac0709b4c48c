import { describe, expect, it } from 'vitest';
import { RedisUrlError, parseRedisUrl, redactRedisUrl } from './redis-url.js';

describe('parseRedisUrl', () => {
  it('reads one server, with credentials, database and TLS', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379')).toEqual({ kind: 'single', node: { host: '127.0.0.1', port: 6379 }, db: 0, tls: false });
    expect(parseRedisUrl('rediss://app:s%40cret@cache.internal:6380/2')).toEqual({
      kind: 'single',
      node: { host: 'cache.internal', port: 6380 },
      db: 2,
      tls: true,
      username: 'app',
      password: 's@cret',
    });
    expect(parseRedisUrl('redis://:pw@[::1]')).toEqual({ kind: 'single', node: { host: '::1', port: 6379 }, db: 0, tls: false, password: 'pw' });
  });

  it('reads a cluster from its seed nodes', () => {
    expect(parseRedisUrl('redis+cluster://10.0.0.1:7000,10.0.0.2:7001,node-3')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: 'node-3', port: 6379 },
      ],
      tls: false,
    });
    expect(parseRedisUrl('rediss+cluster://u:p@h:7000')).toMatchObject({ kind: 'cluster', tls: true, username: 'u', password: 'p' });
  });

  it('reads sentinels and the master name', () => {
    expect(parseRedisUrl('redis+sentinel://s1:26379,s2/mymaster')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      masterName: 'mymaster',
      db: 0,
      tls: false,
    });
    expect(parseRedisUrl('redis+sentinel://:pw@s1/queue/3')).toMatchObject({ masterName: 'queue', db: 3, password: 'pw' });
  });

  it.each([
    ['redis+bogus://pw:secret@h:1', 'must start with'],
    ['localhost:6379', 'must start with'],
    ['redis://h:notaport', 'bad host:port'],
    ['redis://h:70000', 'out of range'],
    ['redis://a:1,b:2', 'use redis+cluster://'],
    ['redis://h:1/x', 'bad database number'],
    ['redis+cluster://h:1/0', 'takes no path'],
    ['redis+sentinel://s1:26379', 'ends with /MASTERNAME'],
    ['redis://', 'names no host'],
    ['redis://h:1?tls=true', 'no query string'],
  ])('refuses %s, saying why without the password', (url, why) => {
    let err: unknown;
    try {
      parseRedisUrl(url);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RedisUrlError);
    expect((err as Error).message).toContain(why);
    expect((err as Error).message).not.toContain('secret');
  });
});

describe('redactRedisUrl', () => {
  it('hides the password, keeps the user, hosts and path', () => {
    expect(redactRedisUrl('redis://user:s3cret@cache.internal:6380/2')).toBe('redis://user:***@cache.internal:6380/2');
    expect(redactRedisUrl('rediss+cluster://:s3cret@h1:7000,h2:7001')).toBe('rediss+cluster://:***@h1:7000,h2:7001');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactRedisUrl('redis://u:hun/ter2@h:1/0')).toBe('redis://u:***@h:1/0');
    expect(redactRedisUrl('redis://u:hun@ter2@h:1')).toBe('redis://u:***@h:1');
    expect(redactRedisUrl('postgres://app:p@ss@db:5432/x')).toBe('postgres://app:***@db:5432/x');
  });
});
