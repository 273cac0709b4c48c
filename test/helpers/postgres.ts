/**
 * Gives a test its own PostgreSQL schema on the server named by PREWARM_TEST_POSTGRES_URL
 * (default postgres://postgres@127.0.0.1:5432/test): `CREATE SCHEMA t_<random>`, and a URL
 * whose `options=-c search_path=…` points every connection at it. When the server does not
 * answer the test fails loudly, naming the variable. Never skipped, never mocked.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  /** The server URL with `options=-c search_path=<schema>`. */
  url: string;
  schema: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

export function testPostgresUrl(): string {
  return process.env.PREWARM_TEST_POSTGRES_URL || DEFAULT_TEST_POSTGRES_URL;
}

export async function createTestSchema(): Promise<TestSchema> {
  const base = testPostgresUrl();
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await withClient(base, (c) => c.query(`CREATE SCHEMA ${schema}`));
  const url = withSearchPath(base, schema);
  let dropped = false;
  return {
    url,
    schema,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await withClient(base, (c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
    },
  };
}

/** Runs `work` on a fresh client of `url`; an unreachable server is an error naming the variable. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL for the tests does not answer at PREWARM_TEST_POSTGRES_URL=${redact(testPostgresUrl())}: ${describe(err)} ` +
        '(start PostgreSQL or point PREWARM_TEST_POSTGRES_URL at a server where the user may create schemas)',
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.message === '') return err.errors.map((e: Error) => e.message).join(', ');
  return err instanceof Error ? err.message : String(err);
}
