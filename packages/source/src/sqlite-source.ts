import { FINGERPRINT_AGGREGATES, collectFingerprints } from './fingerprint.js';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { parseTimestamp } from '@prewarm/domain';
import type { OrderTuple } from './order-decoder.js';
import { ORDER_COLUMN_LIST, ORDER_STORE_IDS_SQL, storeTimeRangeSql } from './sqlite-schema.js';
import type { StoreTuple } from './store-catalog.js';
import { messageOf } from './errors.js';
import { SourceError } from './types.js';
import { type RowSelection, ValidatingOrderSource } from './validating-source.js';

const SETUP_HINT = '(run "prewarm seed" or "prewarm import" first)';

/**
 * The embedded source: a SQLite file opened read-only. Reads stream through
 * `stmt.raw().iterate()`, so memory stays bounded by one chunk; range and watermark reads use
 * the expression indexes of sqlite-schema.ts, one index range per store.
 */
export class SqliteOrderSource extends ValidatingOrderSource {
  readonly kind = 'sqlite' as const;

  private constructor(
    private readonly db: Database.Database,
    /** The path as the user wrote it, for messages. */
    readonly display: string,
  ) {
    super();
  }

  /** Opens `path` read-only; a missing file is a SourceError naming it. */
  static open(path: string, display = path): SqliteOrderSource {
    if (!existsSync(path)) throw new SourceError(`source database ${display} does not exist ${SETUP_HINT}`);
    let db: Database.Database;
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
      // Range reads visit table rows in index order, scattered over the file: map it into
      // memory and give the page cache room, instead of a read() syscall per page.
      db.pragma('mmap_size = 1073741824');
      db.pragma('cache_size = -131072');
    } catch (cause) {
      throw new SourceError(`cannot open source database ${display}: ${messageOf(cause)}`, { cause });
    }
    return new SqliteOrderSource(db, display);
  }

  async ping(): Promise<void> {
    const tables = this.run(() => this.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('orders', 'stores')`).pluck().all());
    for (const table of ['stores', 'orders']) {
      if (!tables.includes(table)) throw new SourceError(`source database ${this.display} has no ${table} table ${SETUP_HINT}`);
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  protected async readStoreRows(): Promise<StoreTuple[]> {
    return this.run(() => this.prepare('SELECT store_id, name, city, timezone FROM stores').raw().all() as StoreTuple[]);
  }

  protected async readOrderStoreIds(): Promise<string[]> {
    return this.run(() => this.prepare(ORDER_STORE_IDS_SQL).pluck().all() as string[]);
  }

  /**
   * Per store: the exact max second from the index, then the rows of that second (and any
   * SQLite cannot parse) to get milliseconds with the domain's own timestamp parser.
   */
  async fingerprints(fromMs: number, toMs: number): Promise<Map<string, Map<number, string>>> {
    // Per store, so the (store_id, unixepoch(ordered_at)) index narrows each read to the window.
    const perStore = this.prepare(
      `SELECT store_id, unixepoch(ordered_at) / 86400 AS day, ${FINGERPRINT_AGGREGATES}, sum(unixepoch(updated_at)) ` +
        'FROM orders WHERE store_id = ? AND unixepoch(ordered_at) >= ? AND unixepoch(ordered_at) < ? GROUP BY day',
    ).raw();
    const rows: unknown[][] = [];
    for (const storeId of await this.readOrderStoreIds()) {
      rows.push(...(this.run(() => perStore.all(storeId, Math.floor(fromMs / 1000), Math.ceil(toMs / 1000))) as unknown[][]));
    }
    return collectFingerprints(rows);
  }

  async maxUpdatedAt(): Promise<Map<string, number>> {
    const maxSecond = this.prepare('SELECT max(unixepoch(updated_at)) FROM orders WHERE store_id = ?').pluck();
    const candidates = this.prepare(storeTimeRangeSql('updated_at', 'updated_at')).pluck();
    const everyTime = this.prepare('SELECT updated_at FROM orders WHERE store_id = ?').pluck();
    const out = new Map<string, number>();
    for (const storeId of await this.readOrderStoreIds()) {
      const second = this.run(() => maxSecond.get(storeId)) as number | null;
      let max = latest(this.run(() => candidates.all({ store: storeId, from: second ?? 0 })));
      if (max === null) max = latest(this.run(() => everyTime.all(storeId))); // every time in that second was invalid
      if (max !== null) out.set(storeId, max);
    }
    return out;
  }

  protected async *readOrderRows(selection: RowSelection, chunkSize: number): AsyncIterable<readonly OrderTuple[]> {
    const { storeIds, time } = selection;
    if (storeIds === 'all') {
      if (time) throw new SourceError('internal: a time-bounded read needs store ids'); // ValidatingOrderSource never asks
      yield* this.chunks(this.prepare(`SELECT ${ORDER_COLUMN_LIST} FROM orders`), [], chunkSize);
      return;
    }
    const stmt = this.prepare(time ? storeTimeRangeSql(time.column) : `SELECT ${ORDER_COLUMN_LIST} FROM orders WHERE store_id = @store`);
    for (const store of storeIds) {
      if (!time) yield* this.chunks(stmt, [{ store }], chunkSize);
      else if (time.column === 'ordered_at') {
        const params = { store, from: Math.floor(time.startMs / 1000), to: Math.ceil(time.endMs / 1000) };
        yield* this.chunks(stmt, [params], chunkSize);
      } else yield* this.chunks(stmt, [{ store, from: Math.floor(time.fromMs / 1000) }], chunkSize);
    }
  }

  private async *chunks(stmt: Database.Statement, params: unknown[], chunkSize: number): AsyncIterable<OrderTuple[]> {
    const rows = this.run(() => stmt.raw().iterate(...params) as IterableIterator<OrderTuple>);
    try {
      let chunk: OrderTuple[] = [];
      for (;;) {
        let next: IteratorResult<OrderTuple>;
        try {
          next = rows.next();
        } catch (cause) {
          throw this.failure(cause);
        }
        if (next.done) break;
        chunk.push(next.value);
        if (chunk.length === chunkSize) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length > 0) yield chunk;
    } finally {
      rows.return?.(); // releases the statement when the consumer stops early
    }
  }

  private prepare(sql: string): Database.Statement {
    return this.run(() => this.db.prepare(sql));
  }

  private run<T>(read: () => T): T {
    try {
      return read();
    } catch (cause) {
      throw this.failure(cause);
    }
  }

  /** Driver errors (missing table, corrupt file, closed connection) become SourceErrors. */
  private failure(cause: unknown): SourceError {
    if (cause instanceof SourceError) return cause;
    return new SourceError(`reading source database ${this.display} failed: ${messageOf(cause)}`, { cause });
  }
}

function latest(texts: unknown[]): number | null {
  let max: number | null = null;
  for (const text of texts) {
    const ms = typeof text === 'string' ? parseTimestamp(text) : null;
    if (ms !== null && (max === null || ms > max)) max = ms;
  }
  return max;
}
