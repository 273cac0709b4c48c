import { resolve } from 'node:path';
import { SourceError } from './types.js';

/** Where a source URL points. `display` is safe to print: it never contains a password. */
export type SourceLocation =
  | { kind: 'sqlite'; path: string; display: string }
  | { kind: 'postgres'; connectionString: string; display: string };

/**
 * `sqlite:PATH` (relative to the working directory; `sqlite:///abs/path` also works) or
 * `postgres://…` / `postgresql://…` (any libpq-style parameters pg understands, including
 * `options=-c search_path=SCHEMA`).
 */
export function parseSourceUrl(url: string): SourceLocation {
  if (url.startsWith('sqlite:')) {
    let path = url.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '' || path === ':memory:') throw new SourceError(`source URL ${JSON.stringify(url)} needs a file path, e.g. sqlite:./data/orders.db`);
    return { kind: 'sqlite', path: resolve(path), display: path };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return { kind: 'postgres', connectionString: url, display: postgresDisplay(url) };
  }
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? JSON.stringify(url);
  throw new SourceError(`unsupported source URL scheme ${scheme} (expected sqlite:PATH or postgres://HOST:PORT/DATABASE)`);
}

/** `postgres 127.0.0.1:5432/test` — host, port and database only. */
function postgresDisplay(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SourceError('source URL is not a valid postgres:// URL');
  }
  const host = parsed.searchParams.get('host') ?? (decodeURIComponent(parsed.hostname) || 'localhost');
  const port = parsed.searchParams.get('port') ?? (parsed.port || '5432');
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return `postgres ${host}:${port}${database ? `/${database}` : ''}`;
}
