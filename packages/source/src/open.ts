import { PostgresOrderSource, type PostgresSourceOptions } from './postgres-source.js';
import { PostgresSourceWriter } from './postgres-writer.js';
import { parseSourceUrl } from './source-url.js';
import { SqliteOrderSource } from './sqlite-source.js';
import { SqliteSourceWriter } from './sqlite-writer.js';
import type { OrderSource, SourceWriter } from './types.js';

export type OpenSourceOptions = PostgresSourceOptions;

/**
 * Opens the source named by `url` (`sqlite:PATH` or `postgres://…`) read-only and checks that
 * it answers and holds both tables. Every failure is a SourceError with a one-line message.
 */
export async function openSource(url: string, options: OpenSourceOptions = {}): Promise<OrderSource> {
  const location = parseSourceUrl(url);
  if (location.kind === 'postgres') return PostgresOrderSource.open(location.connectionString, location.display, options);
  const source = SqliteOrderSource.open(location.path, location.display);
  try {
    await source.ping();
  } catch (error) {
    await source.close();
    throw error;
  }
  return source;
}

/** Opens the source named by `url` for writing (seed, import), creating file and tables when missing. */
export async function openWriter(url: string): Promise<SourceWriter> {
  const location = parseSourceUrl(url);
  if (location.kind === 'postgres') return PostgresSourceWriter.open(location.connectionString, location.display);
  return SqliteSourceWriter.open(location.path, location.display);
}
