import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { SourceError, openSource, openWriter } from '@prewarm/source';
import { afterAll, describe, expect, it } from 'vitest';
import { ORDERS, STORES, runSourceContract } from './contract.js';

const ORDER_COLUMNS = Object.keys(ORDERS[0]!);
const root = mkdtempSync(join(tmpdir(), 'prewarm-sqlite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

function rawInsert(path: string, table: string, rows: readonly Record<string, unknown>[], columns: readonly string[]): void {
  const db = new Database(path);
  try {
    db.pragma('foreign_keys = OFF'); // better-sqlite3 enforces them by default; raw rows may break them
    const insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    for (const row of rows) insert.run(...columns.map((c) => row[c]));
  } finally {
    db.close();
  }
}

runSourceContract({
  name: 'SQLite',
  textTimes: true,
  unreachable: {
    url: `sqlite:${join(root, 'missing', 'orders.db')}`,
    message: /^source database .*missing\/orders\.db does not exist \(run "prewarm seed" or "prewarm import" first\)$/,
  },
  async create() {
    const path = join(root, `source-${++counter}`, 'orders.db'); // the writer creates the directory
    return {
      url: `sqlite:${path}`,
      insertRawStores: async (rows) => rawInsert(path, 'stores', rows, ['store_id', 'name', 'city', 'timezone']),
      insertRawOrders: async (rows) => rawInsert(path, 'orders', rows, ORDER_COLUMNS),
      exec: async (sql) => {
        const db = new Database(path);
        db.exec(sql);
        db.close();
      },
      cleanup: async () => undefined,
    };
  },
});

describe('SQLite specifics', () => {
  it('names a relative path as written and resolves it against the working directory', async () => {
    const path = join(root, 'relative', 'orders.db');
    const rel = relative(process.cwd(), path);
    const error = await openSource(`sqlite:${rel}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toBe(`source database ${rel} does not exist (run "prewarm seed" or "prewarm import" first)`);
    const writer = await openWriter(`sqlite:${rel}`);
    await writer.writeStores(STORES);
    await writer.close();
    const source = await openSource(`sqlite:${path}`);
    expect((await source.listStores()).length).toBe(3);
    await source.close();
  });

  it('opens read-only: the source cannot write', async () => {
    const path = join(root, 'readonly', 'orders.db');
    const writer = await openWriter(`sqlite:${path}`);
    await writer.writeStores(STORES);
    await writer.writeOrders([ORDERS]);
    await writer.close();
    const source = await openSource(`sqlite:${path}`);
    // The connection is private; what matters is that the file is opened with readonly: true.
    const db = new Database(path, { readonly: true, fileMustExist: true });
    expect(() => db.exec('DELETE FROM orders')).toThrow(/readonly/);
    db.close();
    expect((await source.maxUpdatedAt()).size).toBe(3);
    await source.close();
  });

  it('a file that is not a database is a SourceError', async () => {
    const path = join(root, 'garbage.db');
    writeFileSync(path, 'this is not sqlite, just some text that is long enough to look like a header......');
    await expect(openSource(`sqlite:${path}`)).rejects.toThrow(SourceError);
  });

  it('keeps the writer indexes after a bulk load into an empty table', async () => {
    const path = join(root, 'bulk', 'orders.db');
    const writer = await openWriter(`sqlite:${path}`);
    await writer.writeStores(STORES);
    await writer.writeOrders([ORDERS]);
    await writer.close();
    const db = new Database(path, { readonly: true });
    const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders' AND sql IS NOT NULL ORDER BY name`).pluck().all();
    expect(indexes).toEqual(['orders_store_ordered_at', 'orders_store_updated_at']);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
