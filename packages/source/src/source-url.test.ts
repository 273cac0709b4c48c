import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSourceUrl } from './source-url.js';

describe('parseSourceUrl', () => {
  it('resolves sqlite paths against the working directory and keeps the written form for messages', () => {
    expect(parseSourceUrl('sqlite:./data/orders.db')).toEqual({ kind: 'sqlite', path: resolve('data/orders.db'), display: './data/orders.db' });
    expect(parseSourceUrl('sqlite:/var/lib/orders.db')).toMatchObject({ path: '/var/lib/orders.db' });
    expect(parseSourceUrl('sqlite:///var/lib/orders.db')).toMatchObject({ path: '/var/lib/orders.db' });
  });

  it('names postgres servers by host, port and database, never by password', () => {
    expect(parseSourceUrl('postgres://u:secret@db.internal:6543/shop?options=-c%20search_path%3Ds1')).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://u:secret@db.internal:6543/shop?options=-c%20search_path%3Ds1',
      display: 'postgres db.internal:6543/shop',
    });
    expect(parseSourceUrl('postgresql://localhost/shop').display).toBe('postgres localhost:5432/shop');
  });

  it('rejects other schemes and empty paths in one line', () => {
    expect(() => parseSourceUrl('mysql://x/y')).toThrow('unsupported source URL scheme mysql: (expected sqlite:PATH or postgres://HOST:PORT/DATABASE)');
    expect(() => parseSourceUrl('orders.db')).toThrow(/unsupported source URL scheme "orders.db"/);
    expect(() => parseSourceUrl('sqlite:')).toThrow(/needs a file path/);
    expect(() => parseSourceUrl('sqlite::memory:')).toThrow(/needs a file path/);
  });
});
