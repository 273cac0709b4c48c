import pg from 'pg';
import { messageOf } from './errors.js';
import { SourceError } from './types.js';

const INT8_OID = 20;

/**
 * bigint columns (cents, epoch milliseconds) come back as numbers when they fit in a double
 * exactly; otherwise as their text, which validateOrder rejects as "not an integer" instead of
 * silently rounding. Set per pool, so the process-wide pg.types stay untouched.
 */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

function parseInt8(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

export interface PoolSettings {
  connectionString: string;
  /** For messages: host, port and database, never the password. */
  display: string;
  max: number;
}

/** A small pool; a broken idle client is dropped by pg and must not crash the process. */
export function createPool({ connectionString, max }: PoolSettings): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    types: TYPES,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 10_000,
    allowExitOnIdle: true,
    application_name: 'prewarm',
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool discards it and the next query reconnects.
  });
  return pool;
}

/**
 * A client taken from the pool for a cursor or a transaction. While it is checked out, pg no
 * longer listens for its errors: a connection dropped under it (the server stopped, a network
 * cut) would be an unhandled 'error' event and crash the process. `lost()` says whether that
 * happened; `release()` hands it back (discarded when broken).
 */
export async function checkout(pool: pg.Pool): Promise<{ client: pg.PoolClient; lost(): Error | undefined; dropped: Promise<never>; release(broken?: boolean | Error): void }> {
  const client = await pool.connect();
  let lost: Error | undefined;
  let drop!: (err: Error) => void;
  // Rejects when the connection drops: a cursor read pending then may never settle by itself.
  const dropped = new Promise<never>((_, reject) => (drop = reject));
  dropped.catch(() => {});
  const onError = (err: Error) => {
    lost ??= err;
    drop(err);
  };
  client.on('error', onError);
  return {
    client,
    lost: () => lost,
    dropped,
    release: (broken) => {
      client.off('error', onError);
      client.release(lost ?? broken);
    },
  };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);

/** One line naming the server (never the password), for any pg or network failure. */
export function postgresFailure(display: string, doing: string, cause: unknown): SourceError {
  if (cause instanceof SourceError) return cause;
  const code = (cause as { code?: unknown } | null)?.code;
  let message = messageOf(cause);
  if (message === '' && cause instanceof AggregateError) message = cause.errors.map(messageOf).join(', ');
  if ((typeof code === 'string' && NETWORK_CODES.has(code)) || /timeout|terminated unexpectedly/i.test(message)) {
    return new SourceError(`source database ${display} is unreachable: ${message || code}`, { cause });
  }
  return new SourceError(`source database ${display}: ${doing} failed: ${message}`, { cause });
}
