import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ORDER_COLUMNS } from '@prewarm/domain';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { COPY_COLUMNS, copyLines } from './copy-text.js';
import { checkout, createPool, postgresFailure } from './postgres-connection.js';
import { POSTGRES_SCHEMA } from './postgres-schema.js';
import { checkOrderRow, checkStoreRow } from './row-checks.js';
import type { OrderRow, SourceWriter, StoreRow } from './types.js';

const ORDER_LIST = ORDER_COLUMNS.join(', ');
const UPDATE_ORDERS = ORDER_COLUMNS.filter((c) => c !== 'order_id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');

/**
 * Writes the PostgreSQL source for `seed` and `import`. Orders are bulk-loaded with COPY into
 * a temporary table, then upserted in one `INSERT … SELECT DISTINCT ON … ON CONFLICT` (the
 * latest row per order_id wins), all in one transaction. Into an empty table the secondary
 * indexes and the foreign key are built after the load instead.
 */
export class PostgresSourceWriter implements SourceWriter {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    readonly display: string,
  ) {}

  /** Connects and creates the schema when missing. */
  static async open(connectionString: string, display: string): Promise<PostgresSourceWriter> {
    const writer = new PostgresSourceWriter(createPool({ connectionString, display, max: 2 }), display);
    try {
      await writer.ensureSchema();
    } catch (error) {
      await writer.close();
      throw error;
    }
    return writer;
  }

  async ensureSchema(): Promise<void> {
    await this.inTransaction('creating the schema', async (client) => {
      await client.query(POSTGRES_SCHEMA);
    });
  }

  async reset(): Promise<number> {
    return this.inTransaction('resetting the tables', async (client) => {
      const { rows } = await client.query<{ exists: boolean }>(`SELECT to_regclass('orders') IS NOT NULL AS exists`);
      let before = 0;
      if (rows[0]?.exists) before = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM orders')).rows[0]?.n ?? 0);
      await client.query('DROP TABLE IF EXISTS orders; DROP TABLE IF EXISTS stores;');
      await client.query(POSTGRES_SCHEMA);
      return before;
    });
  }

  async writeStores(stores: readonly StoreRow[]): Promise<void> {
    for (const store of stores) checkStoreRow(store);
    const latest = [...new Map(stores.map((s) => [s.store_id, s])).values()]; // one row per id per statement
    await this.inTransaction('writing stores', async (client) => {
      await client.query(POSTGRES_SCHEMA);
      await client.query(
        `INSERT INTO stores (store_id, name, city, timezone)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
         ON CONFLICT (store_id) DO UPDATE SET name = excluded.name, city = excluded.city, timezone = excluded.timezone`,
        [latest.map((s) => s.store_id), latest.map((s) => s.name), latest.map((s) => s.city), latest.map((s) => s.timezone)],
      );
    });
  }

  async writeOrders(batches: AsyncIterable<readonly OrderRow[]> | Iterable<readonly OrderRow[]>): Promise<number> {
    return this.inTransaction('writing orders', async (client) => {
      await client.query(POSTGRES_SCHEMA);
      await client.query(`SET LOCAL work_mem = '256MB'; SET LOCAL maintenance_work_mem = '256MB'`);
      const known = new Set((await client.query<{ store_id: string }>('SELECT store_id FROM stores')).rows.map((r) => r.store_id));
      await client.query('CREATE TEMP TABLE orders_load (LIKE orders, load_seq bigint NOT NULL) ON COMMIT DROP');
      let written = 0;
      async function* lines(): AsyncGenerator<string> {
        for await (const batch of batches) {
          for (const row of batch) checkOrderRow(row, known);
          yield copyLines(batch, written);
          written += batch.length;
        }
      }
      await pipeline(Readable.from(lines()), client.query(copyFrom(`COPY orders_load (${COPY_COLUMNS.join(', ')}) FROM STDIN`)));
      const latest = `SELECT DISTINCT ON (order_id) ${ORDER_LIST} FROM orders_load ORDER BY order_id, load_seq DESC`;
      const rebuild = await dropSecondaryIfEmpty(client);
      if (rebuild) {
        await client.query(`INSERT INTO orders (${ORDER_LIST}) ${latest}`);
        for (const ddl of rebuild) await client.query(ddl);
      } else {
        await client.query(`INSERT INTO orders (${ORDER_LIST}) ${latest} ON CONFLICT (order_id) DO UPDATE SET ${UPDATE_ORDERS}`);
      }
      return written;
    });
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end().catch(() => undefined);
    return this.closing;
  }

  /** Runs `work` in one transaction on one client; failures roll back and become SourceErrors. */
  private async inTransaction<T>(doing: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let held: Awaited<ReturnType<typeof checkout>>;
    try {
      held = await checkout(this.pool);
    } catch (cause) {
      throw postgresFailure(this.display, 'connecting', cause);
    }
    const client = held.client;
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (cause) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw postgresFailure(this.display, doing, cause);
    } finally {
      held.release(broken);
    }
  }
}

/**
 * When orders is empty (seed after reset, a first import), drops its secondary indexes and
 * foreign keys and returns the DDL that recreates them: building them once after the load is
 * about twice as fast as maintaining them row by row. Returns null for a non-empty table.
 */
async function dropSecondaryIfEmpty(client: pg.PoolClient): Promise<string[] | null> {
  const empty = async (): Promise<boolean> => (await client.query('SELECT 1 FROM orders LIMIT 1')).rowCount === 0;
  if (!(await empty())) return null; // the usual upsert: readers are not blocked
  await client.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
  if (!(await empty())) return null; // filled by someone else meanwhile
  const { rows: indexes } = await client.query<{ name: string; ddl: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS ddl
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
     WHERE x.indrelid = 'orders'::regclass AND NOT x.indisprimary AND NOT x.indisunique`,
  );
  const { rows: keys } = await client.query<{ name: string; ddl: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS ddl FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'f'`,
  );
  const rebuild: string[] = [];
  for (const { name, ddl } of indexes) {
    await client.query(`DROP INDEX ${pg.escapeIdentifier(name)}`);
    rebuild.push(ddl);
  }
  for (const { name, ddl } of keys) {
    await client.query(`ALTER TABLE orders DROP CONSTRAINT ${pg.escapeIdentifier(name)}`);
    rebuild.push(`ALTER TABLE orders ADD CONSTRAINT ${pg.escapeIdentifier(name)} ${ddl}`);
  }
  return rebuild;
}
