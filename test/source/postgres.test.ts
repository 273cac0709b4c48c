import { SourceError, openSource, openWriter } from '@prewarm/source';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type TestSchema, createTestSchema, withClient } from '../helpers/postgres.js';
import { ORDERS, STORES, runSourceContract } from './contract.js';

const ORDER_COLUMNS = Object.keys(ORDERS[0]!);

async function rawInsert(url: string, table: string, rows: readonly Record<string, unknown>[], columns: readonly string[]): Promise<void> {
  await withClient(url, async (client) => {
    await client.query('SET session_replication_role = replica'); // skip the foreign key: raw rows may break it
    for (const row of rows) {
      await client.query(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        columns.map((c) => row[c]),
      );
    }
  });
}

const schemas: TestSchema[] = [];
afterAll(async () => {
  for (const s of schemas) await s.drop();
});

runSourceContract({
  name: 'PostgreSQL',
  textTimes: false,
  unreachable: {
    url: 'postgres://postgres@127.0.0.1:1/test',
    message: /^source database postgres 127\.0\.0\.1:1\/test is unreachable: .*ECONNREFUSED/,
  },
  async create() {
    const schema = await createTestSchema();
    schemas.push(schema);
    return {
      url: schema.url,
      insertRawStores: (rows) => rawInsert(schema.url, 'stores', rows, ['store_id', 'name', 'city', 'timezone']),
      insertRawOrders: (rows) => rawInsert(schema.url, 'orders', rows, ORDER_COLUMNS),
      exec: async (sql) => {
        await withClient(schema.url, (c) => c.query(sql));
      },
      cleanup: () => schema.drop(),
    };
  },
});

describe('PostgreSQL specifics', () => {
  it('uses the schema of options=-c search_path and creates the §4 types there', async () => {
    const schema = await createTestSchema();
    schemas.push(schema);
    const writer = await openWriter(schema.url);
    await writer.writeStores(STORES);
    await writer.writeOrders([ORDERS]);
    await writer.close();
    const columns = await withClient(schema.url, async (c) =>
      (
        await c.query<{ column_name: string; data_type: string }>(
          `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'orders' ORDER BY ordinal_position`,
          [schema.schema],
        )
      ).rows,
    );
    const type = (name: string): string | undefined => columns.find((c) => c.column_name === name)?.data_type;
    expect(type('ordered_at')).toBe('timestamp with time zone');
    expect(type('updated_at')).toBe('timestamp with time zone');
    expect(type('gross_cents')).toBe('bigint');
    expect(type('items')).toBe('integer');
    const indexes = await withClient(schema.url, async (c) =>
      (await c.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'orders' ORDER BY 1`, [schema.schema])).rows.map(
        (r) => r.indexname,
      ),
    );
    expect(indexes).toEqual(['orders_pkey', 'orders_store_ordered_at', 'orders_store_updated_at']);
    const fk = await withClient(schema.url, async (c) => (await c.query(`SELECT 1 FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'f'`)).rowCount);
    expect(fk).toBe(1);
  });

  it('reads bigint amounts as numbers, and rejects amounts beyond 2^53 instead of rounding them', async () => {
    const schema = await createTestSchema();
    schemas.push(schema);
    const writer = await openWriter(schema.url);
    await writer.writeStores(STORES);
    await writer.writeOrders([ORDERS]);
    await writer.close();
    await withClient(schema.url, (c) => c.query(`UPDATE orders SET cost_cents = 9007199254740993 WHERE order_id = 'o1'`));
    const source = await openSource(schema.url);
    const skipped: string[] = [];
    let count = 0;
    for await (const batch of source.streamOrders({ stores: 'all' }, (r) => skipped.push(`${r.orderId}: ${r.reason}`))) {
      for (const o of batch) {
        expect(typeof o.grossCents).toBe('number');
        count++;
      }
    }
    await source.close();
    expect(count).toBe(ORDERS.length - 1);
    expect(skipped).toEqual(['o1: cost_cents is not an integer: "9007199254740993"']);
  });

  it('an unknown database is a one-line SourceError naming it', async () => {
    const error = await openSource('postgres://postgres:secret@127.0.0.1:5432/no_such_db_prewarm').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toMatch(/^source database postgres 127\.0\.0\.1:5432\/no_such_db_prewarm: .*does not exist/);
    expect((error as Error).message).not.toContain('secret');
  });

  it('an unreachable server is a SourceError for writers too', async () => {
    await expect(openWriter('postgresql://postgres@127.0.0.1:1/test')).rejects.toThrow(/127\.0\.0\.1:1\/test is unreachable/);
  });

  it('leaves the process-wide pg type parsers alone', () => {
    expect(pg.types.getTypeParser(20, 'text')('12')).toBe('12');
  });
});
