import { FINGERPRINT_AGGREGATES, collectFingerprints } from './fingerprint.js';
import type pg from 'pg';
import Cursor from 'pg-cursor';
import type { OrderTuple } from './order-decoder.js';
import { checkout, createPool, postgresFailure } from './postgres-connection.js';
import { MAX_UPDATED_AT_SQL, ORDER_SELECT_LIST, ORDER_STORE_IDS_SQL, msParam } from './postgres-schema.js';
import type { StoreTuple } from './store-catalog.js';
import { SourceError } from './types.js';
import { type RowSelection, ValidatingOrderSource } from './validating-source.js';

export interface PostgresSourceOptions {
  /** Connections in the pool (default 5: one per concurrent stream of a worker). */
  maxConnections?: number;
}

/**
 * PostgreSQL source over a small pg pool. Orders stream through pg-cursor, one chunk per
 * round trip, with times selected as epoch milliseconds and bigint cents as numbers.
 */
export class PostgresOrderSource extends ValidatingOrderSource {
  readonly kind = 'postgres' as const;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    readonly display: string,
  ) {
    super();
  }

  /** Connects and checks the tables; an unreachable server is a SourceError naming host:port. */
  static async open(connectionString: string, display: string, options: PostgresSourceOptions = {}): Promise<PostgresOrderSource> {
    const pool = createPool({ connectionString, display, max: options.maxConnections ?? 5 });
    const source = new PostgresOrderSource(pool, display);
    try {
      await source.ping();
    } catch (error) {
      await source.close();
      throw error;
    }
    return source;
  }

  async ping(): Promise<void> {
    const { rows } = await this.query<[string | null, string | null]>(`SELECT to_regclass('stores')::text, to_regclass('orders')::text`, [], 'connecting');
    const [stores, orders] = rows[0] ?? [null, null];
    for (const [table, found] of [['stores', stores], ['orders', orders]] as const) {
      if (found === null) throw new SourceError(`source database ${this.display} has no ${table} table (run "prewarm seed" or "prewarm import" first)`);
    }
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end().catch(() => undefined);
    return this.closing;
  }

  protected async readStoreRows(): Promise<StoreTuple[]> {
    return (await this.query<StoreTuple>('SELECT store_id, name, city, timezone FROM stores', [], 'listing stores')).rows;
  }

  protected async readOrderStoreIds(): Promise<string[]> {
    return (await this.query<[string]>(ORDER_STORE_IDS_SQL, [], 'listing store ids')).rows.map((r) => r[0]);
  }

  async fingerprints(fromMs: number, toMs: number): Promise<Map<string, Map<number, string>>> {
    const sql =
      `SELECT store_id, floor(extract(epoch FROM ordered_at) / 86400)::bigint AS day, ${FINGERPRINT_AGGREGATES}, sum(floor(extract(epoch FROM updated_at))::bigint) ` +
      'FROM orders WHERE ordered_at >= to_timestamp($1) AND ordered_at < to_timestamp($2) GROUP BY 1, 2';
    const { rows } = await this.query<unknown[]>(sql, [Math.floor(fromMs / 1000), Math.ceil(toMs / 1000)], 'reading fingerprints');
    return collectFingerprints(rows);
  }

  async maxUpdatedAt(): Promise<Map<string, number>> {
    const { rows } = await this.query<[string, number | null]>(MAX_UPDATED_AT_SQL, [], 'reading watermarks');
    const out = new Map<string, number>();
    for (const [storeId, ms] of rows) if (typeof ms === 'number') out.set(storeId, ms);
    return out;
  }

  protected async *readOrderRows(selection: RowSelection, chunkSize: number): AsyncIterable<readonly OrderTuple[]> {
    const { sql, params } = selectOrders(selection);
    let held: Awaited<ReturnType<typeof checkout>>;
    try {
      held = await checkout(this.pool);
    } catch (cause) {
      throw postgresFailure(this.display, 'connecting', cause);
    }
    const cursor = held.client.query(new Cursor<OrderTuple>(sql, params, { rowMode: 'array' }));
    let broken: Error | undefined;
    try {
      for (;;) {
        let rows: OrderTuple[];
        try {
          rows = await Promise.race([cursor.read(chunkSize), held.dropped]);
        } catch (cause) {
          broken = cause instanceof Error ? cause : new Error(String(cause));
          throw postgresFailure(this.display, 'reading orders', cause);
        }
        if (rows.length === 0) break;
        yield rows;
      }
    } finally {
      if (!broken) await cursor.close().catch((cause: unknown) => (broken = cause instanceof Error ? cause : new Error(String(cause))));
      held.release(broken); // a client whose cursor failed, or whose connection dropped, is discarded
    }
  }

  private async query<R extends readonly unknown[]>(text: string, values: unknown[], doing: string): Promise<pg.QueryResult<R & unknown[]>> {
    try {
      return await this.pool.query<R & unknown[]>({ text, values, rowMode: 'array' });
    } catch (cause) {
      throw postgresFailure(this.display, doing, cause);
    }
  }
}

/** The SELECT for a row selection: one index range per store via `store_id = ANY($1)`. */
function selectOrders({ storeIds, time }: RowSelection): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (storeIds !== 'all') {
    params.push(storeIds);
    where.push(`store_id = ANY($${params.length}::text[])`);
  }
  if (time?.column === 'ordered_at') {
    params.push(Math.floor(time.startMs), Math.ceil(time.endMs));
    where.push(`ordered_at >= ${msParam(params.length - 1)} AND ordered_at < ${msParam(params.length)}`);
  } else if (time?.column === 'updated_at') {
    params.push(Math.floor(time.fromMs));
    where.push(`updated_at >= ${msParam(params.length)}`);
  }
  const clause = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  return { sql: `SELECT ${ORDER_SELECT_LIST} FROM orders${clause}`, params };
}
